import http from 'node:http';
import https from 'node:https';
import type NodeFetch from 'node-fetch';
import type { RequestInit as NodeFetchInit } from 'node-fetch';
import type * as Undici from 'undici';
import type { Release, WeightedSemaphore } from './resilience/weighted-semaphore';

// Each transport's library is required when that transport is made, not at start: a process
// uses one of them (bench/README.md, Levers: cold start). The transport is made synchronously,
// so these are require() calls rather than import(), which would make it a promise.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load (above)
const loadNodeFetch = (): typeof NodeFetch => (require('node-fetch') as { default: typeof NodeFetch }).default;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load (above)
const loadUndici = (): typeof Undici => require('undici') as typeof Undici;

/**
 * The slice of a fetch Response the client reads. node-fetch 2's Response satisfies it. The body
 * is read as a stream of chunks, so an answer over the byte bound is cut off where it crosses it
 * rather than held whole first; null when there is no body.
 */
export interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  body: AsyncIterable<Uint8Array | string> | null;
}

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** Injected in tests; the default is `createHttpTransport(DEFAULT_TRANSPORT, …)`. */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /**
   * Reads an answer of this status as it arrives instead of as text, when it returns a sink (a
   * list page read invoice by invoice: `BodySink`). Every other answer is read as text.
   */
  sink?: (status: number) => BodySink | undefined;
}

export interface HttpResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** The whole body as text (empty string when there was none, or when a sink took it). */
  body: string;
  /** What the request's sink made of the body, when one took it and did not give it back as text. */
  decoded?: unknown;
}

/**
 * Takes an answer's body chunk by chunk, under the same byte bound and in-flight bytes as a body
 * read as text (a UTF-8 byte order mark dropped first, as there). Never throws: whatever goes
 * wrong is part of what `end` returns, since an exception here would read as a lost connection.
 */
export interface BodySink {
  write(chunk: Buffer): void;
  /**
   * Bytes of the body taken and still held as bytes (the part of an element not yet complete, or
   * a body kept whole to be given back as text): the in-flight reservation keeps covering these,
   * and gives back the rest as the sink consumes it.
   */
  readonly held: number;
  /** After the last chunk: the result, or the body as text after all (the sink could not take it). */
  end(): { value: unknown } | { text: string };
}

/**
 * Why an attempt got no answer. The distinction matters twice: whether a retry is allowed, and
 * whether a write may have reached Visma (`sent`).
 * - `attempt_timeout`: this attempt's own timer ran out (another attempt may still fit).
 * - `deadline`: the call's overall deadline ran out.
 * - `aborted`: the caller's signal aborted.
 * - `closed`: the client was closed.
 * - `refused`: the connection was never made (refused, DNS); nothing was sent.
 * - `lost`: the connection failed after it was made (reset, hang-up).
 * - `too_large`: Visma answered, with a body over the byte bound; it was not read past it.
 */
export type FailureReason = 'attempt_timeout' | 'deadline' | 'aborted' | 'closed' | 'refused' | 'lost' | 'too_large';

export class AttemptFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    /** False only when the request certainly did not leave this process. */
    readonly sent: boolean,
    readonly code: string | undefined,
    cause: unknown,
    /** For `too_large`: the bound the body crossed, in bytes. */
    readonly limitBytes?: number,
  ) {
    super(`attempt failed: ${reason}${code === undefined ? '' : ` (${code})`}`, { cause });
    this.name = 'AttemptFailure';
  }
}

// Errors that mean no connection was made, so no byte of the request reached Visma.
const NOT_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export interface AttemptLimits {
  /** Epoch ms at which this attempt's own timer fires. */
  attemptEndsAt: number;
  /** Epoch ms of the call's overall deadline. */
  deadline: number;
  callerSignal: AbortSignal | undefined;
  closeSignal: AbortSignal;
  now: () => number;
  bodies: BodyLimits;
}

/** What answers' bodies may hold (docs/visma-client.md, "Answer size"). */
export interface BodyLimits {
  /** The largest body one answer may have, in bytes; past it the answer is cut off and fails as `too_large`. */
  maxBytes: number;
  /**
   * Bytes of bodies being received at once, shared by every attempt of the client. An answer
   * takes its `Content-Length` (or `maxBytes` when it declares none) before its body is read and
   * gives it back once the body is text (a body read by a sink, as the sink consumes it); the
   * rest wait, their sockets paused, in arrival order.
   */
  inFlight: WeightedSemaphore;
}

