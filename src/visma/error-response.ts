import {
  VismaConflictError,
  VismaForbiddenError,
  VismaNotFoundError,
  VismaProtocolError,
  VismaRateLimitedError,
  VismaTimeoutError,
  VismaUnauthenticatedError,
  VismaUnavailableError,
  VismaValidationError,
  type VismaError,
  type VismaErrorDetails,
} from './errors';
import { parseRetryAfter } from './retry';

/** What an error body said, whichever of Visma's three shapes it had (CONTRACT §5.1). */
export interface ParsedErrorBody {
  /** Visma's text, without the `VismaId: <uuid>.` prefix; null for an empty body. */
  message: string | null;
  vismaId?: string;
  /** IPP envelope only (`ExceptionFaultCode`). */
  faultCode?: string;
  shape: 'message' | 'ipp' | 'text' | 'empty';
}

/** Quoted bodies are cut to this many characters: logs stay readable and nothing large leaks. */
export const MAX_QUOTED_LENGTH = 300;

const VISMA_ID_PREFIX = /^\s*VismaId:\s*([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.?\s*/;

export function parseErrorBody(body: string): ParsedErrorBody {
  const text = body.trim();
  if (text === '') {
    return { message: null, shape: 'empty' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { message: truncate(text), shape: 'text' };
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    if (typeof record.ExceptionType === 'string' || typeof record.ExceptionFaultCode === 'string') {
      const faultCode = stringOf(record.ExceptionFaultCode);
      const message = stringOf(record.ExceptionMessage);
      return {
        message: message === undefined || message === '' ? null : truncate(message),
        shape: 'ipp',
        ...(faultCode === undefined || faultCode === '' ? {} : { faultCode }),
      };
    }
    const raw = stringOf(record.message) ?? stringOf(record.Message);
    if (raw !== undefined) {
      const match = VISMA_ID_PREFIX.exec(raw);
      const message = match === null ? raw : raw.slice(match[0].length);
      return {
        message: message.trim() === '' ? null : truncate(message.trim()),
        shape: 'message',
        ...(match?.[1] === undefined ? {} : { vismaId: match[1] }),
      };
    }
  }
  return { message: truncate(text), shape: 'text' };
}

export interface ErrorContext {
  status: number;
  /** `METHOD /path`. */
  operation: string;
  headers: { get(name: string): string | null };
  body: string;
  now: number;
  /** Removes anything secret (the token, the client secret) from text that goes into a message. */
  redact: (text: string) => string;
}

// IPP fault codes that mean the caller may not use this company (CONTRACT §5.1, §8.12):
// 12027 "No license for this company", 12002 missing or unauthorised company context.
const IPP_ACCESS_FAULTS = new Set(['12027', '12002']);

/** A non-success answer → the typed error for it. */
export function errorFromResponse(context: ErrorContext): VismaError {
  const { status, operation } = context;
  // Redacted before parsing cuts the text to length (a cut could leave part of a secret) and after
  // (JSON escapes the parse undid).
  const parsed = parseErrorBody(context.redact(context.body));
  const said = parsed.message === null ? null : context.redact(parsed.message);
  const details: VismaErrorDetails = {
    status,
    operation,
    ...(parsed.vismaId === undefined ? {} : { vismaId: parsed.vismaId }),
    ...(parsed.faultCode === undefined ? {} : { faultCode: parsed.faultCode }),
  };
  const suffix = said === null ? '' : `: ${said}`;

  if (status === 401) {
    return new VismaUnauthenticatedError(`Visma refused the access token for ${operation} (401)${suffix}`, details);
  }
  if (status === 403 || (parsed.shape === 'ipp' && status < 500 && IPP_ACCESS_FAULTS.has(parsed.faultCode ?? ''))) {
    return new VismaForbiddenError(`Visma denied access for ${operation} (${status})${suffix}`, details);
  }
  if (status === 404) {
    return new VismaNotFoundError(`Visma found nothing at ${operation} (404)${suffix}`, details);
  }
  if (status === 409 || status === 412) {
    return new VismaConflictError(
      `Visma refused ${operation} because the invoice changed since the given version (${status})${suffix}`,
      details,
    );
  }
  if (status === 429) {
    const retryAfter = parseRetryAfter(context.headers.get('retry-after'), context.now);
    const when = retryAfter === undefined ? '' : `; retry after ${retryAfter} s`;
    return new VismaRateLimitedError(`Visma's rate limit is spent for ${operation} (429)${when}`, retryAfter, details);
  }
  if (status === 408) {
    return new VismaTimeoutError(`Visma timed out waiting for ${operation} (408)${suffix}`, details);
  }
  if (status === 400 || status === 422) {
    // The message is Visma's own text: the GraphQL layer may show it to the user who sent the input.
    return new VismaValidationError(said ?? `Visma rejected ${operation} (${status}) without a message.`, details);
  }
  if (status >= 500) {
    return new VismaUnavailableError(`Visma failed on ${operation} (${status})${suffix}`, details);
  }
  return new VismaProtocolError(`Visma answered ${operation} with an unexpected ${status}${suffix}`, details);
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_QUOTED_LENGTH ? `${oneLine.slice(0, MAX_QUOTED_LENGTH)}…` : oneLine;
}
