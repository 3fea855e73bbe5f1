import type { HttpRequest } from './http';

/**
 * Extension points around each upstream attempt. The client works without them (the defaults do
 * nothing); the gateway plugs in a circuit breaker and a shared retry budget without touching
 * the HTTP code. Idempotent creates sit above the client (src/idempotency), since they need the
 * caller's key and a key store.
 */

/** What a seam knows about the attempt it wraps. */
export interface AttemptInfo {
  /** `METHOD /path`, without the query string. */
  operation: string;
  method: string;
  /** 1-based; a 401 retry with a fresh token keeps the number of the attempt it repeats. */
  attempt: number;
  idempotent: boolean;
  /** Epoch ms after which the call gives up: a guard that waits (pacing, a queue) must not wait past it. */
  deadline?: number;
  /** The caller's abort signal, when it gave one. */
  signal?: AbortSignal;
}

/**
 * Wraps every attempt (a circuit breaker goes here). It may refuse an attempt by throwing a
 * `VismaError` (e.g. `VismaUnavailableError` with outcome `not_applied` while the circuit is
 * open), and it sees the outcome: `send` resolves when Visma answered with any status, and
 * rejects with a `VismaError` when the attempt got no answer.
 */
export interface AttemptGuard {
  run<T>(info: AttemptInfo, send: () => Promise<T>): Promise<T>;
}

/** Caps retries across all calls so a struggling upstream is not hammered by every caller. */
export interface RetryBudget {
  /** Called before each retry (not before first attempts); false stops retrying this call. */
  tryAcquireRetry(info: AttemptInfo): boolean;
  /** Called once for every first attempt, so a budget can grow with real traffic. */
  recordAttempt(info: AttemptInfo): void;
}

export const PASS_THROUGH_GUARD: AttemptGuard = {
  run: (_info, send) => send(),
};

export const UNLIMITED_RETRY_BUDGET: RetryBudget = {
  tryAcquireRetry: () => true,
  recordAttempt: () => undefined,
};

/** Which service an exchange went to: Visma's API, or Visma Connect for a token. */
export type VismaService = 'api' | 'token';

interface VismaEventBase {
  service: VismaService;
  /**
   * `METHOD /template`, such as `GET /v1/customerinvoice/{referenceNumber}`: one value a route,
   * never one an invoice or customer. A token request's is `POST` and the token URL's path.
   */
  route: string;
  /** 1-based, as in `AttemptInfo`. */
  attempt: number;
}

/** One HTTP attempt got an answer, whatever its status. */
export interface AttemptAnsweredEvent extends VismaEventBase {
  type: 'answered';
  status: number;
  durationMs: number;
}

/** One HTTP attempt got no answer (or a guard refused it): `error` is the VismaError's name. */
export interface AttemptFailedEvent extends VismaEventBase {
  type: 'failed';
  error: string;
  durationMs: number;
}

/** The attempt numbered `attempt` is followed by another after `delayMs`. */
export interface RetryEvent extends VismaEventBase {
  type: 'retry';
  delayMs: number;
}

/**
 * What the client reports as it works, for metrics and other counters: typed facts, so that
 * nothing has to read log text (rewording a log line must not change what is counted).
 */
export type VismaEvent = AttemptAnsweredEvent | AttemptFailedEvent | RetryEvent;

/** Receives every `VismaEvent`, synchronously; one that throws is logged and never fails a call. */
export type VismaObserver = (event: VismaEvent) => void;

export const IGNORE_EVENTS: VismaObserver = () => undefined;

/**
 * Spans for the client's calls (docs/operations.md, "Tracing"). The client knows only these
 * interfaces; the OpenTelemetry implementation (./tracing.ts) is loaded by whoever turns tracing
 * on, so a client without a tracer loads no tracing code and makes no span.
 */
export interface CallTracer {
  /**
   * The trace of one call of `route` (`METHOD /template`), or undefined when this call is not
   * traced (it belongs to no traced request, like the upstream cache's change poll).
   */
  startCall(route: string): TracedCall | undefined;
}

/** One traced call: a span over its token, its attempts and the waits between them. */
export interface TracedCall {
  /** One HTTP attempt, once its guard let it through: the request to send, carrying the attempt's trace context. */
  startAttempt(request: HttpRequest, attempt: AttemptTrace): TracedAttempt;
  /** The attempt numbered `attempt` of `route` is followed by another after `delayMs`, because of `status` or `reason`. */
  retrying(retry: RetryTrace): void;
  /** The call is over: Visma's last status, and the name of the error the call ends with, if it does. */
  end(outcome: { status?: number | undefined; error?: string | undefined }): void;
}

export interface AttemptTrace {
  service: VismaService;
  /** `METHOD /template`, as in events. */
  route: string;
  /** 1-based, as in `AttemptInfo`. */
  attempt: number;
}

export interface RetryTrace extends AttemptTrace {
  delayMs: number;
  /** Visma's answer that is retried. */
  status?: number | undefined;
  /** Or why the attempt got no answer (`attempt_timeout`, `refused`, `lost`). */
  reason?: string | undefined;
}

export interface TracedAttempt {
  /** The request with this attempt's `traceparent` (and `tracestate`) among its headers. */
  readonly request: HttpRequest;
  answered(status: number): void;
  /** No answer: why (a `FailureReason`, such as `attempt_timeout` or `lost`). */
  failed(reason: string): void;
}

/** Structured, secret-free log lines. The default logger drops everything. */
export interface VismaLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const SILENT_LOGGER: VismaLogger = {
  debug: () => undefined,
  warn: () => undefined,
};

/** A Visma Connect token and when it is renewed (epoch ms). */
export interface SharedToken {
  token: string;
  renewAt: number;
}

/**
 * Where replicas share one client-credentials token, so a fleet fetches one an hour, not one
 * per replica. Any method may reject (the store is down): the token provider then fetches its
 * own token as if there were no store.
 */
export interface SharedTokenStore {
  /** The fleet's current token, or null. */
  get(): Promise<SharedToken | null>;
  /** Takes the refresh lock for `ttlMs`: true for one replica at a time. */
  lock(ttlMs: number): Promise<boolean>;
  /** Publishes a fresh token (kept until its renewal time) and frees the lock. */
  put(token: SharedToken): Promise<void>;
  /** Forgets `token` if it is still the current one (Visma refused it). */
  forget(token: string): Promise<void>;
}
