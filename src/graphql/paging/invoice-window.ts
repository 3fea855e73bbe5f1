import type { CallOptions, VismaApi } from '../../visma/api';
import type { CustomerInvoice, InvoiceListFilter, InvoiceListQuery } from '../../visma/model';
import { planPages, skipWithinPlan } from './page-plan';
import type { UpstreamPageSize } from './upstream-page-size';

/**
 * List items always ask for every expansion: they prime the per-request invoice loader, and a
 * primed invoice must be as complete as one from `GET /v1/customerinvoice/{number}`.
 */
export const FULL_EXPANSION: NonNullable<InvoiceListQuery['expand']> = Object.freeze({
  applications: true,
  attachments: true,
  taxDetails: true,
  invoiceAddress: true,
  dunningInformation: true,
});

export interface WindowRequest {
  filter: InvoiceListFilter;
  offset: number;
  count: number;
}

/** One page of a filtered list, as the connection resolvers need it. */
export interface InvoiceWindow {
  invoices: CustomerInvoice[];
  offset: number;
  filterKey: string;
  /** Known from Visma's metadata or a short page; null when only a count call can tell. */
  knownTotal: number | null;
  /** True when Visma showed the list ends inside (or before) this window. */
  exhausted: boolean;
  /** The total, asking Visma (one call of page size 1) only when it is not known yet. */
  totalCount(): Promise<number>;
}

/**
 * Reads exactly the Visma pages the window needs, one after another so that a short or empty
 * page stops the walk before a page that cannot hold anything is requested.
 */
export async function fetchInvoiceWindow(
  visma: VismaApi,
  request: WindowRequest,
  pageSize: UpstreamPageSize,
  options: CallOptions,
  filterKey: string,
): Promise<InvoiceWindow> {
  const { filter, offset } = request;
  let fetched = await readPages(visma, request, pageSize.current(), options);
  if (fetched.reportedMaxPageSize !== null && pageSize.learn(fetched.reportedMaxPageSize) && fetched.capped) {
    // Visma capped the page size below what was planned, so the pages read cover other rows
    // than intended (CONTRACT §8.4). Plan again with the size it reported.
    fetched = await readPages(visma, request, pageSize.current(), options);
  }
  let total = fetched.totalCount;
  const countCall = (): Promise<number> =>
    visma.listInvoices({ filter, pageNumber: 1, pageSize: 1 }, options).then((page) => page.totalCount ?? page.invoices.length);
  let pending: Promise<number> | undefined;
  return {
    invoices: fetched.invoices,
    offset,
    filterKey,
    knownTotal: total,
    exhausted: fetched.exhausted,
    totalCount(): Promise<number> {
      if (total !== null) {
        return Promise.resolve(total);
      }
      pending ??= countCall().then((counted) => {
        total = counted;
        return counted;
      });
      return pending;
    },
  };
}

interface Fetched {
  invoices: CustomerInvoice[];
  totalCount: number | null;
  reportedMaxPageSize: number | null;
  capped: boolean;
  exhausted: boolean;
}

async function readPages(
  visma: VismaApi,
  { filter, offset, count }: WindowRequest,
  maxPageSize: number,
  options: CallOptions,
): Promise<Fetched> {
  const plan = planPages(offset, count, maxPageSize);
  if (plan === null) {
    return { invoices: [], totalCount: null, reportedMaxPageSize: null, capped: false, exhausted: false };
  }
  const rows: CustomerInvoice[] = [];
  let totalCount: number | null = null;
  let reportedMaxPageSize: number | null = null;
  let exhausted = false;
  for (let pageNumber = plan.firstPage; pageNumber <= plan.lastPage; pageNumber += 1) {
    const pageStart = (pageNumber - 1) * plan.pageSize;
    if (totalCount !== null && pageStart >= totalCount) {
      exhausted = true;
      break;
    }
    const page = await visma.listInvoices({ filter, pageNumber, pageSize: plan.pageSize, expand: FULL_EXPANSION }, options);
    reportedMaxPageSize = page.maxPageSize ?? reportedMaxPageSize;
    if (page.maxPageSize !== null && page.maxPageSize < plan.pageSize) {
      return { invoices: [], totalCount: null, reportedMaxPageSize, capped: true, exhausted: false };
    }
    totalCount = page.totalCount ?? totalCount;
    rows.push(...page.invoices);
    if (page.invoices.length < plan.pageSize) {
      // A short page is the last one; an empty first page means an empty list (CONTRACT §4).
      exhausted = true;
      if (page.invoices.length > 0 || pageNumber === 1) {
        totalCount ??= pageStart + page.invoices.length;
      }
      break;
    }
  }
  const skip = skipWithinPlan(plan, offset);
  return {
    invoices: rows.slice(skip, skip + count),
    totalCount,
    reportedMaxPageSize,
    capped: false,
    exhausted: exhausted || (totalCount !== null && offset + count >= totalCount),
  };
}
