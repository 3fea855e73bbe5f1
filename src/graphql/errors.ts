import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import {
  IdempotencyError,
  InvalidRequestError,
  InvoiceLimitExceededError,
  InvoiceNotFoundError,
  LineLimitExceededError,
  UpstreamBudgetExceededError,
  WritePlannedError,
  isInvoicesError,
  type InvoicesError,
} from '../invoices';
import {
  VismaInputError,
  VismaRateLimitedError,
  VismaResponseTooLargeError,
  VismaUnreadableRecordError,
  isVismaError,
  type VismaError,
} from '../visma/errors';

/**
 * The codes clients can rely on, in `errors[].extensions.code`. Everything the gateway raises on
 * purpose leaves with one of these; anything else is masked as INTERNAL_SERVER_ERROR.
 */
export enum ErrorCode {
  /** The invoice (or the customer of a mutation) does not exist. Queries return null instead. */
  NOT_FOUND = 'NOT_FOUND',
  /** The input is invalid: caught by the gateway (`field` names it) or refused by Visma (`vismaId`). */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** `expectedVersion` no longer matches: someone changed the invoice (Visma's 412). */
  CONFLICT = 'CONFLICT',
  /** Visma's hourly request budget is spent; `retryAfterSeconds` says when to try again. */
  RATE_LIMITED = 'RATE_LIMITED',
  /** Visma did not answer within the request's deadline. */
  UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT',
  /** Visma failed (5xx), could not be reached, or answered something unreadable. */
  UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  /** One invoice Visma holds cannot be read (a value the gateway cannot represent); only it fails. `referenceNumber`. */
  UPSTREAM_RECORD_UNREADABLE = 'UPSTREAM_RECORD_UNREADABLE',
  /** Visma did not accept the credentials (or the caller's token in passthrough mode). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** Visma refused access: missing role, licence or company. */
  FORBIDDEN = 'FORBIDDEN',
  /** POST /webhooks/visma: the message carries no signature in WEBHOOK_SIGNATURE_HEADER (HTTP 401). */
  WEBHOOK_SIGNATURE_MISSING = 'WEBHOOK_SIGNATURE_MISSING',
  /** POST /webhooks/visma: the signature matches neither signing key (HTTP 401). */
  WEBHOOK_SIGNATURE_INVALID = 'WEBHOOK_SIGNATURE_INVALID',
  /** POST /webhooks/visma: signed, but its timestamp is further than WEBHOOK_TOLERANCE_SECONDS from the clock (HTTP 400). */
  WEBHOOK_STALE = 'WEBHOOK_STALE',
  /** POST /webhooks/visma: signed, but not a JSON object with a timestamp (HTTP 400). */
  WEBHOOK_PAYLOAD_INVALID = 'WEBHOOK_PAYLOAD_INVALID',
  /** Anything unexpected; the message is fixed and the details are in the log under `requestId`. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  /** createInvoice: this idempotencyKey was used before with a different input. */
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  /** createInvoice: a request with this idempotencyKey is still running; retry after `retryAfterSeconds`. */
  IDEMPOTENCY_KEY_IN_USE = 'IDEMPOTENCY_KEY_IN_USE',
  /**
   * createInvoice: the create was sent and Visma did not confirm whether it created the invoice. With
   * an idempotencyKey, retry with the same key after `retryAfterSeconds`; without one (`retryAfterSeconds`
   * null), look for the invoice before creating it again.
   */
  OUTCOME_UNKNOWN = 'OUTCOME_UNKNOWN',
  /** createInvoice with a key: the shared key store (Redis) cannot be reached; nothing was sent, retry later. */
  IDEMPOTENCY_STORE_UNAVAILABLE = 'IDEMPOTENCY_STORE_UNAVAILABLE',
  /** An MCP dry run (docs/mcp.md): the mutation passed every check and stopped before Visma; `write`, `calls`. */
  DRY_RUN = 'DRY_RUN',
  /** The operation's cost (values in the answer, lists at their size) is over MAX_OPERATION_COST; `cost`, `limit`. */
  COST_LIMIT_EXCEEDED = 'COST_LIMIT_EXCEEDED',
  /** The operation would make more Visma calls than MAX_UPSTREAM_CALLS_PER_OPERATION; the call was not sent. `limit`. */
  UPSTREAM_BUDGET_EXCEEDED = 'UPSTREAM_BUDGET_EXCEEDED',
  /** `_entities` got more representations than MAX_ENTITY_REPRESENTATIONS; none was resolved. `representations`, `limit`. */
  ENTITY_LIMIT_EXCEEDED = 'ENTITY_LIMIT_EXCEEDED',
  /** `node` and `nodes` got more ids than MAX_NODE_IDS in one operation; none was read. `ids`, `limit`. */
  NODE_LIMIT_EXCEEDED = 'NODE_LIMIT_EXCEEDED',
  /**
   * The operation would read more invoices than MAX_INVOICES_PER_OPERATION (`invoices`, `limit`), or
   * the invoices it read hold more lines than MAX_INVOICE_LINES_PER_OPERATION (`lines`, `limit`).
   */
  RESPONSE_TOO_LARGE = 'RESPONSE_TOO_LARGE',
  /** Visma's answer for this part is over VISMA_MAX_RESPONSE_BYTES and was not read; ask for smaller pages. `limitBytes`. */
  UPSTREAM_RESPONSE_TOO_LARGE = 'UPSTREAM_RESPONSE_TOO_LARGE',
  /**
   * A subscription over MAX_SUBSCRIPTIONS_PER_CONNECTION (`per: "connection"`) or MAX_SUBSCRIPTIONS
   * (`per: "replica"`); the others go on. `limit`, `per`.
   */
  SUBSCRIPTION_LIMIT_EXCEEDED = 'SUBSCRIPTION_LIMIT_EXCEEDED',
  /** A subscriber fell more than SUBSCRIPTION_MAX_QUEUED_EVENTS behind and was dropped; subscribe again. `limit`. */
  SUBSCRIPTION_SLOW_CONSUMER = 'SUBSCRIPTION_SLOW_CONSUMER',
  /**
   * Trusted documents (docs/trusted-documents.md): the id names no document of the manifest, or, with
   * TRUSTED_DOCUMENTS=enforce, the query is not one of them. Apollo's own code for an unknown APQ hash.
   */
  PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND',
  /** `documentId` and the query (or the APQ hash) sent with it name different documents. */
  PERSISTED_QUERY_MISMATCH = 'PERSISTED_QUERY_MISMATCH',
}

export const INTERNAL_ERROR_MESSAGE = 'Something went wrong inside the gateway. Quote the requestId in this error to support.';

/**
 * Codes whose messages are safe to pass on: ours, and the ones Apollo Server and graphql-js
 * raise for malformed requests (those describe the client's own query, not our internals).
 */
const PUBLIC_CODES: ReadonlySet<string> = new Set<string>([
  ErrorCode.NOT_FOUND,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.CONFLICT,
  ErrorCode.RATE_LIMITED,
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_RECORD_UNREADABLE,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.IDEMPOTENCY_KEY_REUSED,
  ErrorCode.IDEMPOTENCY_KEY_IN_USE,
  ErrorCode.OUTCOME_UNKNOWN,
  ErrorCode.IDEMPOTENCY_STORE_UNAVAILABLE,
  ErrorCode.COST_LIMIT_EXCEEDED,
  ErrorCode.UPSTREAM_BUDGET_EXCEEDED,
  ErrorCode.ENTITY_LIMIT_EXCEEDED,
  ErrorCode.NODE_LIMIT_EXCEEDED,
  ErrorCode.RESPONSE_TOO_LARGE,
  ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE,
  ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED,
  ErrorCode.SUBSCRIPTION_SLOW_CONSUMER,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ErrorCode.PERSISTED_QUERY_MISMATCH,
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export interface InputProblem {
  /** Path of the offending input, such as `input.lines[2].quantity`. */
  field: string;
  message: string;
}

/** A BAD_USER_INPUT error naming the first problem; all problems are listed in `problems`. */
export function badUserInput(problems: readonly InputProblem[]): GraphQLError {
  const [first] = problems;
  if (first === undefined) {
    throw new TypeError('badUserInput needs at least one problem');
  }
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new GraphQLError(`${first.field}: ${first.message}${more}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, field: first.field, problems: problems.map((p) => ({ ...p })) },
  });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_FOUND } });
}

/** The one mapping from the Visma client's typed errors to public codes (see docs/gateway.md). */
export function fromVismaError(error: VismaError): GraphQLError {
  const vismaId = error.vismaId === undefined ? {} : { vismaId: error.vismaId };
  const maybeApplied =
    error.outcome === 'unknown' ? ' The change may or may not have been applied: read the invoice before trying again.' : '';
  switch (error.kind) {
    case 'not_found':
      return coded(ErrorCode.NOT_FOUND, 'Visma has no record of the requested resource.', vismaId);
    case 'validation':
      return coded(ErrorCode.BAD_USER_INPUT, error.message, {
        ...vismaId,
        ...(error instanceof VismaInputError ? { field: error.field } : {}),
      });
    case 'conflict':
      return coded(
        ErrorCode.CONFLICT,
        'The invoice was changed since the expected version. Read it again and retry with its new version.',
        vismaId,
      );
    case 'rate_limited': {
      const retryAfterSeconds = error instanceof VismaRateLimitedError ? (error.retryAfterSeconds ?? null) : null;
      const when = retryAfterSeconds === null ? 'later' : `after ${retryAfterSeconds} seconds`;
      return coded(ErrorCode.RATE_LIMITED, `Visma's request budget for this company is spent. Retry ${when}.`, {
        retryAfterSeconds,
      });
    }
    case 'timeout':
      return coded(ErrorCode.UPSTREAM_TIMEOUT, `Visma did not answer in time.${maybeApplied}`, {});
    case 'unavailable':
    case 'protocol':
      if (error instanceof VismaUnreadableRecordError) return unreadableRecord(error.referenceNumber);
      if (error instanceof VismaResponseTooLargeError) {
        return coded(
          ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE,
          `Visma's answer for this part is larger than ${error.limitBytes} bytes (VISMA_MAX_RESPONSE_BYTES), so it was not read.${maybeApplied} Ask for fewer invoices at once (a smaller first).`,
          { limitBytes: error.limitBytes },
        );
      }
      return coded(ErrorCode.UPSTREAM_UNAVAILABLE, `Visma is unavailable or gave an unreadable answer.${maybeApplied}`, {});
    case 'unauthenticated':
      return coded(ErrorCode.UNAUTHENTICATED, 'Visma did not accept the credentials used for this request.', {});
    case 'forbidden':
      return coded(
        ErrorCode.FORBIDDEN,
        'Visma refused access: the credentials lack the role, licence or company this request needs.',
        vismaId,
      );
  }
}

