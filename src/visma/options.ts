import { HTTP_TRANSPORTS, type FetchLike, type HttpTransport } from './http';
import {
  PASS_THROUGH_GUARD,
  IGNORE_EVENTS,
  SILENT_LOGGER,
  UNLIMITED_RETRY_BUDGET,
  type AttemptGuard,
  type CallTracer,
  type RetryBudget,
  type SharedTokenStore,
  type VismaLogger,
  type VismaObserver,
} from './seams';
import { isValidTimeZone } from './mapping/time';
import { RateLimitReadings } from './rate-limit';
import { redactSecrets } from './redact';

/**
 * The Visma Connect service scopes (CONTRACT §7) this client's operations need, and no more:
 * `read` for the GETs, `create` for `POST /v2/customerinvoice`, `update` for the PUT and the
 * release action. The client deletes nothing, so it does not ask for `…:delete`: a leaked token
 * then cannot delete either.
 */
export const VISMA_CLIENT_SCOPES = [
  'vismanet_erp_service_api:read',
  'vismanet_erp_service_api:create',
  'vismanet_erp_service_api:update',
] as const;

/** Client credentials against Visma Connect (CONTRACT §7); the company is chosen by `tenantId`. */
export interface ClientCredentialsAuth {
  mode: 'client_credentials';
  /** Defaults to `https://connect.visma.com/connect/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** The company's tenant GUID. */
  tenantId: string;
  /** Defaults to `VISMA_CLIENT_SCOPES` (read, create, update). */
  scopes: readonly string[];
}

/** Every call carries the caller's own Visma token in `CallOptions.accessToken`. */
export interface PassthroughAuth {
  mode: 'passthrough';
}

export type VismaAuth = ClientCredentialsAuth | PassthroughAuth;

export type Now = () => number;
/** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
/** A number in [0, 1), like `Math.random`. */
export type Random = () => number;

/** Validated, complete options: what the `VismaClient` constructor takes. */
export interface VismaClientOptions {
  /** Defaults to `https://api.finance.visma.net`. No trailing slash. */
  baseUrl: string;
  auth: VismaAuth;
  /** IANA zone in which Visma's zone-less date-times are read. Defaults to `Europe/Oslo`. */
  timeZone: string;
  /** Upper bound of one HTTP attempt, body included. Defaults to 10_000 (ten seconds). */
  attemptTimeoutMs: number;
  /** Overall budget of a call and its retries when the caller gives no deadline. Defaults to 25_000. */
  deadlineMs: number;
  /** Attempts per call, first one included; only safe requests are retried. Defaults to 3. */
  maxAttempts: number;
  /** Keep-alive sockets per upstream host. Defaults to 8. */
  maxSockets: number;
  /**
   * Invoices read at once, from the request until the page is mapped: a list page weighs its
   * requested size, a single read 1; the rest wait in arrival order, never past their deadline.
   * A page larger than this runs alone. It bounds the page bodies and models held at once, which
   * set peak memory (docs/visma-client.md, "Read path cost"). Defaults to 2_000.
   */
  maxInvoicesInFlight: number;
  /**
   * The largest body one answer may have, in bytes. A larger one is cut off where it crosses the
   * bound (or not read when its `Content-Length` says so) and fails as VismaResponseTooLargeError,
   * never retried. Defaults to 33_554_432 (32 MiB: a page of 1000 ordinary invoices is about 8 MB).
   */
  maxResponseBytes: number;
  /**
   * Bytes of answers' bodies received at once: each takes its `Content-Length` (or
   * `maxResponseBytes` when it declares none) before its body is read, and gives it back once the
   * body is text (a list page, read as it arrives, as it maps it); the rest wait in arrival order.
   * At least `maxResponseBytes`. Defaults to
   * 33_554_432 (32 MiB, one answer of the largest size; 64 MiB measured 30 to 80 MB more peak
   * memory in the hostile battery, docs/operations.md).
   */
  maxBytesInFlight: number;
  /** A token is renewed this long before it expires (at most half its lifetime). Defaults to 60_000. */
  tokenRefreshMarginMs: number;
  /** Base of the exponential backoff. Defaults to 200. */
  retryBaseDelayMs: number;
  /** Cap of the exponential backoff. Defaults to 5_000. */
  retryMaxDelayMs: number;
  /**
   * The HTTP library the client sends with when no `fetch` is given. Defaults to `'undici'`
   * (its `request`: a third less CPU than node-fetch 2 per single-invoice read, bench/README.md).
   */
  transport: HttpTransport;
  fetch: FetchLike | undefined;
  now: Now;
  sleep: Sleep;
  random: Random;
  logger: VismaLogger;
  /** Every attempt and retry as a typed event (metrics count these, never log lines). None by default. */
  onEvent: VismaObserver;
  attemptGuard: AttemptGuard;
  retryBudget: RetryBudget;
  /** Client credentials: a token shared with other replicas (docs/scaling.md); none by default. */
  sharedTokens: SharedTokenStore | undefined;
  /** Where each answer's `X-RateLimit-*` headers are recorded (and `rateLimit()` reads). Defaults to readings of its own. */
  rateLimits: RateLimitReadings;
  /**
   * Spans for calls and their attempts, and the trace context each attempt sends upstream
   * (`OpenTelemetryCallTracer` in ./tracing.ts). None by default: no span is made.
   */
  tracer: CallTracer | undefined;
}

