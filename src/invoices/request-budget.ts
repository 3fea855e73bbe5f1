import type { CallOptions, VismaApi, WriteOptions } from '../visma/api';
import type { InvoiceDraft, InvoiceListQuery, InvoicePatch } from '../visma/model';
import { InvoiceLimitExceededError, LineLimitExceededError, UpstreamBudgetExceededError } from './errors';

/** What one operation may spend (docs/security.md, "Operation budget"). */
export interface RequestLimits {
  /** MAX_UPSTREAM_CALLS_PER_OPERATION. */
  maxUpstreamCalls: number;
  /** MAX_INVOICES_PER_OPERATION. */
  maxInvoices: number;
  /** MAX_INVOICE_LINES_PER_OPERATION. */
  maxInvoiceLines: number;
}

/**
 * One request's spending: the upstream calls it has made and the invoices it has read. The
 * gateway refuses an operation whose estimate is over a limit before it runs; this holds the
 * limits as the calls are made, for what the estimate cannot foresee (a count call for an empty
 * page, a page read again because Visma capped its size, a look-up an idempotent create makes).
 * Calls are counted as the request asks for them, whether the upstream cache or Visma answers,
 * so whether an operation fits does not depend on what happens to be cached.
 */
export class RequestBudget {
  private calls = 0;
  private invoices = 0;
  private lines = 0;

  constructor(private readonly limits: RequestLimits) {}

  /** Upstream calls made (or answered by the cache) so far. */
  get upstreamCalls(): number {
    return this.calls;
  }

  /** Invoices read so far. */
  get invoicesRead(): number {
    return this.invoices;
  }

  /** Takes one call from the budget, or throws UpstreamBudgetExceededError when none is left. */
  drawCall(): void {
    if (this.calls >= this.limits.maxUpstreamCalls) {
      throw new UpstreamBudgetExceededError(this.limits.maxUpstreamCalls);
    }
    this.calls += 1;
  }

  /** Counts a call the budget must not refuse: a write's read-back (the write has happened). */
  recordCall(): void {
    this.calls += 1;
  }

  /** Takes `count` invoices before they are read, or throws InvoiceLimitExceededError (nothing is read). */
  reserveInvoices(count: number): void {
    if (this.invoices + count > this.limits.maxInvoices) {
      throw new InvoiceLimitExceededError(this.limits.maxInvoices, this.invoices + count);
    }
    this.invoices += count;
  }

  /** Gives back what a read reserved and did not get (a short page, a missing invoice). */
  returnInvoices(count: number): void {
    this.invoices = Math.max(0, this.invoices - count);
  }

  /** Counts invoices the budget must not refuse: a write's read-back. */
  recordInvoices(count: number): void {
    this.invoices += count;
  }

  /** Invoice lines read so far. */
  get linesRead(): number {
    return this.lines;
  }

  /**
   * Counts the lines of what a read brought back, or throws LineLimitExceededError when they take
   * the operation over its limit: how large an invoice is shows only once it is read.
   */
  takeLines(count: number): void {
    this.lines += count;
    if (this.lines > this.limits.maxInvoiceLines) {
      throw new LineLimitExceededError(this.limits.maxInvoiceLines, this.lines);
    }
  }

  /** Throws LineLimitExceededError once a read has taken the operation past its lines: later reads are not sent. */
  assertLinesLeft(): void {
    if (this.lines > this.limits.maxInvoiceLines) {
      throw new LineLimitExceededError(this.limits.maxInvoiceLines, this.lines);
    }
  }

  /** Counts lines the budget must not refuse: a write's read-back. */
  recordLines(count: number): void {
    this.lines += count;
  }
}

/**
 * The upstream as one request sees it: every call draws from the request's budget before it is
 * made, and one over the budget is refused without being sent (its promise rejects with
 * UpstreamBudgetExceededError, which fails only the field or entity that asked).
 */
export function budgetedUpstream(upstream: VismaApi, budget: RequestBudget): VismaApi {
  // A refusal is a rejection like any other failure of the call: callers handle both alike.
  const draw = async <T>(call: () => Promise<T>): Promise<T> => {
    budget.drawCall();
    return await call();
  };
  return {
    getInvoice: async (referenceNumber: string, options?: CallOptions) => {
      budget.assertLinesLeft();
      const invoice = await draw(() => upstream.getInvoice(referenceNumber, options));
      budget.takeLines(invoice.lines.length);
      return invoice;
    },
    listInvoices: async (query: InvoiceListQuery, options?: CallOptions) => {
      budget.assertLinesLeft();
      const page = await draw(() => upstream.listInvoices(query, options));
      budget.takeLines(page.invoices.reduce((lines, invoice) => lines + invoice.lines.length, 0));
      return page;
    },
    createInvoice: (draft: InvoiceDraft, options?: CallOptions) => draw(() => upstream.createInvoice(draft, options)),
    updateInvoice: (referenceNumber: string, patch: InvoicePatch, options?: WriteOptions) =>
      draw(() => upstream.updateInvoice(referenceNumber, patch, options)),
    releaseInvoice: (referenceNumber: string, options?: WriteOptions) => draw(() => upstream.releaseInvoice(referenceNumber, options)),
    getCustomer: (number: string, options?: CallOptions) => draw(() => upstream.getCustomer(number, options)),
    rateLimit: () => upstream.rateLimit(),
  };
}