/**
 * One record that cannot be read, at its own path: what is wrong with it (Visma's field and
 * value) is logged under the requestId, not told to the caller.
 */
function unreadableRecord(referenceNumber: string | null): GraphQLError {
  const which = referenceNumber === null ? 'This invoice' : `Invoice "${referenceNumber}"`;
  return coded(
    ErrorCode.UPSTREAM_RECORD_UNREADABLE,
    `${which} cannot be read: Visma holds a value in it that the gateway cannot represent. Other invoices are not affected; quote the requestId to support.`,
    { referenceNumber },
  );
}

const IDEMPOTENCY_CODES = {
  reused: ErrorCode.IDEMPOTENCY_KEY_REUSED,
  in_use: ErrorCode.IDEMPOTENCY_KEY_IN_USE,
  outcome_unknown: ErrorCode.OUTCOME_UNKNOWN,
  store_unavailable: ErrorCode.IDEMPOTENCY_STORE_UNAVAILABLE,
} as const;

/** An idempotent create's refusal; `retryAfterSeconds` is null for a reused key (retrying will not help). */
export function fromIdempotencyError(error: IdempotencyError): GraphQLError {
  return coded(IDEMPOTENCY_CODES[error.kind], error.message, { retryAfterSeconds: error.retryAfterSeconds });
}