/** What a caller passes to `createVismaClient`: only `auth` is required (and its credentials). */
export type VismaClientConfig = Partial<Omit<VismaClientOptions, 'auth'>> & {
  auth: (Omit<ClientCredentialsAuth, 'tokenUrl' | 'scopes'> & { tokenUrl?: string; scopes?: readonly string[] }) | PassthroughAuth;
};

/**
 * The one table of the client's defaults. The gateway's configuration (src/config.ts) takes its
 * VISMA_* defaults and REQUEST_DEADLINE_MS from here, so a client built without the gateway and
 * the gateway on its defaults behave alike.
 */
export const DEFAULT_VISMA_OPTIONS = Object.freeze({
  baseUrl: 'https://api.finance.visma.net',
  tokenUrl: 'https://connect.visma.com/connect/token',
  scopes: VISMA_CLIENT_SCOPES,
  timeZone: 'Europe/Oslo',
  attemptTimeoutMs: 10_000,
  // Under the 30 s a router or proxy commonly gives an upstream (Apollo's router gives a
  // subgraph 30 s), so the caller hears this client's timeout, not the router's.
  deadlineMs: 25_000,
  maxAttempts: 3,
  maxSockets: 8,
  maxInvoicesInFlight: 2_000,
  maxResponseBytes: 32 * 1024 * 1024,
  maxBytesInFlight: 32 * 1024 * 1024,
  tokenRefreshMarginMs: 60_000,
  retryBaseDelayMs: 200,
  retryMaxDelayMs: 5_000,
  transport: 'undici',
});

const KNOWN_OPTIONS = new Set([
  'baseUrl',
  'auth',
  'timeZone',
  'attemptTimeoutMs',
  'deadlineMs',
  'maxAttempts',
  'maxSockets',
  'maxInvoicesInFlight',
  'maxResponseBytes',
  'maxBytesInFlight',
  'tokenRefreshMarginMs',
  'retryBaseDelayMs',
  'retryMaxDelayMs',
  'transport',
  'fetch',
  'now',
  'sleep',
  'random',
  'logger',
  'onEvent',
  'attemptGuard',
  'retryBudget',
  'sharedTokens',
  'rateLimits',
  'tracer',
]);
const KNOWN_AUTH_OPTIONS = new Set(['mode', 'tokenUrl', 'clientId', 'clientSecret', 'tenantId', 'scopes']);

/**
 * Checks a configuration once, at start, and fills in the defaults. Every message names the
 * option, the expected form and what was received, so a bad environment fails loudly before
 * the first request. The client secret is never echoed.
 */
export function getValidVismaClientOptions(config: unknown): VismaClientOptions {
  try {
    return validate(config);
  } catch (error) {
    // A secret pasted into the wrong setting would otherwise be echoed as "received …" (JSON-quoted).
    const secret = isRecord(config) && isRecord(config.auth) ? config.auth.clientSecret : undefined;
    if (error instanceof TypeError && typeof secret === 'string' && secret.length >= 4) {
      // eslint-disable-next-line preserve-caught-error -- the cause's message holds the secret this error leaves out
      throw new TypeError(redactSecrets(error.message, [secret]));
    }
    throw error;
  }
}

