import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { GatewayProcess, ensureBuilt } from '../integration/helpers/gateway-process';
import { launchChromium } from './support/chromium';
import { servePage, type ServedPage } from './support/serve-page';

const INVOICE = '003547';
const SUBSCRIPTION = `subscription Live($ref: ID!) {
  invoiceChanged(filter: { referenceNumber: $ref }) { kind invoice { invoiceText lines { lineNumber quantity } } }
}`;

/**
 * A web app on an origin of its own, as a frontend team would build one: graphql-sse's own browser
 * client (its UMD build, served from node_modules; the package's export map hides the file, so it is found beside package.json) subscribes to one invoice over SSE and shows
 * each event as a list item `kind|invoiceText|quantity of line 1`.
 */
function serveLivePage(gatewayUrl: () => string): Promise<ServedPage> {
  const client = readFileSync(path.join(path.dirname(require.resolve('graphql-sse/package.json')), 'umd', 'graphql-sse.min.js'), 'utf8');
  const scripts = { '/graphql-sse.js': client };
  return servePage(() => {
    const settings = JSON.stringify({ url: gatewayUrl(), query: SUBSCRIPTION, variables: { ref: INVOICE } });
    return `<!doctype html><html><head><meta charset="utf-8"><title>Live invoice</title></head><body>
<p id="state">connecting</p>
<ul id="events"></ul>
<script src="/graphql-sse.js"></script>
<script>
  const settings = ${settings};
  const client = graphqlSse.createClient({
    url: settings.url,
    retryAttempts: 0,
    on: { connected: () => { document.getElementById('state').textContent = 'connected'; } },
  });
  client.subscribe({ query: settings.query, variables: settings.variables }, {
    next: (result) => {
      const item = document.createElement('li');
      const change = result.data && result.data.invoiceChanged;
      item.textContent = change
        ? [change.kind, change.invoice.invoiceText, (change.invoice.lines.find((line) => line.lineNumber === 1) || {}).quantity].join('|')
        : 'error|' + JSON.stringify(result.errors);
      document.getElementById('events').appendChild(item);
    },
    error: (error) => { document.getElementById('state').textContent = 'error: ' + String(error && error.message || error); },
    complete: () => { document.getElementById('state').textContent = 'complete'; },
  });
</script></body></html>`;
  }, scripts);
}

/**
 * `npm start` as shipped (the startup snapshot in demo mode, its embedded simulator subscribed to the
 * gateway's webhook receiver), with the page's origin in CORS_ORIGINS. Another client changes the
 * invoice, through the gateway or "in Visma"; the page must show it. Issue 16 asks for "within a
 * second": each time is printed and reported, never asserted, since a loaded machine would fail a
 * timed test for nothing the gateway did (bench/webhook-staleness.js measures the same path).
 */
describe('a page subscribed to an invoice over SSE, in Chromium', () => {
  let site: ServedPage;
  let gateway: GatewayProcess;
  let simulator: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureBuilt();
    site = await serveLivePage(() => gateway.url);
    gateway = await GatewayProcess.start({ CORS_ORIGINS: site.origin });
    const ready = gateway.logs.find((entry) => String(entry['msg']).startsWith('GraphQL gateway ready'));
    simulator = String(ready?.['simulator']);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(site.origin);
    await page.locator('#state', { hasText: 'connected' }).waitFor({ timeout: 15_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await site?.close();
  });

  /** Waits for the page to list `text` (a generous bound, so only a lost event fails) and prints how long it took. */
  async function shows(text: string, since: number, what: string): Promise<void> {
    await page.locator('#events li', { hasText: text }).waitFor({ timeout: 10_000 });
    process.stdout.write(`live page: ${what} showed after ${Date.now() - since} ms\n`);
  }

  it('shows a line change another client made through the gateway (updateInvoiceLines)', async () => {
    const { data } = await gateway.post(`{ customerInvoice(referenceNumber: "${INVOICE}") { version } }`, {}, {});
    const version = (data?.['customerInvoice'] as { version: string }).version;
    const sent = Date.now();
    const answer = await gateway.post(
      `mutation Change($ref: ID!, $version: String!) {
        updateInvoiceLines(referenceNumber: $ref, expectedVersion: $version, lines: [{ operation: UPDATE, lineNumber: 1, line: { quantity: "7" } }]) { version }
      }`,
      { ref: INVOICE, version },
      {},
    );
    expect(answer.errors).toBeUndefined();
    await shows('UPDATED|Consulting January|7', sent, 'a line change through the gateway');
  });

  it('shows an edit made in Visma (the embedded simulator, through its webhook)', async () => {
    const edited = Date.now();
    const patched = await fetch(`${simulator}/_simulator/invoices/${INVOICE}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invoiceText: 'edited in Visma, seen live' }),
    });
    expect(patched.ok).toBe(true);
    await shows('|edited in Visma, seen live|7', edited, 'an edit in the embedded simulator');
    expect(await page.locator('#state').innerText()).toBe('connected');
  });
});