/**
 * The invoices service's own refusals: its rules as BAD_USER_INPUT naming the argument, a write
 * to a missing invoice as NOT_FOUND, the request's budget spent as UPSTREAM_BUDGET_EXCEEDED or
 * RESPONSE_TOO_LARGE at the field that asked, and a failed read after a write as the read's own
 * code, saying the write happened and naming the invoice.
 */
export function fromInvoicesError(error: InvoicesError): GraphQLError {
  if (error instanceof InvalidRequestError) {
    return badUserInput(error.problems);
  }
  if (error instanceof InvoiceNotFoundError) {
    return notFound(`Customer invoice "${error.referenceNumber}" does not exist.`);
  }
  if (error instanceof UpstreamBudgetExceededError) {
    return coded(
      ErrorCode.UPSTREAM_BUDGET_EXCEEDED,
      `This operation has made the ${error.limit} calls to Visma one operation may make (MAX_UPSTREAM_CALLS_PER_OPERATION); this part was not read. Ask for less in one operation.`,
      { limit: error.limit },
    );
  }
  if (error instanceof InvoiceLimitExceededError) {
    return coded(
      ErrorCode.RESPONSE_TOO_LARGE,
      `This part would take the operation to ${error.invoices} invoices; one operation may read at most ${error.limit} (MAX_INVOICES_PER_OPERATION). Ask for smaller pages or fewer nested lists.`,
      { invoices: error.invoices, limit: error.limit },
    );
  }
  if (error instanceof WritePlannedError) {
    return coded(ErrorCode.DRY_RUN, error.message, { write: error.write, calls: error.calls.map((call) => ({ ...call })) });
  }
  if (error instanceof LineLimitExceededError) {
    return coded(
      ErrorCode.RESPONSE_TOO_LARGE,
      `The invoices this operation read hold ${error.lines} lines; one operation may read at most ${error.limit} (MAX_INVOICE_LINES_PER_OPERATION). Ask for fewer invoices at once.`,
      { lines: error.lines, limit: error.limit },
    );
  }
  const read = fromVismaError(error.cause);
  return new GraphQLError(`Invoice "${error.referenceNumber}" was ${error.write}, but reading it back failed: ${read.message}`, {
    extensions: { ...read.extensions, referenceNumber: error.referenceNumber },
  });
}

