/** The invoices service: what the GraphQL layer and the composition root import. Its loaders and paging stay inside. */
export {
  InvoicesService,
  type InvoiceListRequest,
  type InvoicesDeps,
  type InvoicesSettings,
  type ReleasedInvoice,
  type WriteMode,
} from './invoices-service';
export {
  InvalidRequestError,
  InvoiceLimitExceededError,
  LineLimitExceededError,
  InvoiceNotFoundError,
  ReadBackError,
  UpstreamBudgetExceededError,
  WritePlannedError,
  isInvoicesError,
  type InvoicesError,
  type RequestProblem,
  type Write,
} from './errors';
// The idempotent create's refusals pass through the service unchanged; callers map them from here.
export { IdempotencyError, type IdempotencyErrorKind } from '../idempotency';
export type { InvoiceWindow } from './invoice-window';
export type { PlannedCall, WritePlan } from './write-plan';
export {
  InvoiceChangeHub,
  SlowConsumerError,
  SubscriptionLimitExceededError,
  type InvoiceChangeEvent,
  type InvoiceChangeFilter,
  type InvoiceChangeHint,
  type InvoiceChangeHubOptions,
  type InvoiceChangeKind,
  type SubscribeHooks,
} from './invoice-changes';
export { UpstreamPageSize } from './upstream-page-size';
