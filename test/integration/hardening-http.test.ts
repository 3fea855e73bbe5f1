import { CONFIG_DEFAULTS } from '../../src/config';
import { sha256Hex } from '../../src/server/auth/inbound-auth';
import { JwksServer } from './helpers/jwks-server';
import { NO_POLL_DURING_SUITE, startGateway, type StartedGateway } from './helpers/start-gateway';
import { drip, rawClient } from './helpers/raw-client';

const ONE = '{ customerInvoice(referenceNumber: "003547") { referenceNumber } }';
const API_KEY = 'hardening-suite-api-key-3c9a7e1b5d';
const ROUTER_SECRET = 'hardening-router-secret-0123456789abcdef';

interface Answer {
  status: number;
  requestId: string | null;
  contentType: string | null;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; extensions?: Record<string, unknown> };
}

async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    requestId: response.headers.get('x-request-id'),
    contentType: response.headers.get('content-type'),
    body: JSON.parse(text) as Answer['body'],
  };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Every error of the answer carries a code and the request id the response header names. */
function expectCodedWithRequestId(answer: Answer, code: string): void {
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.requestId).toMatch(/\S/);
  expect(answer.body.errors?.length).toBeGreaterThan(0);
  for (const error of answer.body.errors ?? []) {
    expect(error.extensions).toMatchObject({ code, requestId: answer.requestId });
  }
}

