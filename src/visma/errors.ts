/**
 * Every way a call to Visma can fail, as typed errors. The client throws only these; the
 * GraphQL layer turns them into coded GraphQL errors in one place. Messages here are for
 * logs: they may quote Visma, but never carry credentials or tokens.
 */

export type VismaErrorKind =
  | 'not_found'
  | 'validation'
  | 'conflict'
  | 'rate_limited'
  | 'timeout'
  | 'unavailable'
  | 'unauthenticated'
  | 'forbidden'
  | 'protocol';

export interface VismaErrorDetails {
  /** HTTP status Visma answered with, when it answered. */
  status?: number;
  /** `METHOD /path` of the request, for logs. */
  operation?: string;
  /** The `VismaId` Visma put in its message, for Visma support. */
  vismaId?: string;
  /** Visma's IPP fault code (e.g. `12027`), for auth and licence errors. */
  faultCode?: string;
  cause?: unknown;
}

export abstract class VismaError extends Error {
  abstract readonly kind: VismaErrorKind;
  readonly status: number | undefined;
  readonly operation: string | undefined;
  readonly vismaId: string | undefined;
  readonly faultCode: string | undefined;

  constructor(message: string, details: VismaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.operation = details.operation;
    this.vismaId = details.vismaId;
    this.faultCode = details.faultCode;
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

export function isVismaError(error: unknown): error is VismaError {
  return error instanceof VismaError;
}
