import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { OpsGateway } from '../integration/helpers/ops-gateway';
import { launchChromium } from './support/chromium';

/** What the test saw, for a person to look at: test/artifacts/ is not committed. */
const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');

describe('the playground in a real browser', () => {
  let gateway: OpsGateway;
  let browser: Browser;

  beforeAll(async () => {
    // The harness holds client credentials (production-like), so the demo defaults are set explicitly:
    // the playground's docs explorer and editor hints need introspection.
    gateway = await OpsGateway.start({ env: { PLAYGROUND: 'true', GRAPHQL_INTROSPECTION: 'true' } });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it('runs the list query from the opening tab and shows invoice data, requesting nothing outside the gateway', async () => {
    const origin = new URL(gateway.url).origin;
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (answer) => {
      if (answer.status() >= 400) problems.push(`${answer.status()} for ${answer.url()}`);
    });

    await page.goto(gateway.url, { waitUntil: 'load' });
    const answered = page.waitForResponse((answer) => answer.request().postDataJSON()?.operationName === 'ListInvoices');
    await page.locator('.graphiql-execute-button').click();
    const sent = (await answered).request().postDataJSON() as { variables: unknown };
    const body = (await (await answered).json()) as { data: { customerInvoices: { nodes: unknown[] } } };
    const response = page.locator('.graphiql-response');
    await response.getByText('"referenceNumber"').first().waitFor({ timeout: 15_000 });
    const shown = await response.innerText();

    // The docs explorer reads the schema through introspection and shows its descriptions.
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).click();
    await page.getByText('Invoices matching a filter, a page at a time').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground.png') });

    expect(shown).toContain('"customerInvoices"');
    expect(shown).toContain('"status": "OPEN"');
    // The opening tab's variables (operations/list-invoices.variables.json) were sent and used.
    expect(sent.variables).toEqual({ first: 5, filter: { status: 'OPEN' } });
    expect(body.data.customerInvoices.nodes).toHaveLength(5);
    expect(shown).not.toContain('"errors"');
    const outside = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    expect(requested).toContain(`${origin}/playground/graphiql.min.js`);
  });
});
