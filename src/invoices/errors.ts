import type { VismaError } from '../visma/errors';
import type { PlannedCall, WritePlan } from './write-plan';

/**
 * The invoices service's own refusals. Besides these it lets the Visma client's errors
 * (`src/visma/errors.ts`) and the idempotent create's (`IdempotencyError`) through unchanged;
 * the GraphQL layer turns all of them into coded errors in one place (`src/graphql/errors.ts`).
 */

/** One thing wrong with a request, named by the argument it came in (`idempotencyKey`, `input.externalReference`). */
export interface RequestProblem {
  field: string;
  message: string;
}

/** The request breaks a rule of the service; nothing was sent upstream. */
export class InvalidRequestError extends Error {
  readonly problems: readonly RequestProblem[];

  constructor(problems: readonly RequestProblem[]) {
    const [first] = problems;
    if (first === undefined) {
      throw new TypeError('InvalidRequestError needs at least one problem');
    }
    super(`${first.field}: ${first.message}`);
    this.name = 'InvalidRequestError';
    this.problems = problems.map((problem) => ({ ...problem }));
  }
}

/** A write named an invoice Visma does not have. Reads answer null instead. */
export class InvoiceNotFoundError extends Error {
  constructor(
    readonly referenceNumber: string,
    options?: { cause?: unknown },
  ) {
    super(`Customer invoice "${referenceNumber}" does not exist.`, options);
    this.name = 'InvoiceNotFoundError';
  }
}

export type Write = 'created' | 'updated' | 'released';

/**
 * The write happened, but reading the invoice back failed. It must not look like a failed write
 * (a client retrying a create would make a duplicate), so it names the invoice and what was done.
 */
export class ReadBackError extends Error {
  constructor(
    readonly referenceNumber: string,
    readonly write: Write,
    override readonly cause: VismaError,
  ) {
    super(`Invoice "${referenceNumber}" was ${write}, but reading it back failed: ${cause.message}`, { cause });
    this.name = 'ReadBackError';
  }
}

/**
 * The request has made as many upstream calls as one operation may (MAX_UPSTREAM_CALLS_PER_OPERATION):
 * this call was not sent.
 */
export class UpstreamBudgetExceededError extends Error {
  constructor(readonly limit: number) {
    super(`This operation has made the ${limit} calls to Visma one operation may make; this one was not sent.`);
    this.name = 'UpstreamBudgetExceededError';
  }
}

/**
 * The request has read as many invoices as one operation may (MAX_INVOICES_PER_OPERATION): this
 * read, which would take it to `invoices`, was not made.
 */
export class InvoiceLimitExceededError extends Error {
  constructor(
    readonly limit: number,
    readonly invoices: number,
  ) {
    super(`This read would take the operation to ${invoices} invoices; one operation may read at most ${limit}.`);
    this.name = 'InvoiceLimitExceededError';
  }
}

/**
 * The invoices an operation has read hold more lines than it may read (MAX_INVOICE_LINES_PER_OPERATION).
 * Lines are known only once read, so the read that crossed the limit fails and its answer is
 * dropped before anything of it is answered.
 */
export class LineLimitExceededError extends Error {
  constructor(
    readonly limit: number,
    readonly lines: number,
  ) {
    super(`This read took the operation to ${lines} invoice lines; one operation may read at most ${limit}.`);
    this.name = 'LineLimitExceededError';
  }
}

/**
 * A dry run's end: the write passed every rule and these are the Visma calls it would make;
 * none was sent. Only a service made to plan its writes raises it (`InvoicesService`, `writes: 'plan'`).
 */
export class WritePlannedError extends Error {
  readonly write: Write;
  readonly calls: readonly PlannedCall[];

  constructor(plan: WritePlan) {
    super(`Dry run: the invoice would be ${plan.write} with ${plan.calls.length} calls to Visma; nothing was sent.`);
    this.name = 'WritePlannedError';
    this.write = plan.write;
    this.calls = plan.calls;
  }
}

/** The errors the service raises itself, as opposed to the ones it lets through. */
export type InvoicesError =
  | InvalidRequestError
  | InvoiceNotFoundError
  | ReadBackError
  | UpstreamBudgetExceededError
  | InvoiceLimitExceededError
  | LineLimitExceededError
  | WritePlannedError;

export function isInvoicesError(error: unknown): error is InvoicesError {
  return (
    error instanceof InvalidRequestError ||
    error instanceof InvoiceNotFoundError ||
    error instanceof ReadBackError ||
    error instanceof UpstreamBudgetExceededError ||
    error instanceof InvoiceLimitExceededError ||
    error instanceof LineLimitExceededError ||
    error instanceof WritePlannedError
  );
}