const REQUEST_HEAD = (port: number, length: number): string =>
  `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('HTTP server timeouts', () => {
  it('ships headers, request and keep-alive timeouts on the server, far below Node’s own 60 s and 300 s', async () => {
    const started = await startGateway({ env: NO_POLL_DURING_SUITE });
    try {
      const { httpServer } = started.gateway.server;
      expect({
        headersTimeout: httpServer.headersTimeout,
        requestTimeout: httpServer.requestTimeout,
        keepAliveTimeout: httpServer.keepAliveTimeout,
      }).toEqual({
        headersTimeout: Number(CONFIG_DEFAULTS.HTTP_HEADERS_TIMEOUT_MS),
        requestTimeout: Number(CONFIG_DEFAULTS.HTTP_REQUEST_TIMEOUT_MS),
        keepAliveTimeout: Number(CONFIG_DEFAULTS.HTTP_KEEP_ALIVE_TIMEOUT_MS),
      });
      expect(httpServer.headersTimeout).toBe(10_000);
      expect(httpServer.requestTimeout).toBe(30_000);
      // Above a load balancer's 60 s idle timeout, so the balancer closes an idle connection first.
      expect(httpServer.keepAliveTimeout).toBe(65_000);
    } finally {
      await started.stop();
    }
  });

  describe('against slow clients on a raw socket (timeouts made short by name)', () => {
    const HEADERS_MS = 400;
    const REQUEST_MS = 900;
    const KEEP_ALIVE_MS = 300;
    let started: StartedGateway;
    let port: number;

    beforeAll(async () => {
      started = await startGateway({
        env: {
          HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
          HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
          HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
          ...NO_POLL_DURING_SUITE,
        },
      });
      port = started.listening.port;
    });

    afterAll(() => started.stop());

    it('answers 408 and closes the socket of a client that sends its headers a byte at a time and never ends them', async () => {
      const exchange = await rawClient(port, (socket) => drip(socket, `${REQUEST_HEAD(port, 40)}`.repeat(50), 50), 5_000);
      expect(exchange.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(exchange.elapsedMs).toBeGreaterThanOrEqual(HEADERS_MS - 50);
      expect(exchange.elapsedMs).toBeLessThan(HEADERS_MS * 2);
    });

    it('answers 408 and closes the socket of a client that sends its headers and part of the body, then nothing', async () => {
      const exchange = await rawClient(port, (socket) => socket.write(`${REQUEST_HEAD(port, 100)}{"query":`), 5_000);
      expect(exchange.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(exchange.elapsedMs).toBeGreaterThanOrEqual(REQUEST_MS - 50);
      expect(exchange.elapsedMs).toBeLessThan(REQUEST_MS * 2);
    });

    it('closes the socket of a client that drips its body, each byte in time, once the whole request takes too long', async () => {
      const body = JSON.stringify({ query: ONE });
      const exchange = await rawClient(
        port,
        (socket) => {
          socket.write(REQUEST_HEAD(port, Buffer.byteLength(body)));
          drip(socket, body, 100);
        },
        5_000,
      );
      expect(exchange.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(exchange.elapsedMs).toBeLessThan(REQUEST_MS * 2);
    });

    it('closes an idle kept-alive connection after the keep-alive timeout', async () => {
      const body = JSON.stringify({ query: ONE });
      const exchange = await rawClient(port, (socket) => socket.write(`${REQUEST_HEAD(port, Buffer.byteLength(body))}${body}`), 5_000);
      expect(exchange.received).toMatch(/^HTTP\/1\.1 200 /);
      expect(exchange.received).toContain('"referenceNumber":"003547"');
      expect(exchange.elapsedMs).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 50);
      expect(exchange.elapsedMs).toBeLessThan(KEEP_ALIVE_MS + 2_000);
    });

    it('still answers a client that sends at a normal pace, and keeps answering after the slow ones', async () => {
      const answer = await post(started.url, { query: ONE });
      expect(answer.body).toEqual({ data: { customerInvoice: { referenceNumber: '003547' } } });
    });
  });
});

describe('refusals carry a code and the request id, and a client mistake is never INTERNAL_SERVER_ERROR', () => {
  let started: StartedGateway;

  beforeAll(async () => {
    started = await startGateway({ env: NO_POLL_DURING_SUITE });
  });

  afterAll(() => started.stop());

  it('refuses a batch of operations with BAD_REQUEST and the request id', async () => {
    const answer = await post(started.url, [{ query: ONE }, { query: ONE }]);
    expect(answer.status).toBe(400);
    expectCodedWithRequestId(answer, 'BAD_REQUEST');
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['an HTML form', 'application/x-www-form-urlencoded'],
    ['a multipart form', 'multipart/form-data; boundary=x'],
  ])('refuses a POST a page on any site could send without a preflight (%s) with BAD_REQUEST and the request id', async (_case, type) => {
    const answer = await send(started.url, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify({ query: ONE }) });
    expect(answer.status).toBe(400);
    expectCodedWithRequestId(answer, 'BAD_REQUEST');
    expect(answer.body.errors?.[0]?.message).toMatch(/must have Content-Type: application\/json/);
  });

  it('refuses a POST without a Content-Type with BAD_REQUEST and the request id', async () => {
    const answer = await send(started.url, { method: 'POST', body: new Blob([JSON.stringify({ query: ONE })]) });
    expect(answer.status).toBe(400);
    expectCodedWithRequestId(answer, 'BAD_REQUEST');
  });

  it.each([
    ['an empty body', ''],
    ['an empty JSON object', '{}'],
  ])('refuses %s with BAD_REQUEST and the request id', async (_case, body) => {
    const answer = await send(started.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(answer.status).toBe(400);
    expectCodedWithRequestId(answer, 'BAD_REQUEST');
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('refuses %s on /graphql with 405, BAD_REQUEST and the request id', async (method) => {
    const answer = await send(started.url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: ONE }),
    });
    expect(answer.status).toBe(405);
    expectCodedWithRequestId(answer, 'BAD_REQUEST');
  });

  it('refuses a body over the limit with 413, BAD_REQUEST and the request id', async () => {
    const answer = await post(started.url, { query: ONE, variables: { pad: 'x'.repeat(1_100_000) } });
    expect(answer.status).toBe(413);
    expectCodedWithRequestId(answer, 'BAD_REQUEST');
  });

  it('refuses malformed JSON with 400, BAD_REQUEST and the request id', async () => {
    const answer = await send(started.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(answer.status).toBe(400);
    expectCodedWithRequestId(answer, 'BAD_REQUEST');
  });

  it.each([
    ['GET', '/nope'],
    ['POST', '/api'],
    ['GET', '/'],
  ])('answers %s %s, which is not a route, with JSON: 404, NOT_FOUND and the request id', async (method, path) => {
    const answer = await send(new URL(path, started.url).toString(), { method, headers: { accept: 'text/html' } });
    expect(answer.status).toBe(404);
    expectCodedWithRequestId(answer, 'NOT_FOUND');
    expect(answer.body.errors?.[0]?.message).toBe(`There is nothing at ${method} ${path}: the GraphQL endpoint is /graphql.`);
  });

  it('keeps a caller’s own X-Request-Id on a refusal made before GraphQL runs', async () => {
    const answer = await post(started.url, [{ query: ONE }], { 'x-request-id': 'client-chosen-id-42' });
    expect(answer.requestId).toBe('client-chosen-id-42');
    expectCodedWithRequestId(answer, 'BAD_REQUEST');
  });

  it('answers an unsupported persisted-query version with 400 BAD_REQUEST, not INTERNAL_SERVER_ERROR', async () => {
    const answer = await post(started.url, {
      query: ONE,
      extensions: { persistedQuery: { version: 2, sha256Hash: sha256Hex(ONE) } },
    });
    expect(answer.status).toBe(400);
    expectCodedWithRequestId(answer, 'BAD_REQUEST');
    expect(answer.body.errors?.[0]?.message).toBe('Unsupported persisted query version');
  });

  it('answers a persisted-query hash that does not match the query with 400 BAD_REQUEST', async () => {
    const answer = await post(started.url, { query: ONE, extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex('other') } } });
    expect(answer.status).toBe(400);
    expectCodedWithRequestId(answer, 'BAD_REQUEST');
  });

  it('answers every one of more than 50 variable errors, the 51st included, with BAD_USER_INPUT and no data', async () => {
    const query =
      'mutation Many($lines: [InvoiceLineChangeInput!]!) { updateInvoiceLines(referenceNumber: "003547", lines: $lines) { referenceNumber } }';
    const lines = Array.from({ length: 60 }, () => ({ operation: 'NOT_AN_OPERATION' }));
    const answer = await post(started.url, { query, variables: { lines } });
    // Variables that do not coerce are a request error: 200 in application/json, which this client gets (GraphQL over HTTP).
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toHaveLength(51);
    expectCodedWithRequestId(answer, 'BAD_USER_INPUT');
    expect(answer.body.errors?.[50]?.message).toBe('Too many errors processing variables, error limit reached. Execution aborted.');
    expect(started.logs.filter((line) => line['msg'] === 'unexpected error, answered as INTERNAL_SERVER_ERROR')).toEqual([]);
  });
});

describe('with the router secret and inbound authentication', () => {
  let jwks: JwksServer;
  let started: StartedGateway;
  const fromRouter = { 'x-router-secret': ROUTER_SECRET };

  beforeAll(async () => {
    jwks = await JwksServer.start();
    started = await startGateway({
      env: { AUTH_REQUIRED: 'true', ...jwks.env(), AUTH_API_KEY_SHA256: sha256Hex(API_KEY), ROUTER_SECRET, ...NO_POLL_DURING_SUITE },
    });
  });

  afterAll(async () => {
    await started.stop();
    await jwks.close();
  });

  it('refuses a request without the router secret with 401 UNAUTHENTICATED and the request id', async () => {
    const answer = await post(started.url, { query: ONE }, { 'x-api-key': API_KEY });
    expect(answer.status).toBe(401);
    expectCodedWithRequestId(answer, 'UNAUTHENTICATED');
  });

  it('refuses a request from the router without credentials with 401 UNAUTHENTICATED and the request id', async () => {
    const answer = await post(started.url, { query: ONE }, fromRouter);
    expect(answer.status).toBe(401);
    expectCodedWithRequestId(answer, 'UNAUTHENTICATED');
  });

  it.each([
    ['an expired JWT', async () => jwks.sign(Date.now() - 7_200_000)],
    ['a JWT for another audience', async () => jwks.sign(Date.now(), { audience: 'other' })],
    ['a JWT signed by a key the JWKS does not publish', async () => jwks.sign(Date.now(), { foreignKey: true })],
    ['a token that is not a JWT', () => Promise.resolve('not-a-jwt')],
  ])('refuses a good API key sent beside %s: every credential sent is checked', async (_case, token) => {
    const answer = await post(
      started.url,
      { query: ONE },
      { ...fromRouter, 'x-api-key': API_KEY, authorization: `Bearer ${await token()}` },
    );
    expect(answer.status).toBe(401);
    expectCodedWithRequestId(answer, 'UNAUTHENTICATED');
    expect(answer.body.data).toBeUndefined();
  });

  it('refuses a good JWT sent beside a wrong API key', async () => {
    const token = await jwks.sign(Date.now());
    const answer = await post(
      started.url,
      { query: ONE },
      { ...fromRouter, 'x-api-key': `${API_KEY}-wrong`, authorization: `Bearer ${token}` },
    );
    expect(answer.status).toBe(401);
  });

  it('serves a good API key beside a good JWT', async () => {
    const token = await jwks.sign(Date.now());
    const answer = await post(started.url, { query: ONE }, { ...fromRouter, 'x-api-key': API_KEY, authorization: `Bearer ${token}` });
    expect(answer.body).toEqual({ data: { customerInvoice: { referenceNumber: '003547' } } });
  });

  it('gives the router federated trace data when it asks for it', async () => {
    const answer = await post(
      started.url,
      { query: ONE },
      { ...fromRouter, 'x-api-key': API_KEY, 'apollo-federation-include-trace': 'ftv1' },
    );
    expect(answer.body.data).toEqual({ customerInvoice: { referenceNumber: '003547' } });
    expect(answer.body.extensions?.['ftv1']).toEqual(expect.stringMatching(/^[A-Za-z0-9+/]+=*$/));
  });

  it('gives no trace data to a request that does not ask', async () => {
    const answer = await post(started.url, { query: ONE }, { ...fromRouter, 'x-api-key': API_KEY });
    expect(answer.body).toEqual({ data: { customerInvoice: { referenceNumber: '003547' } } });
  });
});

describe('federated trace data (ftv1) without the router secret', () => {
  const askForTrace = { 'apollo-federation-include-trace': 'ftv1' };

  it.each([
    ['the shipped default (router only) with no ROUTER_SECRET configured', {}],
    ['FEDERATION_TRACES=off, even with the router secret', { FEDERATION_TRACES: 'off', ROUTER_SECRET }],
  ])('is not given to anyone under %s', async (_case, env: Record<string, string>) => {
    const started = await startGateway({ env: { ...env, ...NO_POLL_DURING_SUITE } });
    try {
      const headers = env['ROUTER_SECRET'] === undefined ? askForTrace : { ...askForTrace, 'x-router-secret': ROUTER_SECRET };
      const answer = await post(started.url, { query: ONE }, headers);
      expect(answer.body).toEqual({ data: { customerInvoice: { referenceNumber: '003547' } } });
    } finally {
      await started.stop();
    }
  });

  it('is given to anyone who asks with FEDERATION_TRACES=all', async () => {
    const started = await startGateway({ env: { FEDERATION_TRACES: 'all', ...NO_POLL_DURING_SUITE } });
    try {
      const answer = await post(started.url, { query: ONE }, askForTrace);
      expect(answer.body.extensions?.['ftv1']).toEqual(expect.any(String));
    } finally {
      await started.stop();
    }
  });
});
