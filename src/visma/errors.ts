/**
 * Every way a call to Visma can fail, as typed errors. The client throws only these; the
 * GraphQL layer turns them into coded GraphQL errors in one place. Messages here are for
 * logs: they may quote Visma, but never carry credentials or tokens.
 */

export type VismaErrorKind =
  'not_found' | 'validation' | 'conflict' | 'rate_limited' | 'timeout' | 'unavailable' | 'unauthenticated' | 'forbidden' | 'protocol';

export interface VismaErrorDetails {
  /** HTTP status Visma answered with, when it answered. */
  status?: number;
  /** `METHOD /path` of the request, for logs. */
  operation?: string;
  /** The `VismaId` Visma put in its message, for Visma support. */
  vismaId?: string;
  /** Visma's IPP fault code (e.g. `12027`), for auth and licence errors. */
  faultCode?: string;
  /** Whether a write may have taken effect although no answer arrived (see `VismaOutcome`). */
  outcome?: VismaOutcome;
  cause?: unknown;
}

/**
 * What is known about a failed call's effect upstream:
 * - `not_applied`: the request never reached Visma (connection refused, no attempt started),
 *   so it is safe to send again.
 * - `unknown`: a non-idempotent request (POST, PUT) was sent and no answer came back (timeout,
 *   reset). Visma may or may not have applied it; an idempotent create has to look before
 *   sending again (RFC 9110 9.2.2).
 * Undefined when Visma answered with a status, or for reads, where it does not matter.
 */
export type VismaOutcome = 'not_applied' | 'unknown';

export abstract class VismaError extends Error {
  abstract readonly kind: VismaErrorKind;
  readonly status: number | undefined;
  readonly operation: string | undefined;
  readonly vismaId: string | undefined;
  readonly faultCode: string | undefined;
  readonly outcome: VismaOutcome | undefined;

  constructor(message: string, details: VismaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.operation = details.operation;
    this.vismaId = details.vismaId;
    this.faultCode = details.faultCode;
    this.outcome = details.outcome;
  }

  /** True when a write may have reached Visma and taken effect although no answer came back. */
  get requestSent(): boolean {
    return this.outcome === 'unknown';
  }
}

/** 404: the resource does not exist. */
export class VismaNotFoundError extends VismaError {
  readonly kind = 'not_found';
}

/** 400 (and business-rule 4xx): Visma refused the input. `message` is Visma's cleaned text. */
export class VismaValidationError extends VismaError {
  readonly kind = 'validation';
}

/**
 * The client refused the input before sending it (a malformed date, a decimal that a JSON
 * number cannot carry exactly, a path segment such as `..`). A validation error like Visma's
 * own 400, so callers handle both alike; `field` names the offending input.
 */
export class VismaInputError extends VismaValidationError {
  constructor(
    message: string,
    readonly field: string,
    details: VismaErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** 412: the `If-Match` version no longer matches. */
export class VismaConflictError extends VismaError {
  readonly kind = 'conflict';
}

/** 429: the per-company-and-client hourly budget is spent. */
export class VismaRateLimitedError extends VismaError {
  readonly kind = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number | undefined,
    details: VismaErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** An attempt or the overall deadline ran out. For a POST the outcome is then unknown. */
export class VismaTimeoutError extends VismaError {
  readonly kind = 'timeout';
}

/** 5xx, connection refused or reset: Visma could not be reached or failed. */
export class VismaUnavailableError extends VismaError {
  readonly kind = 'unavailable';
}

/** 401, or no token could be obtained from Visma Connect. */
export class VismaUnauthenticatedError extends VismaError {
  readonly kind = 'unauthenticated';
}

/** 403, or an IPP licence/role error (e.g. 12027 "No license for this company"). */
export class VismaForbiddenError extends VismaError {
  readonly kind = 'forbidden';
}

/** Visma answered something this client cannot read (a malformed body, a missing `Location`). */
export class VismaProtocolError extends VismaError {
  readonly kind = 'protocol';
}

/**
 * One invoice Visma holds cannot be read (a value this client cannot represent, such as a due
 * date in year 10000), though the answer around it could. A single GET throws it; a list page
 * carries such items in `InvoicePage.unreadable` instead, so one bad record fails only itself.
 * `message` names the field and what was sent (for logs); `referenceNumber` is null when even
 * that could not be read.
 */
export class VismaUnreadableRecordError extends VismaProtocolError {
  constructor(
    message: string,
    readonly referenceNumber: string | null,
    details: VismaErrorDetails = {},
  ) {
    super(message, details);
  }
}

/**
 * Visma answered with a body over the client's byte bound (`maxResponseBytes`); the body was cut
 * off where it crossed it, or not read at all when its `Content-Length` said so. Asking for less
 * (a smaller page) is the way around it; repeating the same request is not.
 */
export class VismaResponseTooLargeError extends VismaProtocolError {
  constructor(
    message: string,
    /** The bound, in bytes. */
    readonly limitBytes: number,
    details: VismaErrorDetails = {},
  ) {
    super(message, details);
  }
}

export function isVismaError(error: unknown): error is VismaError {
  return error instanceof VismaError;
}
