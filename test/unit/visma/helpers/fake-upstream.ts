import { createVismaClient, type VismaClient } from '../../../../src/visma/client';
import type { FetchInit, FetchLike, FetchResponseLike } from '../../../../src/visma/http';
import type { VismaClientConfig } from '../../../../src/visma/options';

export const BASE_URL = 'https://visma.test';
export const TOKEN_URL = 'https://connect.test/connect/token';
export const CLIENT_SECRET = 'client-secret-value-42';

export interface RecordedRequest {
  method: string;
  url: string;
  /** Path and query, e.g. `/v1/customerinvoice?pageNumber=1`. */
  target: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string | object }
  /** The connection fails with this Node error code (ECONNRESET, ECONNREFUSED, ...). */
  | { fail: string }
  /** No answer until the request is aborted. */
  | 'hang';

export type Handler = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

/**
 * A scripted stand-in for Visma and Visma Connect behind the client's injected fetch. It records
 * every request and answers from handlers; the token handler by default issues token-1, token-2, ...
 */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  private tokensIssued = 0;
  private apiCalls = 0;
  private tokenCalls = 0;

  constructor(
    private readonly api: Handler,
    private readonly token: Handler = () => this.issueToken(3600),
  ) {}

  issueToken(expiresIn: number): Reply {
    this.tokensIssued += 1;
    return { status: 200, body: { access_token: `token-${this.tokensIssued}`, expires_in: expiresIn, token_type: 'Bearer' } };
  }

  get apiRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.url.startsWith(BASE_URL));
  }

  get tokenRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.url === TOKEN_URL);
  }

  readonly fetch: FetchLike = async (url: string, init: FetchInit): Promise<FetchResponseLike> => {
    const parsed = new URL(url);
    const request: RecordedRequest = {
      method: init.method,
      url,
      target: `${parsed.pathname}${parsed.search}`,
      headers: { ...init.headers },
      body: init.body,
    };
    this.requests.push(request);
    const reply = url === TOKEN_URL ? await this.token(request, this.tokenCalls++) : await this.api(request, this.apiCalls++);
    if (reply === 'hang') {
      return new Promise<never>((_resolve, reject) => {
        const onAbort = (): void =>
          reject(Object.assign(new Error('The user aborted a request.'), { name: 'AbortError', type: 'aborted' }));
        if (init.signal.aborted) onAbort();
        init.signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    if ('fail' in reply) {
      throw Object.assign(new Error(`request to ${url} failed, reason: ${reply.fail}`), {
        name: 'FetchError',
        type: 'system',
        code: reply.fail,
        errno: reply.fail,
      });
    }
    const headers = new Map(Object.entries(reply.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return {
      status: reply.status,
      headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null },
      body: chunksOf(body),
    };
  };
}

/** Time that moves only when the client sleeps or a test advances it. */
export class FakeClock {
  readonly sleeps: number[] = [];
  constructor(public time = Date.parse('2025-01-27T12:00:00Z')) {}

  readonly now = (): number => this.time;

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += ms;
  };

  advance(ms: number): void {
    this.time += ms;
  }
}

export function clientFor(upstream: FakeUpstream, clock: FakeClock, overrides: Partial<VismaClientConfig> = {}): VismaClient {
  return createVismaClient({
    baseUrl: BASE_URL,
    auth: {
      mode: 'client_credentials',
      tokenUrl: TOKEN_URL,
      clientId: 'gateway',
      clientSecret: CLIENT_SECRET,
      tenantId: 'tenant-1',
    },
    fetch: upstream.fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    ...overrides,
  });
}

export const invoiceBody = (referenceNumber = '000123'): object => ({
  referenceNumber,
  documentDate: '2025-01-27T00:00:00',
  amount: 100,
  timeStamp: 'AAAAAAAAB9E=',
  metadata: { totalCount: 1, maxPageSize: 1000 },
});

export const ok = (body: object = invoiceBody(), headers: Record<string, string> = {}): Reply => ({
  status: 200,
  headers: { 'Content-Type': 'application/json', ...headers },
  body,
});

/** Resolves when `settle` is called: for holding an answer back while concurrent callers pile up. */
export function deferred<T>(): { promise: Promise<T>; settle: (value: T) => void } {
  let settle!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    settle = resolve;
  });
  return { promise, settle };
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

export async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A body as a fetch response streams it: in chunks of 64 KiB, as a socket would deliver a large one. */
async function* chunksOf(body: string): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(body, 'utf8');
  for (let start = 0; start < bytes.length; start += 65_536) {
    yield bytes.subarray(start, start + 65_536);
  }
}
