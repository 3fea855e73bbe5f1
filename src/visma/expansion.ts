import type { InvoiceListQuery } from './model';

export type InvoiceExpansion = NonNullable<InvoiceListQuery['expand']>;

/**
 * Every expansion `GET /v1/customerinvoice` offers. A listed invoice asked for with all of them is
 * as complete as one from `GET /v1/customerinvoice/{number}`, so it may stand in for one: the
 * invoices service primes its per-request loader with listed invoices, and the upstream cache
 * keeps listed invoices as single ones and polls with it.
 */
export const FULL_EXPANSION: Readonly<Required<InvoiceExpansion>> = Object.freeze({
  applications: true,
  attachments: true,
  taxDetails: true,
  invoiceAddress: true,
  dunningInformation: true,
});

/** True when a list query asked for every expansion, so its rows are whole invoices. */
export function isFullyExpanded(expand: InvoiceListQuery['expand']): boolean {
  return expand !== undefined && (Object.keys(FULL_EXPANSION) as Array<keyof InvoiceExpansion>).every((name) => expand[name] === true);
}
