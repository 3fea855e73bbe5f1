import { setTimeout as sleep } from 'node:timers/promises';
import { SimulatorControlClient } from '../../src/simulator/control-client';
import { CachingVismaApi } from '../../src/upstream-cache';
import { createVismaClient } from '../../src/visma';
import { DEMO_CLIENT, startSimulator } from '../../src/simulator/index';
import { GatewayHarness } from './helpers/gateway-harness';

const INVOICE = `query Invoice($ref: ID!) { customerInvoice(referenceNumber: $ref) { referenceNumber version status invoiceText lines { description } } }`;
const LIST = `query List($first: Int) { customerInvoices(first: $first) { nodes { referenceNumber invoiceText } } }`;
const CREATE = `mutation Create($input: CreateInvoiceInput!) { createInvoice(input: $input) { referenceNumber version } }`;
const UPDATE = `mutation Update($ref: ID!, $lines: [InvoiceLineChangeInput!]!) {
  updateInvoiceLines(referenceNumber: $ref, lines: $lines) { referenceNumber version lines { description } }
}`;
const RELEASE = `mutation Release($ref: ID!) { releaseInvoice(referenceNumber: $ref) { invoice { referenceNumber status } } }`;

interface Invoice {
  referenceNumber: string;
  version: string;
  status: string;
  invoiceText: string | null;
  lines: Array<{ description: string | null }>;
}

async function invoice(harness: GatewayHarness, ref: string): Promise<Invoice> {
  const response = await harness.post(INVOICE, { ref });
  expect(response.body.errors).toBeUndefined();
  return response.body.data?.['customerInvoice'] as Invoice;
}

async function createInvoice(harness: GatewayHarness): Promise<Invoice> {
  const response = await harness.post(CREATE, {
    input: { customerNumber: '10000', invoiceText: 'cache test', lines: [{ description: 'First', quantity: '1', unitPrice: '10' }] },
  });
  expect(response.body.errors).toBeUndefined();
  return response.body.data?.['createInvoice'] as Invoice;
}

