import type { Browser } from 'playwright-core';
import { sha256Hex } from '../../src/server/auth/inbound-auth';
import { startGateway, type StartedGateway } from '../integration/helpers/start-gateway';
import { launchChromium } from './support/chromium';
import { servePage, type ServedPage } from './support/serve-page';

const API_KEY = 'cors-browser-api-key-7f3a9c2e51';
const QUERY = '{ customerInvoice(referenceNumber: "003547") { referenceNumber } }';

/** What the page's script saw: each request's status, readable headers and body, or the error fetch threw. */
interface PageResult {
  post?: { status: number; requestId: string | null; body: unknown };
  get?: { status: number; body: unknown };
  error?: { name: string; message: string };
}

/**
 * A web app on an origin of its own: a node:http server on another port, serving one page whose
 * script calls the gateway as a frontend would, with a JSON body and the API key in a header (a
 * request the browser must preflight), then runs the same query over GET with the key, as urql
 * sends queries. `?credentials=include` makes it send cookies as well.
 */
function servePageOrigin(gatewayUrl: () => string): Promise<ServedPage> {
  return servePage((url) => {
    const credentials = url.searchParams.get('credentials') ?? 'same-origin';
    const settings = JSON.stringify({ url: gatewayUrl(), apiKey: API_KEY, query: QUERY, credentials });
    return `<!doctype html><html><head><meta charset="utf-8"><title>CORS probe</title></head><body>
<pre id="result"></pre>
<script>
  const settings = ${settings};
  async function run() {
    try {
      const answer = await fetch(settings.url, {
        method: 'POST',
        credentials: settings.credentials,
        headers: { 'content-type': 'application/json', 'x-api-key': settings.apiKey },
        body: JSON.stringify({ query: settings.query }),
      });
      const post = { status: answer.status, requestId: answer.headers.get('x-request-id'), body: await answer.json() };
      const overGet = await fetch(settings.url + '?query=' + encodeURIComponent(settings.query), {
        credentials: settings.credentials,
        headers: { 'x-api-key': settings.apiKey },
      });
      return { post, get: { status: overGet.status, body: await overGet.json() } };
    } catch (error) {
      return { error: { name: error.name, message: error.message } };
    }
  }
  run().then((result) => { document.getElementById('result').textContent = JSON.stringify(result); });
</script></body></html>`;
  });
}

describe('a web app on another origin, in Chromium', () => {
  let allowed: ServedPage;
  let stranger: ServedPage;
  let gateway: StartedGateway;
  let browser: Browser;

  beforeAll(async () => {
    allowed = await servePageOrigin(() => gateway.url);
    stranger = await servePageOrigin(() => gateway.url);
    // The shipped defaults, with the one origin allowed and an API key required, by name.
    gateway = await startGateway({
      env: { CORS_ORIGINS: allowed.origin, AUTH_REQUIRED: 'true', AUTH_API_KEY_SHA256: sha256Hex(API_KEY) },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await stranger?.close();
    await allowed?.close();
  });

  /** Opens the page, waits for its script to finish, and returns what it saw and what Chromium logged. */
  async function visit(url: string): Promise<{ result: PageResult; console: string[] }> {
    const page = await browser.newPage();
    const logged: string[] = [];
    page.on('console', (message) => logged.push(message.text()));
    try {
      await page.goto(url);
      const result = page.locator('#result');
      await result.filter({ hasText: /\S/ }).waitFor({ timeout: 15_000 });
      return { result: JSON.parse(await result.innerText()) as PageResult, console: logged };
    } finally {
      await page.close();
    }
  }

  it('reads the answer and its X-Request-Id, over POST and over GET, when the page’s origin is in CORS_ORIGINS', async () => {
    const { result } = await visit(allowed.origin);
    expect(result.error).toBeUndefined();
    const data = { data: { customerInvoice: { referenceNumber: '003547' } } };
    expect(result.post).toEqual({ status: 200, requestId: expect.stringMatching(/\S/), body: data });
    expect(result.get).toEqual({ status: 200, body: data });
  });

  it('is blocked by the browser (fetch throws a TypeError) when the page’s origin is not in CORS_ORIGINS', async () => {
    const { result, console } = await visit(stranger.origin);
    expect(result.post).toBeUndefined();
    expect(result.error?.name).toBe('TypeError');
    expect(console.join('\n')).toMatch(new RegExp(`from origin '${stranger.origin}' has been blocked by CORS policy`));
  });

  it('is blocked when the page sends cookies (credentials: include): the gateway never allows credentials', async () => {
    const { result, console } = await visit(`${allowed.origin}/?credentials=include`);
    expect(result.error?.name).toBe('TypeError');
    expect(console.join('\n')).toMatch(/Access-Control-Allow-Credentials/);
  });
});
