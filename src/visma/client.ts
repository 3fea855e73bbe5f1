import { setMaxListeners } from 'node:events';
import type { CallOptions, Created, RateLimitState, Updated, VismaApi, WriteOptions } from './api';
import { errorFromResponse } from './error-response';
import { VismaProtocolError, VismaUnavailableError, isVismaError } from './errors';
import { Exchanger, type CallContext } from './exchange';
import { createHttpTransport, type BodySink, type HttpRequest, type HttpResponse } from './http';
import { invoicePageSink, type ListPageRead } from './list-page-sink';
import { actionResultFromWire, customerFromWire, invoiceFromWire, invoicePageFromWire } from './mapping';
import type { ActionResult, Customer, CustomerInvoice, InvoiceDraft, InvoiceListQuery, InvoicePage, InvoicePatch } from './model';
import { getValidVismaClientOptions, type VismaClientConfig, type VismaClientOptions } from './options';
import { rateLimitFromHeaders } from './rate-limit';
import { isPlainRequestId } from './request-id';
import { realTimer, WeightedSemaphore } from './resilience/weighted-semaphore';
import { PASS_THROUGH_GUARD, UNLIMITED_RETRY_BUDGET, type TracedCall } from './seams';
import { redactSecrets } from './redact';
import {
  createInvoiceRequest,
  getInvoiceRequest,
  listInvoicesRequest,
  pathSegment,
  releaseInvoiceRequest,
  updateInvoiceRequest,
  type VismaRequest,
} from './requests';
import { ClientCredentialsTokenProvider, PassthroughTokenProvider, type TokenProvider } from './token-provider';

/** What a call sends: built by ./requests.ts, which dry runs describe too. */
type RequestSpec = VismaRequest & { sink?: HttpRequest['sink'] };

/**
 * Visma.net ERP's CustomerInvoice endpoint over HTTP: auth, timeouts, safe retries, typed
 * errors, and the wire mapping. Throws only the errors of `./errors`.
 */
export class VismaClient implements VismaApi {
  private readonly exchanger: Exchanger;
  private readonly tokens: TokenProvider;
  private readonly closeController = new AbortController();
  private readonly releaseSockets: () => void;
  private readonly invoicesInFlight: WeightedSemaphore;

  constructor(private readonly options: VismaClientOptions) {
    // Every in-flight attempt listens on the close signal (and removes its listener when done),
    // so under load it has more than Node's default of 10 listeners by design, not by a leak.
    setMaxListeners(0, this.closeController.signal);
    this.invoicesInFlight = new WeightedSemaphore({
      capacity: options.maxInvoicesInFlight,
      what: `room among ${options.maxInvoicesInFlight} invoices in flight from Visma`,
      now: options.now,
      setTimer: realTimer,
    });
    const bodies = {
      maxBytes: options.maxResponseBytes,
      inFlight: new WeightedSemaphore({
        capacity: options.maxBytesInFlight,
        what: `room among ${options.maxBytesInFlight} bytes of answers in flight from Visma`,
        now: options.now,
        setTimer: realTimer,
        // A small answer (the cache's change poll) is not held behind large ones that cannot start yet.
        goAhead: true,
      }),
    };
    let fetch = options.fetch;
    if (fetch === undefined) {
      const pooled = createHttpTransport(options.transport, options.maxSockets);
      fetch = pooled.fetch;
      this.releaseSockets = pooled.close;
    } else {
      this.releaseSockets = () => undefined;
    }
    const shared = {
      fetch,
      attemptTimeoutMs: options.attemptTimeoutMs,
      maxAttempts: options.maxAttempts,
      retryBaseDelayMs: options.retryBaseDelayMs,
      retryMaxDelayMs: options.retryMaxDelayMs,
      now: options.now,
      sleep: options.sleep,
      random: options.random,
      logger: options.logger,
      onEvent: options.onEvent,
      closeSignal: this.closeController.signal,
      bodies,
    };
    this.exchanger = new Exchanger({ ...shared, service: 'api', guard: options.attemptGuard, budget: options.retryBudget });
    if (options.auth.mode === 'client_credentials') {
      // The token endpoint is another service: the API's circuit breaker and retry budget stay out of it.
      const tokenExchanger = new Exchanger({ ...shared, service: 'token', guard: PASS_THROUGH_GUARD, budget: UNLIMITED_RETRY_BUDGET });
      this.tokens = new ClientCredentialsTokenProvider({
        auth: options.auth,
        exchanger: tokenExchanger,
        now: options.now,
        requestBudgetMs: options.deadlineMs,
        refreshMarginMs: options.tokenRefreshMarginMs,
        shared: options.sharedTokens,
        sleep: options.sleep,
        logger: options.logger,
      });
    } else {
      this.tokens = new PassthroughTokenProvider();
    }
  }

  async getInvoice(referenceNumber: string, options: CallOptions = {}): Promise<CustomerInvoice> {
    const request = getInvoiceRequest(referenceNumber);
    return this.reading(1, request.path, options, async () => {
      const response = await this.call(request, options, [200]);
      return invoiceFromWire(this.json(response, 'GET /v1/customerinvoice/{referenceNumber}'), this.options.timeZone);
    });
  }