function validate(config: unknown): VismaClientOptions {
  if (!isRecord(config)) {
    throw new TypeError(`VismaClient options must be an object; received ${describe(config)}.`);
  }
  rejectUnknown(config, KNOWN_OPTIONS, '');
  const retryBaseDelayMs = getValidInteger(config, 'retryBaseDelayMs', 0, 60_000);
  const maxResponseBytes = getValidInteger(config, 'maxResponseBytes', 1_024, 2 ** 30);
  return {
    baseUrl: getValidUrl(config, 'baseUrl', DEFAULT_VISMA_OPTIONS.baseUrl),
    auth: getValidAuth(config.auth),
    timeZone: getValidTimeZone(config.timeZone),
    attemptTimeoutMs: getValidInteger(config, 'attemptTimeoutMs', 1, 600_000),
    deadlineMs: getValidInteger(config, 'deadlineMs', 1, 3_600_000),
    maxAttempts: getValidInteger(config, 'maxAttempts', 1, 10),
    maxSockets: getValidInteger(config, 'maxSockets', 1, 1_024),
    maxInvoicesInFlight: getValidInteger(config, 'maxInvoicesInFlight', 1, 10_000_000),
    maxResponseBytes,
    maxBytesInFlight: getValidInteger(config, 'maxBytesInFlight', maxResponseBytes, 2 ** 40),
    tokenRefreshMarginMs: getValidInteger(config, 'tokenRefreshMarginMs', 0, 3_600_000),
    retryBaseDelayMs,
    retryMaxDelayMs: getValidInteger(config, 'retryMaxDelayMs', retryBaseDelayMs, 600_000),
    transport: getValidTransport(config.transport),
    fetch: getOptionalFunction(config, 'fetch') as FetchLike | undefined,
    now: (getOptionalFunction(config, 'now') as Now | undefined) ?? Date.now,
    sleep: (getOptionalFunction(config, 'sleep') as Sleep | undefined) ?? defaultSleep,
    random: (getOptionalFunction(config, 'random') as Random | undefined) ?? Math.random,
    logger: getOptionalObject<VismaLogger>(config, 'logger', ['debug', 'warn']) ?? SILENT_LOGGER,
    onEvent: (getOptionalFunction(config, 'onEvent') as VismaObserver | undefined) ?? IGNORE_EVENTS,
    attemptGuard: getOptionalObject<AttemptGuard>(config, 'attemptGuard', ['run']) ?? PASS_THROUGH_GUARD,
    retryBudget: getOptionalObject<RetryBudget>(config, 'retryBudget', ['tryAcquireRetry', 'recordAttempt']) ?? UNLIMITED_RETRY_BUDGET,
    sharedTokens: getOptionalObject<SharedTokenStore>(config, 'sharedTokens', ['get', 'lock', 'put', 'forget']),
    rateLimits: getOptionalObject<RateLimitReadings>(config, 'rateLimits', ['record', 'latest']) ?? new RateLimitReadings(),
    tracer: getOptionalObject<CallTracer>(config, 'tracer', ['startCall']),
  };
}

function getValidAuth(auth: unknown): VismaAuth {
  if (!isRecord(auth)) {
    throw new TypeError(
      `VismaClient option "auth" must be an object with "mode" "client_credentials" or "passthrough"; received ${describe(auth)}.`,
    );
  }
  rejectUnknown(auth, KNOWN_AUTH_OPTIONS, 'auth.');
  if (auth.mode === 'passthrough') {
    return { mode: 'passthrough' };
  }
  if (auth.mode !== 'client_credentials') {
    throw new TypeError(`VismaClient option "auth.mode" must be "client_credentials" or "passthrough"; received ${describe(auth.mode)}.`);
  }
  return {
    mode: 'client_credentials',
    tokenUrl: getValidUrl(auth, 'tokenUrl', DEFAULT_VISMA_OPTIONS.tokenUrl, 'auth.'),
    clientId: getRequiredString(auth, 'clientId'),
    clientSecret: getRequiredString(auth, 'clientSecret', { secret: true }),
    tenantId: getRequiredString(auth, 'tenantId'),
    scopes: getValidScopes(auth.scopes),
  };
}