/**
 * One HTTP exchange, body included, under a timeout. node-fetch sets no timeout of its own
 * (STACK.md), so every attempt carries an AbortSignal; its timer is unref'd and always cleared,
 * so no timer outlives the attempt or holds the process open.
 */
export async function sendAttempt(fetch: FetchLike, request: HttpRequest, limits: AttemptLimits): Promise<HttpResponse> {
  const controller = new AbortController();
  let reason: FailureReason | undefined;
  const abort = (why: FailureReason): void => {
    reason ??= why;
    controller.abort();
  };
  const onCaller = (): void => abort('aborted');
  const onClose = (): void => abort('closed');
  const endsAt = Math.min(limits.attemptEndsAt, limits.deadline);
  // The time a sink spends on the body (parsing and mapping a page as it arrives) is added to the
  // attempt's time and the deadline: they bound the exchange, as when the body was mapped after it.
  const sinkTime = { ms: 0 };
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const left = endsAt + sinkTime.ms - limits.now();
    if (left > 0 && sinkTime.ms > 0) {
      timer = setTimeout(arm, left);
      timer.unref();
      return;
    }
    abort(endsAt === limits.deadline ? 'deadline' : 'attempt_timeout');
  };
  timer = setTimeout(arm, Math.max(0, endsAt - limits.now()));
  timer.unref();
  limits.callerSignal?.addEventListener('abort', onCaller, { once: true });
  limits.closeSignal.addEventListener('abort', onClose, { once: true });
  if (limits.closeSignal.aborted) onClose();
  if (limits.callerSignal?.aborted) onCaller();
  try {
    if (reason !== undefined) {
      throw new AttemptFailure(reason, false, undefined, undefined);
    }
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: controller.signal,
    });
    const sink = request.sink?.(response.status);
    const read = await readBody(
      response,
      limits.bodies,
      controller.signal,
      abort,
      sink === undefined ? undefined : timed(sink, limits.now, sinkTime),
    );
    return 'text' in read
      ? { status: response.status, headers: response.headers, body: read.text }
      : { status: response.status, headers: response.headers, body: '', decoded: read.value };
  } catch (error) {
    if (error instanceof AttemptFailure) throw error;
    if (reason !== undefined) throw new AttemptFailure(reason, true, undefined, error);
    const code = errorCode(error);
    const refused = code !== undefined && NOT_CONNECTED_CODES.has(code);
    throw new AttemptFailure(refused ? 'refused' : 'lost', !refused, code, error);
  } finally {
    clearTimeout(timer);
    limits.callerSignal?.removeEventListener('abort', onCaller);
    limits.closeSignal.removeEventListener('abort', onClose);
  }
}

/**
 * The body as text, read chunk by chunk under the byte bound and holding its bytes of the
 * in-flight budget meanwhile; or, with a sink, handed to it chunk by chunk under the same bound,
 * so it is never whole in memory. A sink's reservation shrinks as it consumes the body, to what
 * may still arrive and what the sink still holds as bytes: a page being mapped keeps no more of
 * the budget than the bytes it has yet to map, so other answers (the cache's change poll among
 * them) are not held back by its mapping. The reservation waits on the attempt's own signal, so
 * the attempt's timer and the caller's abort end the wait as they end the read. A UTF-8 byte
 * order mark is dropped, as `Response.text()` drops it.
 */