  async listInvoices(query: InvoiceListQuery, options: CallOptions = {}): Promise<InvoicePage> {
    const request = listInvoicesRequest(query, this.options.timeZone);
    return this.reading(query.pageSize, request.path, options, async () => {
      const response = await this.call({ ...request, sink: this.listSink }, options, [200]);
      const read = response.decoded as ListPageRead | undefined;
      if (read?.kind === 'page') return read.page;
      if (read?.kind === 'failed') throw read.error;
      if (read?.kind === 'not-json') throw this.notJson(response, 'GET /v1/customerinvoice');
      return invoicePageFromWire(this.json(response, 'GET /v1/customerinvoice'), this.options.timeZone);
    });
  }

  /** Sent once: a lost answer surfaces as `outcome: 'unknown'` (src/idempotency makes creates safe to retry). */
  async createInvoice(draft: InvoiceDraft, options: CallOptions = {}): Promise<Created> {
    const response = await this.call(createInvoiceRequest(draft), options, [200, 201]);
    return {
      referenceNumber: referenceFromLocation(response.headers.get('location'), this.options.baseUrl),
      version: entityTag(response.headers.get('etag')),
    };
  }

  async updateInvoice(referenceNumber: string, patch: InvoicePatch, options: WriteOptions = {}): Promise<Updated> {
    const response = await this.call(updateInvoiceRequest(referenceNumber, patch, options.ifMatch), options, [200, 204]);
    return { version: entityTag(response.headers.get('etag')) };
  }

  async releaseInvoice(referenceNumber: string, options: WriteOptions = {}): Promise<ActionResult> {
    const operation = 'POST /v1/customerinvoice/{referenceNumber}/action/release';
    const response = await this.call(releaseInvoiceRequest(referenceNumber, options.ifMatch), options, [200, 202]);
    if (response.status === 202) {
      // Background acceptance (CONTRACT §6): the action is queued under the returned id.
      const accepted = this.json(response, operation) as { id?: unknown } | null;
      return { actionId: typeof accepted?.id === 'string' ? accepted.id : null, result: 'Queued' };
    }
    return actionResultFromWire(this.json(response, operation), operation);
  }

  async getCustomer(number: string, options: CallOptions = {}): Promise<Customer> {
    const path = `/v1/customer/${pathSegment(number, 'number')}`;
    return this.reading(1, path, options, async () => {
      const response = await this.call({ method: 'GET', path, route: '/v1/customer/{number}' }, options, [200]);
      return customerFromWire(this.json(response, 'GET /v1/customer/{number}'), this.options.timeZone);
    });
  }

  /**
   * Gets a token as a call would (the cached one while it is valid), for the gateway's
   * readiness probe; resolves at once in passthrough mode, where callers bring their own.
   */
  async obtainToken(options: CallOptions = {}): Promise<void> {
    if (this.options.auth.mode === 'passthrough') return;
    await this.tokens.token({ deadline: this.deadlineOf(options), callerSignal: options.signal }, options);
  }

  rateLimit(): RateLimitState | null {
    return this.options.rateLimits.latest();
  }

  /**
   * Aborts running calls and retry waits, and closes idle keep-alive sockets, so nothing the
   * client started keeps the process alive. Later calls fail with VismaUnavailableError.
   */
  close(): void {
    this.closeController.abort();
    this.releaseSockets();
  }

  /**
   * Runs a read holding `weight` of the invoices-in-flight budget from before its request until
   * its answer is mapped: a page's body, its parsed items and its model are what fill memory, and
   * one core maps one page at a time anyway, so more pages in flight only wait in memory.
   */
  private async reading<T>(weight: number, path: string, options: CallOptions, read: () => Promise<T>): Promise<T> {
    const limits = {
      operation: `GET ${path}`,
      deadline: this.deadlineOf(options),
      signal: options.signal,
    };
    const release = this.invoicesInFlight.tryAcquire(weight) ?? (await this.invoicesInFlight.acquire(weight, limits));
    try {
      return await read();
    } finally {
      release();
    }
  }

