import type { ActionResult, Customer, CustomerInvoice, InvoiceDraft, InvoiceListQuery, InvoicePage, InvoicePatch } from './model';

/** Per-call options. Every upstream call made for one GraphQL request shares them. */
export interface CallOptions {
  /** Aborts the call (and its retries) when the caller gives up. */
  signal?: AbortSignal;
  /** Epoch milliseconds after which no attempt starts and the running one is aborted. */
  deadline?: number;
  /** Correlates logs; sent upstream as `X-Request-Id`. */
  requestId?: string;
  /** Passthrough mode: use this caller's own Visma bearer token instead of client credentials. */
  accessToken?: string;
  /**
   * Ask Visma itself, never a cached or shared answer: for reads whose answer decides a write
   * (an idempotent create's look-up). A plain client ignores it.
   */
  fresh?: boolean;
}

export interface WriteOptions extends CallOptions {
  /** Sent as `If-Match`; Visma answers 412 (VismaConflictError) when the version moved on. */
  ifMatch?: string;
}

export interface Created {
  referenceNumber: string;
  /** The ETag Visma sent with the 201, when it sent one. */
  version: string | null;
}

export interface Updated {
  /** The new ETag Visma sent with the 204, when it sent one. */
  version: string | null;
}

/** What the client last saw of Visma's `X-RateLimit-*` headers. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Epoch milliseconds at which the window resets. */
  resetAt: number;
  policy: string | null;
  observedAt: number;
}

/**
 * The operations the gateway needs from Visma's CustomerInvoice endpoint. Implementations
 * throw only the errors of `./errors`.
 */
export interface VismaApi {
  /** GET /v1/customerinvoice/{referenceNumber}; VismaNotFoundError on 404. */
  getInvoice(referenceNumber: string, options?: CallOptions): Promise<CustomerInvoice>;
  /** GET /v1/customerinvoice with filters and one page. */
  listInvoices(query: InvoiceListQuery, options?: CallOptions): Promise<InvoicePage>;
  /** POST /v2/customerinvoice; the number comes from `Location`. Never retried blindly. */
  createInvoice(draft: InvoiceDraft, options?: CallOptions): Promise<Created>;
  /** PUT /v1/customerinvoice/{referenceNumber}: only the given fields and line changes. */
  updateInvoice(referenceNumber: string, patch: InvoicePatch, options?: WriteOptions): Promise<Updated>;
  /** POST /v1/customerinvoice/{referenceNumber}/action/release. */
  releaseInvoice(referenceNumber: string, options?: WriteOptions): Promise<ActionResult>;
  /** GET /v1/customer/{number}; VismaNotFoundError on 404. */
  getCustomer(number: string, options?: CallOptions): Promise<Customer>;
  /** The rate-limit headers of the most recent answer, or null before the first. */
  rateLimit(): RateLimitState | null;
}