function getRequiredString(auth: Record<string, unknown>, key: string, { secret = false } = {}): string {
  const value = auth[key];
  if (typeof value !== 'string' || value.trim() === '') {
    const received = secret && typeof value === 'string' ? 'a blank string' : describe(value);
    throw new TypeError(`VismaClient option "auth.${key}" must be a non-empty string; received ${received}.`);
  }
  return value;
}

function getValidScopes(scopes: unknown): readonly string[] {
  if (scopes === undefined) {
    return DEFAULT_VISMA_OPTIONS.scopes;
  }
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((scope) => typeof scope === 'string' && /^\S+$/.test(scope))) {
    throw new TypeError(
      `VismaClient option "auth.scopes" must be a non-empty array of scope names without spaces; received ${describe(scopes)}.`,
    );
  }
  return Object.freeze([...(scopes as string[])]);
}

function getValidUrl(config: Record<string, unknown>, key: string, fallback: string, prefix = ''): string {
  const value = config[key];
  if (value === undefined) {
    return fallback;
  }
  let url: URL | undefined;
  if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new TypeError(
      `VismaClient option "${prefix}${key}" must be an absolute http(s) URL without query or fragment; received ${describe(value)}.`,
    );
  }
  return (value as string).replace(/\/+$/, '');
}

function getValidTimeZone(value: unknown): string {
  if (value === undefined) {
    return DEFAULT_VISMA_OPTIONS.timeZone;
  }
  if (typeof value !== 'string' || !isValidTimeZone(value)) {
    throw new TypeError(`VismaClient option "timeZone" must be an IANA time zone such as "Europe/Oslo"; received ${describe(value)}.`);
  }
  return value;
}

function getValidTransport(value: unknown): HttpTransport {
  if (value === undefined) {
    return DEFAULT_VISMA_OPTIONS.transport;
  }
  if (!HTTP_TRANSPORTS.includes(value as HttpTransport)) {
    throw new TypeError(
      `VismaClient option "transport" must be one of ${HTTP_TRANSPORTS.map((t) => `"${t}"`).join(', ')}; received ${describe(value)}.`,
    );
  }
  return value as HttpTransport;
}

type IntegerOption =
  | 'attemptTimeoutMs'
  | 'deadlineMs'
  | 'maxAttempts'
  | 'maxSockets'
  | 'maxInvoicesInFlight'
  | 'maxResponseBytes'
  | 'maxBytesInFlight'
  | 'tokenRefreshMarginMs'
  | 'retryBaseDelayMs'
  | 'retryMaxDelayMs';

function getValidInteger(config: Record<string, unknown>, key: IntegerOption, min: number, max: number): number {
  const value = config[key];
  if (value === undefined) {
    return Math.max(DEFAULT_VISMA_OPTIONS[key], min);
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`VismaClient option "${key}" must be an integer from ${min} to ${max}; received ${describe(value)}.`);
  }
  return value;
}

function getOptionalFunction(config: Record<string, unknown>, key: string): unknown {
  const value = config[key];
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`VismaClient option "${key}" must be a function; received ${describe(value)}.`);
  }
  return value;
}

function getOptionalObject<T>(config: Record<string, unknown>, key: string, methods: string[]): T | undefined {
  const value = config[key];
  if (value === undefined) {
    return undefined;
  }
  if (!isRecord(value) || !methods.every((method) => typeof value[method] === 'function')) {
    const expected = methods.map((method) => `${method}()`).join(', ');
    throw new TypeError(`VismaClient option "${key}" must be an object with the methods ${expected}; received ${describe(value)}.`);
  }
  return value as T;
}

function rejectUnknown(config: Record<string, unknown>, known: Set<string>, prefix: string): void {
  for (const key of Object.keys(config)) {
    if (!known.has(key)) {
      throw new TypeError(
        `VismaClient received an unknown option "${prefix}${key}"; known options are ${[...known].map((name) => `"${prefix}${name}"`).join(', ')}.`,
      );
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, safe description of a received value for an error message. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return value === '' ? 'an empty string' : JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return 'an object';
}

/**
 * Waits without holding the process open: the timer is unref'd, so a retry pause never keeps
 * a shutting-down process alive, and aborting the signal ends the wait at once.
 */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