describe('the upstream cache against the simulator', () => {
  describe('with a long freshness bound (no poll lands during a test)', () => {
    let harness: GatewayHarness;

    beforeAll(async () => {
      harness = await GatewayHarness.start({ env: { CACHE_FRESHNESS_MS: '600000' } });
    });
    afterAll(() => harness.stop());
    beforeEach(() => harness.control.resetCounters());

    it('answers repeated reads of an invoice with one Visma call', async () => {
      const answers = [];
      for (let i = 0; i < 5; i += 1) answers.push(await invoice(harness, '003547'));
      expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
      expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice/{referenceNumber}': 1 });
    });

    it('answers a repeated list with one call, and a detail view of a listed invoice with none', async () => {
      const first = await harness.post(LIST, { first: 5 });
      const second = await harness.post(LIST, { first: 5 });
      expect(second.body).toEqual(first.body);
      const listed = (first.body.data?.['customerInvoices'] as { nodes: Invoice[] }).nodes[2]!;
      expect((await invoice(harness, listed.referenceNumber)).invoiceText).toBe(listed.invoiceText);
      expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice': 1 });
    });

    it('shows the gateway’s own update at once, and the mutation still costs exactly 2 calls', async () => {
      const created = await createInvoice(harness);
      await invoice(harness, created.referenceNumber);
      await harness.post(LIST, { first: 5 });
      await harness.control.resetCounters();

      const response = await harness.post(UPDATE, {
        ref: created.referenceNumber,
        lines: [{ operation: 'UPDATE', lineNumber: 1, line: { description: 'Renamed' } }],
      });
      expect(response.body.errors).toBeUndefined();
      expect(await harness.apiCalls()).toEqual({
        'PUT /v1/customerinvoice/{referenceNumber}': 1,
        'GET /v1/customerinvoice/{referenceNumber}': 1,
      });
      const updated = response.body.data?.['updateInvoiceLines'] as Invoice;
      const read = await invoice(harness, created.referenceNumber);
      expect(read.lines).toEqual([{ description: 'Renamed' }]);
      expect(read.version).toBe(updated.version);
      await harness.post(LIST, { first: 5 });
      // The read after the mutation is the cached read-back; the list was dropped by the write.
      expect(await harness.apiCalls()).toEqual({
        'PUT /v1/customerinvoice/{referenceNumber}': 1,
        'GET /v1/customerinvoice/{referenceNumber}': 1,
        'GET /v1/customerinvoice': 1,
      });
    });

    it('shows the gateway’s own release at once, for 2 calls', async () => {
      const created = await createInvoice(harness);
      expect((await invoice(harness, created.referenceNumber)).status).toBe('BALANCED');
      await harness.control.resetCounters();
      const response = await harness.post(RELEASE, { ref: created.referenceNumber });
      expect(response.body.data?.['releaseInvoice']).toEqual({ invoice: { referenceNumber: created.referenceNumber, status: 'OPEN' } });
      expect((await invoice(harness, created.referenceNumber)).status).toBe('OPEN');
      expect(await harness.apiCalls()).toEqual({
        'POST /v1/customerinvoice/{referenceNumber}/action/release': 1,
        'GET /v1/customerinvoice/{referenceNumber}': 1,
      });
    });

    it('sends identical reads from concurrent requests to Visma once', async () => {
      await harness.control.addFault({ route: 'GET /v1/customerinvoice/{referenceNumber}', kind: 'latency', latencyMs: 300 });
      try {
        const answers = await Promise.all(Array.from({ length: 6 }, () => invoice(harness, '003548')));
        expect(answers.every((answer) => answer.referenceNumber === '003548')).toBe(true);
        expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice/{referenceNumber}': 1 });
      } finally {
        await harness.control.clearFaults();
      }
    });
  });

  describe('with a 2 s freshness bound', () => {
    const BOUND_MS = 2_000;
    let harness: GatewayHarness;

    beforeAll(async () => {
      harness = await GatewayHarness.start({ env: { CACHE_FRESHNESS_MS: String(BOUND_MS) } });
    });
    afterAll(() => harness.stop());

    it('shows an edit made directly in Visma once the bound has passed, and keeps polling meanwhile', async () => {
      const before = await invoice(harness, '003560');
      await harness.control.resetCounters();
      const marker = `edited elsewhere ${Date.now()}`;
      await harness.control.editInvoice('003560', { invoiceText: marker });
      await sleep(BOUND_MS + 50);
      const after = await invoice(harness, '003560');
      expect(before.invoiceText).not.toBe(marker);
      expect(after.invoiceText).toBe(marker);
      expect((await harness.apiCalls())['GET /v1/customerinvoice']).toBeGreaterThanOrEqual(1);
    });
  });

  describe('with CACHE_ENABLED=false', () => {
    let harness: GatewayHarness;

    beforeAll(async () => {
      harness = await GatewayHarness.start({ env: { CACHE_ENABLED: 'false' } });
    });
    afterAll(() => harness.stop());

    it('sends every read to Visma', async () => {
      await harness.control.resetCounters();
      for (let i = 0; i < 3; i += 1) await invoice(harness, '003547');
      await harness.post(LIST, { first: 5 });
      await harness.post(LIST, { first: 5 });
      expect(await harness.apiCalls()).toEqual({
        'GET /v1/customerinvoice/{referenceNumber}': 3,
        'GET /v1/customerinvoice': 2,
      });
    });
  });

  describe('the change poll over HTTP', () => {
    it('finds an edit made directly in Visma through the lastModifiedDateTime filter (company time), with no re-read', async () => {
      // The cache on its own over a real client and simulator; the gateway's wiring of it is the suite above.
      const simulator = await startSimulator({ port: 0 });
      const client = createVismaClient({
        baseUrl: simulator.url,
        auth: { mode: 'client_credentials', tokenUrl: `${simulator.url}/connect/token`, ...DEMO_CLIENT },
      });
      // A bound far beyond the test: the edit can only arrive through a poll, never through expiry.
      const cache = new CachingVismaApi(client, {
        enabled: true,
        freshnessMs: 600_000,
        maxEntries: 100,
        maxBytes: 64 * 1024 * 1024,
        maxAgeMs: 600_000,
        pollIntervalMs: 200,
        auth: { mode: 'client_credentials', scope: 'cc:demo' },
      });
      const control = new SimulatorControlClient(simulator.url);
      try {
        const before = await cache.getInvoice('003561');
        const marker = `edited elsewhere ${Date.now()}`;
        await control.editInvoice('003561', { invoiceText: marker });
        let seen = before.invoiceText;
        for (let tries = 0; tries < 100 && seen !== marker; tries += 1) {
          await sleep(50);
          seen = (await cache.getInvoice('003561')).invoiceText;
        }
        expect(seen).toBe(marker);
        const counters = await control.counters();
        expect(counters['GET /v1/customerinvoice/{referenceNumber}']?.total).toBe(1);
        expect(counters['GET /v1/customerinvoice']?.total).toBeGreaterThanOrEqual(1);
      } finally {
        cache.close();
        client.close();
        await simulator.close();
      }
    });
  });
});
