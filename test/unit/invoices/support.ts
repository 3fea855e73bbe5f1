import { CONFIG_DEFAULTS } from '../../../src/config';
import { createIdempotentCreator } from '../../../src/idempotency';
import { UpstreamPageSize, type InvoicesDeps } from '../../../src/invoices';
import type { FakeVismaApi } from '../graphql/support/fake-visma-api';

/** The shipped per-operation limits. */
export const SHIPPED_LIMITS = {
  calls: Number(CONFIG_DEFAULTS.MAX_UPSTREAM_CALLS_PER_OPERATION),
  invoices: Number(CONFIG_DEFAULTS.MAX_INVOICES_PER_OPERATION),
  lines: Number(CONFIG_DEFAULTS.MAX_INVOICE_LINES_PER_OPERATION),
};

export function depsFor(visma: FakeVismaApi, concurrency = { invoice: 4, customer: 4 }, limits = SHIPPED_LIMITS): InvoicesDeps {
  return {
    upstream: visma,
    idempotency: createIdempotentCreator({
      settleMs: 30_000,
      retentionMs: 86_400_000,
      leaseMs: 60_000,
      now: Date.now,
      logger: { warn: () => undefined },
    }),
    pageSize: new UpstreamPageSize(),
    settings: {
      invoiceLookupConcurrency: concurrency.invoice,
      customerLookupConcurrency: concurrency.customer,
      maxUpstreamCalls: limits.calls,
      maxInvoices: limits.invoices,
      maxInvoiceLines: limits.lines,
    },
  };
}