async function readBody(
  response: FetchResponseLike,
  limits: BodyLimits,
  signal: AbortSignal,
  abort: (why: FailureReason) => void,
  sink: BodySink | undefined,
): Promise<{ value: unknown } | { text: string }> {
  if (response.body === null) return sink === undefined ? { text: '' } : sink.end();
  // A compressed body's Content-Length counts what came over the wire, not what it inflates to.
  const encoded = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase() !== 'identity';
  const declared = encoded ? undefined : contentLength(response.headers.get('content-length'));
  const bound = Math.min(declared ?? limits.maxBytes, limits.maxBytes);
  const tooLarge = (): AttemptFailure => {
    abort('too_large');
    return new AttemptFailure('too_large', true, undefined, undefined, limits.maxBytes);
  };
  if (declared !== undefined && declared > limits.maxBytes) throw tooLarge();
  let release: Release | undefined;
  try {
    release = limits.inFlight.tryAcquire(bound) ?? (await limits.inFlight.acquire(bound, { operation: 'read the answer', signal }));
    const chunks: Buffer[] = [];
    let received = 0;
    let reserved = bound;
    const consumed = (): void => {
      const needed = bound - received + (sink?.held ?? 0);
      if (needed >= reserved) return;
      release?.(reserved - needed);
      reserved = needed;
    };
    // With a sink, the first bytes wait until there are three of them: a byte order mark may be split.
    let head: Buffer | null = sink === undefined ? null : Buffer.alloc(0);
    for await (const piece of response.body) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      received += chunk.byteLength;
      if (received > limits.maxBytes) throw tooLarge();
      if (sink === undefined) {
        chunks.push(chunk);
      } else if (head === null) {
        sink.write(chunk);
        consumed();
      } else {
        head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
        if (head.length >= 3) {
          sink.write(withoutByteOrderMark(head));
          head = null;
          consumed();
        }
      }
    }
    if (sink !== undefined) {
      if (head !== null && head.length > 0) sink.write(withoutByteOrderMark(head));
      return sink.end();
    }
    return { text: withoutByteOrderMark(Buffer.concat(chunks, received)).toString('utf8') };
  } finally {
    release?.();
  }
}

/** The sink, adding the time its writes take to `spent`. */
function timed(sink: BodySink, now: () => number, spent: { ms: number }): BodySink {
  return {
    write: (chunk) => {
      const start = now();
      sink.write(chunk);
      spent.ms += now() - start;
    },
    get held() {
      return sink.held;
    },
    end: () => sink.end(),
  };
}

function withoutByteOrderMark(bytes: Buffer): Buffer {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/** A `Content-Length` that is one plain decimal number, else undefined (the body's own length decides). */
function contentLength(header: string | null): number | undefined {
  if (header === null || !/^\d{1,15}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null) {
    const { code, errno } = error as { code?: unknown; errno?: unknown };
    if (typeof code === 'string') return code;
    if (typeof errno === 'string') return errno;
  }
  return undefined;
}

export interface PooledFetch {
  fetch: FetchLike;
  /** Closes idle keep-alive sockets and refuses new ones. A function property: callers keep it apart from its object. */
  close: () => void;
}

/**
 * node-fetch 2 over one keep-alive agent per protocol, so calls reuse TLS connections and at
 * most `maxSockets` run at once per host. Redirects are not followed: Visma's API does not
 * redirect, and following one would carry the bearer token to wherever it points.
 */
export function createPooledFetch(maxSockets: number): PooledFetch {
  const nodeFetch = loadNodeFetch();
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  const fetch: FetchLike = async (url, init) =>
    nodeFetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      // node-fetch 2 declares its own AbortSignal type; Node's native one is what it expects at run time.
      signal: init.signal as unknown as NodeFetchInit['signal'],
      redirect: 'manual',
      agent: (parsed: URL) => (parsed.protocol === 'http:' ? httpAgent : httpsAgent),
    });
  return {
    fetch,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * undici's `request` over one keep-alive pool per origin (`connections` = `maxSockets`). It skips
 * the WHATWG Request/Response objects that node-fetch builds, which is most of a small call's
 * CPU (bench/README.md, Levers). `request` never follows redirects (no redirect interceptor is
 * installed), so the bearer token stays with Visma, as with node-fetch's `redirect: 'manual'`.
 */
export function createUndiciFetch(maxSockets: number): PooledFetch {
  const undici = loadUndici();
  const agent = new undici.Agent({ connections: maxSockets });
  const fetch: FetchLike = async (url, init) => {
    const response = await undici.request(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: init.signal,
      dispatcher: agent,
    });
    const headers = response.headers;
    return {
      status: response.statusCode,
      headers: {
        get: (name) => {
          const value = headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
      },
      body: response.body,
    };
  };
  return {
    fetch,
    close: () => {
      void agent.destroy().catch(() => undefined);
    },
  };
}

/** The HTTP libraries the client can send with; what each costs is in bench/README.md (Levers). */
export type HttpTransport = 'undici' | 'node-fetch';

export const HTTP_TRANSPORTS: readonly HttpTransport[] = ['undici', 'node-fetch'];

export function createHttpTransport(transport: HttpTransport, maxSockets: number): PooledFetch {
  return transport === 'undici' ? createUndiciFetch(maxSockets) : createPooledFetch(maxSockets);
}