function coded(code: ErrorCode, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export type ErrorClass =
  | { kind: 'visma'; error: VismaError }
  | { kind: 'idempotency'; error: IdempotencyError }
  | { kind: 'invoices'; error: InvoicesError }
  | { kind: 'public' }
  | { kind: 'client'; code: string }
  | { kind: 'unexpected'; original: unknown };

/** Sorts an error Apollo reports by how it leaves the gateway: mapped from its class, as it is, or masked. */
export function classifyError(error: unknown): ErrorClass {
  const original = unwrapResolverError(error);
  if (isVismaError(original)) {
    return { kind: 'visma', error: original };
  }
  if (original instanceof IdempotencyError) {
    return { kind: 'idempotency', error: original };
  }
  if (isInvoicesError(original)) {
    return { kind: 'invoices', error: original };
  }
  const code = codeOf(original) ?? codeOf(error);
  if (code !== undefined && PUBLIC_CODES.has(code)) {
    return { kind: 'public' };
  }
  const mistake = code === undefined ? uncodedClientMistake(original) : undefined;
  if (mistake !== undefined) {
    return { kind: 'client', code: mistake };
  }
  return { kind: 'unexpected', original };
}

/** graphql-js's own text, once it stops after Apollo's cap of 50 variable errors. */
const TOO_MANY_VARIABLE_ERRORS = 'Too many errors processing variables, error limit reached. Execution aborted.';

/**
 * The client's mistakes that Apollo Server and graphql-js report without a code, which Apollo
 * would answer as INTERNAL_SERVER_ERROR: the error graphql-js adds after 50 variable errors (the
 * other 50 are BAD_USER_INPUT), and Apollo's refusals that carry only an HTTP 4xx status (an
 * unsupported persisted-query version, a hash that does not match the query).
 */
function uncodedClientMistake(error: unknown): string | undefined {
  if (!(error instanceof GraphQLError)) {
    return undefined;
  }
  if (error.message === TOO_MANY_VARIABLE_ERRORS && error.path === undefined) {
    return ErrorCode.BAD_USER_INPUT;
  }
  const http: unknown = error.extensions['http'];
  const status = typeof http === 'object' && http !== null ? (http as { status?: unknown }).status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? 'BAD_REQUEST' : undefined;
}

/**
 * Apollo's `formatError`. Apollo does not mask a plain `Error`'s message on its own, so this is
 * where an unexpected error's text (which may name internals) is replaced by a fixed message;
 * the original is logged with the request id by the error-logging plugin.
 */
export function formatGatewayError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const kind = classifyError(error);
  const where = {
    ...(formatted.locations === undefined ? {} : { locations: formatted.locations }),
    ...(formatted.path === undefined ? {} : { path: formatted.path }),
  };
  switch (kind.kind) {
    case 'visma': {
      const mapped = fromVismaError(kind.error);
      return { message: mapped.message, ...where, extensions: { ...mapped.extensions } };
    }
    case 'idempotency': {
      const mapped = fromIdempotencyError(kind.error);
      return { message: mapped.message, ...where, extensions: { ...mapped.extensions } };
    }
    case 'invoices': {
      const mapped = fromInvoicesError(kind.error);
      return { message: mapped.message, ...where, extensions: { ...mapped.extensions } };
    }
    case 'public': {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    case 'client':
      return { message: formatted.message, ...where, extensions: { code: kind.code } };
    case 'unexpected':
      return { message: INTERNAL_ERROR_MESSAGE, ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
}

function codeOf(error: unknown): string | undefined {
  if (error instanceof GraphQLError) {
    const code = error.extensions['code'];
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
