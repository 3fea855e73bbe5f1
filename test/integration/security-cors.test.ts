import { sha256Hex } from '../../src/server/auth/inbound-auth';
import { NO_POLL_DURING_SUITE, startGateway, type StartedGateway } from './helpers/start-gateway';

const API_KEY = 'cors-suite-api-key-5b2e9d4a71';
const APP = 'http://app.example.test:5173';
const ADMIN = 'https://admin.example.test';
const STRANGER = 'https://evil.example.test';
const QUERY = JSON.stringify({ query: '{ customerInvoice(referenceNumber: "003547") { referenceNumber } }' });

/** The CORS headers of an answer, by lower-case name. */
function corsHeadersOf(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));
}

function preflight(url: string, origin: string, headers = 'content-type,x-api-key'): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });
}

function post(url: string, origin: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { origin, 'content-type': 'application/json', ...headers }, body: QUERY });
}

describe('CORS on the shipped default (CORS_ORIGINS unset)', () => {
  let started: StartedGateway;

  beforeAll(async () => {
    started = await startGateway({ env: NO_POLL_DURING_SUITE });
  });

  afterAll(() => started.stop());

  it('sends no CORS header to a page on another origin, so its browser withholds the answer', async () => {
    const response = await post(started.url, APP);
    expect(response.status).toBe(200);
    expect(corsHeadersOf(response)).toEqual({});
  });

  it('grants no preflight', async () => {
    const response = await preflight(started.url, APP);
    expect(response.status).toBeLessThan(500);
    expect(corsHeadersOf(response)).toEqual({});
  });
});

describe('CORS with CORS_ORIGINS naming two origins, authentication required', () => {
  let started: StartedGateway;

  beforeAll(async () => {
    started = await startGateway({
      env: { CORS_ORIGINS: `${APP},${ADMIN}`, AUTH_REQUIRED: 'true', AUTH_API_KEY_SHA256: sha256Hex(API_KEY), ...NO_POLL_DURING_SUITE },
    });
  });

  afterAll(() => started.stop());

  it.each([APP, ADMIN])(
    'answers a preflight from %s with 204, its own origin, the methods, headers and max-age, and no credentials',
    async (origin) => {
      const response = await preflight(started.url, origin);
      expect(response.status).toBe(204);
      expect(corsHeadersOf(response)).toEqual({
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET,POST',
        'access-control-allow-headers':
          'Content-Type,Authorization,X-API-Key,X-Request-Id,Apollo-Require-Preflight,X-Apollo-Operation-Name,Apollographql-Client-Name,Apollographql-Client-Version,traceparent,tracestate,baggage,Apollo-Federation-Include-Trace,Mcp-Protocol-Version',
        'access-control-max-age': '7200',
        'access-control-expose-headers': 'X-Request-Id',
      });
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
      expect(await response.text()).toBe('');
    },
  );

  it('answers the request itself with the origin, X-Request-Id exposed and Vary: Origin', async () => {
    const response = await post(started.url, APP, { 'x-api-key': API_KEY });
    expect(await response.json()).toEqual({ data: { customerInvoice: { referenceNumber: '003547' } } });
    expect(corsHeadersOf(response)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-expose-headers': 'X-Request-Id',
    });
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('lets an allowed page read a 401, so it can tell a missing key from a network failure', async () => {
    const response = await post(started.url, APP);
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it.each([
    ['an origin not on the list', STRANGER],
    ['an allowed host on another scheme', 'https://app.example.test:5173'],
    ['an allowed host on another port', 'http://app.example.test:5174'],
    ['a sandboxed page (Origin: null)', 'null'],
  ])('gives %s no CORS header on its preflight (204) nor on its request', async (_case, origin) => {
    const refused = await preflight(started.url, origin);
    expect(refused.status).toBe(204);
    expect(corsHeadersOf(refused)).toEqual({});
    expect(refused.headers.get('vary')).toMatch(/\bOrigin\b/);
    const answered = await post(started.url, origin, { 'x-api-key': API_KEY });
    expect(answered.status).toBe(200);
    expect(corsHeadersOf(answered)).toEqual({});
  });

  it.each(['/healthz', '/metrics'])('keeps CORS off %s, which is for probes and scrapers, not pages', async (path) => {
    const response = await fetch(new URL(path, started.url), { headers: { origin: APP } });
    expect(response.status).toBe(200);
    expect(corsHeadersOf(response)).toEqual({});
  });
});