  /** One logical call (`send`), in a span of its own when the tracer traces it. */
  private async call(spec: RequestSpec, options: CallOptions, expected: number[]): Promise<HttpResponse> {
    if (this.closeController.signal.aborted) {
      throw new VismaUnavailableError('The Visma client is closed.', { outcome: 'not_applied' });
    }
    const route = `${spec.method} ${spec.route}`;
    const trace = this.options.tracer?.startCall(route);
    if (trace === undefined) return this.send(spec, route, options, expected, undefined);
    try {
      const response = await this.send(spec, route, options, expected, trace);
      trace.end({ status: response.status });
      return response;
    } catch (error) {
      trace.end({ status: isVismaError(error) ? error.status : undefined, error: error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  }

  /**
   * A token, the attempts the retry policy allows, and one more attempt with a fresh token after
   * a 401 (the cached token may have been revoked or expired early). Any status outside
   * `expected` becomes the typed error for it.
   */
  private async send(
    spec: RequestSpec,
    route: string,
    options: CallOptions,
    expected: number[],
    trace: TracedCall | undefined,
  ): Promise<HttpResponse> {
    const context: CallContext = { deadline: this.deadlineOf(options), callerSignal: options.signal, trace };
    const operation = `${spec.method} ${spec.path}`;
    const meta = { operation, route, idempotent: spec.method === 'GET' };
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);

    let token = await this.tokens.token(context, options);
    let response = await this.exchanger.send(this.request(spec, token, options, body), context, meta);
    this.observe(response);
    // A 401 means the request was refused before it was processed, so even a POST may be repeated.
    if (response.status === 401 && this.tokens.rejected(token)) {
      token = await this.tokens.token(context, options);
      response = await this.exchanger.send(this.request(spec, token, options, body), context, meta);
      this.observe(response);
    }
    if (!expected.includes(response.status)) {
      throw errorFromResponse({
        status: response.status,
        operation,
        headers: response.headers,
        body: response.body,
        now: this.options.now(),
        redact: (text) => redactSecrets(text, [token, ...this.tokens.secrets()]),
      });
    }
    return response;
  }

  private request(spec: RequestSpec, token: string, options: CallOptions, body: string | undefined): HttpRequest {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${token}`,
      ...spec.headers,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    // Only a plain id goes upstream: a header value with control characters would throw.
    if (isPlainRequestId(options.requestId)) headers['X-Request-Id'] = options.requestId;
    return {
      method: spec.method,
      url: `${this.options.baseUrl}${spec.path}${spec.query ?? ''}`,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(spec.sink === undefined ? {} : { sink: spec.sink }),
    };
  }

  /**
   * The deadline of a call: the caller's own when it gives one (shorter or longer), else
   * `deadlineMs` from now. The one place a call's deadline is decided.
   */
  private deadlineOf(options: CallOptions): number {
    return Number.isFinite(options.deadline) ? (options.deadline as number) : this.options.now() + this.options.deadlineMs;
  }

  private observe(response: HttpResponse): void {
    const state = rateLimitFromHeaders(response.headers, this.options.now());
    if (state !== null) this.options.rateLimits.record(state);
  }

  private json(response: HttpResponse, operation: string): unknown {
    try {
      return JSON.parse(response.body);
    } catch {
      throw this.notJson(response, operation);
    }
  }

  private notJson(response: HttpResponse, operation: string): VismaProtocolError {
    const preview = response.body.trim() === '' && response.decoded === undefined ? 'an empty body' : 'a body that is not JSON';
    return new VismaProtocolError(`Visma answered ${operation} with ${response.status} and ${preview}.`, {
      operation,
      status: response.status,
    });
  }

  /** A list page's 200 is read invoice by invoice as it arrives (./list-page-sink.ts); any other answer as text. */
  private readonly listSink = (status: number): BodySink | undefined =>
    status === 200 ? invoicePageSink(this.options.timeZone) : undefined;
}

/** Validates a configuration (see `getValidVismaClientOptions`) and builds a client from it. */
export function createVismaClient(config: VismaClientConfig): VismaClient {
  return new VismaClient(getValidVismaClientOptions(config));
}

/**
 * One URL path segment. encodeURIComponent leaves `.` alone, and a segment of `.` or `..` would
 * be resolved away by URL parsing and address another resource, so those are refused.
 */
/** The version inside an ETag header: quotes and a weak `W/` prefix removed. */
export function entityTag(header: string | null): string | null {
  if (header === null) return null;
  const match = /^\s*(?:W\/)?"(.*)"\s*$/.exec(header);
  const tag = match?.[1] ?? header.trim();
  return tag === '' ? null : tag;
}

/**
 * The new invoice's number: the last path segment of `Location`, URL-decoded (CONTRACT §5).
 * The header may be absolute or relative. A `b64(…)` segment (CONTRACT §1) is decoded too.
 */
export function referenceFromLocation(location: string | null, baseUrl: string): string {
  const operation = 'POST /v2/customerinvoice';
  if (location === null || location.trim() === '') {
    throw new VismaProtocolError('Visma answered the create with no Location header, so the new invoice number is unknown.', {
      operation,
      status: 201,
    });
  }
  let segment: string | undefined;
  try {
    const path = new URL(location.trim(), `${baseUrl}/`).pathname;
    segment = path
      .split('/')
      .filter((part) => part !== '')
      .at(-1);
    segment = segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    segment = undefined;
  }
  const b64 = segment === undefined ? null : /^b64\(([A-Za-z0-9_-]+=*)\)$/.exec(segment);
  if (b64?.[1] !== undefined) segment = Buffer.from(b64[1], 'base64url').toString('utf8');
  if (segment === undefined || segment === '') {
    throw new VismaProtocolError(
      `Visma answered the create with a Location that names no invoice: ${JSON.stringify(location.slice(0, 200))}.`,
      {
        operation,
        status: 201,
      },
    );
  }
  return segment;
}
