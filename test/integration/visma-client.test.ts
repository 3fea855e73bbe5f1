/**
 * The Visma client against the real simulator over HTTP on loopback (port 0). Nothing is mocked:
 * tokens, paging, wrappers, ETags, errors and rate limits all come from the simulator.
 */
import { createVismaClient, type VismaClient } from '../../src/visma/client';
import {
  VismaConflictError,
  VismaNotFoundError,
  VismaProtocolError,
  VismaRateLimitedError,
  VismaUnauthenticatedError,
  VismaUnavailableError,
  VismaValidationError,
  type VismaError,
} from '../../src/visma/errors';
import { HTTP_TRANSPORTS } from '../../src/visma/http';
import type { VismaClientConfig } from '../../src/visma/options';
import { SimulatorControlClient } from '../../src/simulator/control-client';
import { DEMO_CLIENT, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator';

const TOKEN_ROUTE = 'POST /connect/token';
const GET_ROUTE = 'GET /v1/customerinvoice/{referenceNumber}';
const LIST_ROUTE = 'GET /v1/customerinvoice';
const CREATE_ROUTE = 'POST /v2/customerinvoice';

interface Harness {
  simulator: RunningSimulator;
  control: SimulatorControlClient;
  client: VismaClient;
}

async function start(simulatorOptions: SimulatorOptions = {}, clientOptions: Partial<VismaClientConfig> = {}): Promise<Harness> {
  const simulator = await startSimulator({ port: 0, invoiceCount: 120, ...simulatorOptions });
  const client = createVismaClient({
    baseUrl: simulator.url,
    auth: {
      mode: 'client_credentials',
      tokenUrl: `${simulator.url}/connect/token`,
      clientId: DEMO_CLIENT.clientId,
      clientSecret: DEMO_CLIENT.clientSecret,
      tenantId: DEMO_CLIENT.tenantId,
    },
    attemptTimeoutMs: 5_000,
    deadlineMs: 10_000,
    ...clientOptions,
  });
  return { simulator, control: new SimulatorControlClient(simulator.url), client };
}

async function stop(harness: Harness | undefined): Promise<void> {
  harness?.client.close();
  await harness?.simulator.close();
}

async function caught(promise: Promise<unknown>): Promise<VismaError> {
  try {
    await promise;
  } catch (error) {
    return error as VismaError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

async function calls(control: SimulatorControlClient, route: string): Promise<number> {
  return (await control.counters())[route]?.total ?? 0;
}

// Every read, write and fault through each HTTP transport the client can send with.
describe.each(HTTP_TRANSPORTS)('VismaClient against the simulator over %s', (transport) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await start({}, { transport });
  });

  afterAll(async () => {
    await stop(harness);
  });

  beforeEach(async () => {
    await harness.control.reset();
  });

  describe('reads', () => {
    it('pages a filtered list to its end, and the total matches what was read', async () => {
      const { client, control } = harness;
      const pageSize = 7;
      const seen = new Set<string>();
      let totalCount: number | null = null;
      let pages = 0;
      let requests = 0;
      for (let pageNumber = 1; ; pageNumber += 1) {
        const page = await client.listInvoices({ filter: { customerNumber: '10000' }, pageNumber, pageSize });
        requests += 1;
        if (page.invoices.length === 0) break;
        pages += 1;
        totalCount ??= page.totalCount;
        expect(page.maxPageSize).toBe(1000);
        for (const invoice of page.invoices) {
          expect(invoice.customer?.number).toBe('10000');
          seen.add(invoice.referenceNumber);
        }
        if (page.invoices.length < pageSize) break;
      }

      expect(totalCount).not.toBeNull();
      expect(totalCount).toBeGreaterThan(pageSize);
      expect(seen.size).toBe(totalCount);
      expect(pages).toBe(Math.ceil((totalCount as number) / pageSize));
      expect(await calls(control, LIST_ROUTE)).toBe(requests);
    });

    it('reads a date-filtered list in company time', async () => {
      const page = await harness.client.listInvoices({
        filter: { documentDate: { operator: '>=', value: '2000-01-01' } },
        pageNumber: 1,
        pageSize: 5,
      });

      expect(page.invoices).toHaveLength(5);
      for (const invoice of page.invoices) {
        expect(invoice.documentDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(invoice.lastModifiedDateTime).toMatch(/T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/);
        for (const line of invoice.lines) expect(line.amount).toMatch(/^-?\d+(\.\d+)?$/);
      }
    });

    it('reads the same invoice from the expanded list and by number, and its customer', async () => {
      const expandAll = { applications: true, attachments: true, taxDetails: true, invoiceAddress: true, dunningInformation: true };
      const [first] = (await harness.client.listInvoices({ pageNumber: 1, pageSize: 1, expand: expandAll })).invoices;
      const invoice = await harness.client.getInvoice(first?.referenceNumber ?? '');
      const customer = await harness.client.getCustomer(invoice.customer?.number ?? '');

      expect(invoice).toEqual(first);
      expect(invoice.version).not.toBeNull();
      expect(customer.number).toBe(invoice.customer?.number);
      expect(customer.name).toBe(invoice.customer?.name);
    });

    it('reports a missing invoice as not found', async () => {
      const error = await caught(harness.client.getInvoice('999999999'));

      expect(error).toBeInstanceOf(VismaNotFoundError);
      expect(error.status).toBe(404);
    });
  });

  describe('writes', () => {
    it('creates an invoice, reads its number from Location and gets it back', async () => {
      const created = await harness.client.createInvoice({
        customerNumber: '10000',
        documentDate: '2025-01-27',
        invoiceText: 'Payment for potatoes',
        lines: [{ inventoryNumber: '222', quantity: '500', uom: 'STK' }],
      });
      const invoice = await harness.client.getInvoice(created.referenceNumber);

      expect(created.referenceNumber).not.toBe('');
      expect(invoice).toMatchObject({
        referenceNumber: created.referenceNumber,
        customer: { number: '10000' },
        documentDate: '2025-01-27',
        invoiceText: 'Payment for potatoes',
      });
      expect(invoice.lines).toEqual([expect.objectContaining({ lineNumber: 1, inventoryNumber: '222', quantity: '500', uom: 'STK' })]);
      if (created.version !== null) expect(invoice.version).toBe(created.version);
    });

    it('inserts, updates and deletes lines with the current version', async () => {
      const { client } = harness;
      const { referenceNumber } = await client.createInvoice({
        customerNumber: '10000',
        lines: [
          { description: 'First', quantity: '1', unitPriceInCurrency: '100' },
          { description: 'Second', quantity: '2', unitPriceInCurrency: '50.25' },
        ],
      });
      const before = await client.getInvoice(referenceNumber);

      const updated = await client.updateInvoice(
        referenceNumber,
        {
          invoiceText: 'Changed',
          lineChanges: [
            { operation: 'Update', lineNumber: 1, line: { description: 'First, renamed', quantity: '3' } },
            { operation: 'Delete', lineNumber: 2 },
            { operation: 'Insert', line: { description: 'Third', quantity: '0.5', unitPriceInCurrency: '19.99' } },
          ],
        },
        { ifMatch: before.version ?? undefined },
      );
      const after = await client.getInvoice(referenceNumber);

      expect(updated.version).not.toBeNull();
      expect(updated.version).not.toBe(before.version);
      expect(after.version).toBe(updated.version);
      expect(after.invoiceText).toBe('Changed');
      expect(after.lines.map((line) => [line.description, line.quantity, line.unitPriceInCurrency])).toEqual([
        ['First, renamed', '3', '100'],
        ['Third', '0.5', '19.99'],
      ]);
    });

    it('refuses an update with a stale If-Match as a conflict', async () => {
      const { client, control } = harness;
      const [invoice] = (await client.listInvoices({ filter: { status: 'Balanced' }, pageNumber: 1, pageSize: 1 })).invoices;
      const referenceNumber = invoice?.referenceNumber ?? '';
      const stale = invoice?.version ?? '';
      await control.editInvoice(referenceNumber, { note: 'edited in Visma meanwhile' });

      const error = await caught(client.updateInvoice(referenceNumber, { invoiceText: 'mine' }, { ifMatch: stale }));

      expect(error).toBeInstanceOf(VismaConflictError);
      expect(error.status).toBe(412);
      expect((await client.getInvoice(referenceNumber)).invoiceText).not.toBe('mine');
    });

    it("reports a rule violation as a validation error with Visma's message and VismaId", async () => {
      const error = await caught(harness.client.createInvoice({ customerNumber: 'NO-SUCH-CUSTOMER', lines: [{ description: 'x' }] }));

      expect(error).toBeInstanceOf(VismaValidationError);
      expect(error.status).toBe(400);
      expect(error.message).toContain("Customer 'NO-SUCH-CUSTOMER' cannot be found in the system.");
      expect(error.message).not.toContain('VismaId');
      expect(error.vismaId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('releases a balanced invoice', async () => {
      const { client } = harness;
      const { referenceNumber } = await client.createInvoice({
        customerNumber: '10000',
        lines: [{ description: 'x', quantity: '1', unitPriceInCurrency: '10' }],
      });

      const result = await client.releaseInvoice(referenceNumber);

      expect(result.result).toBe('Done');
      expect((await client.getInvoice(referenceNumber)).status).toBe('Open');
    });

    it('does not repeat a create whose answer was lost, and says its outcome is unknown', async () => {
      const { client, control } = harness;
      await control.addFault({ route: CREATE_ROUTE, kind: 'dropAfterCommit', times: 1 });
      const countBefore = (await client.listInvoices({ filter: { customerNumber: '10001' }, pageNumber: 1, pageSize: 1 })).totalCount ?? 0;

      const error = await caught(client.createInvoice({ customerNumber: '10001', lines: [{ description: 'lost answer' }] }));
      const countAfter = (await client.listInvoices({ filter: { customerNumber: '10001' }, pageNumber: 1, pageSize: 1 })).totalCount;

      expect(error.outcome).toBe('unknown');
      expect(await calls(control, CREATE_ROUTE)).toBe(1);
      expect(countAfter).toBe(countBefore + 1);
    });
  });

  describe('faults', () => {
    it('retries a GET after a connection reset', async () => {
      const { client, control } = harness;
      const [first] = (await client.listInvoices({ pageNumber: 1, pageSize: 1 })).invoices;
      await control.addFault({ route: GET_ROUTE, kind: 'reset', times: 1 });

      await expect(client.getInvoice(first?.referenceNumber ?? '')).resolves.toMatchObject({
        referenceNumber: first?.referenceNumber,
      });
      expect(await calls(control, GET_ROUTE)).toBe(2);
    });

    it('gives up on a GET after three 503s', async () => {
      const { client, control } = harness;
      await control.addFault({ route: GET_ROUTE, kind: 'status', status: 503, times: 5 });

      const error = await caught(client.getInvoice('000001'));

      expect(error).toBeInstanceOf(VismaUnavailableError);
      expect(await calls(control, GET_ROUTE)).toBe(3);
    });

    it('reports a malformed 200 as a protocol error', async () => {
      const { client, control } = harness;
      await control.addFault({ route: GET_ROUTE, kind: 'malformed', times: 1 });

      expect(await caught(client.getInvoice('000001'))).toBeInstanceOf(VismaProtocolError);
    });

    it('waits out a 429 whose Retry-After fits the deadline', async () => {
      const { client, control } = harness;
      const [first] = (await client.listInvoices({ pageNumber: 1, pageSize: 1 })).invoices;
      await control.addFault({ route: GET_ROUTE, kind: 'rateLimited', retryAfterSeconds: 0, times: 1 });

      await client.getInvoice(first?.referenceNumber ?? '');

      expect((await control.counters())[GET_ROUTE]?.byStatus).toMatchObject({ '429': 1, '200': 1 });
    });
  });

  describe('rate limit', () => {
    it('reports a spent window as rate limited with Retry-After, and remembers the headers', async () => {
      const { client, control } = harness;
      await control.updateSettings({ rateLimit: { limit: 3, windowSeconds: 600 } });
      for (let i = 0; i < 3; i += 1) await client.listInvoices({ pageNumber: 1, pageSize: 1 });

      expect(client.rateLimit()).toMatchObject({ limit: 3, remaining: 0 });
      const error = await caught(client.listInvoices({ pageNumber: 1, pageSize: 1 }));

      expect(error).toBeInstanceOf(VismaRateLimitedError);
      const retryAfter = (error as VismaRateLimitedError).retryAfterSeconds;
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(600);
      expect(await calls(control, LIST_ROUTE)).toBe(4);
    });
  });
});

describe('VismaClient tokens against the simulator', () => {
  let harness: Harness | undefined;
  let clock = 0;

  beforeEach(async () => {
    clock = Date.parse('2025-01-27T12:00:00Z');
    const now = (): number => clock;
    harness = await start({ tokenLifetimeSeconds: 60, now }, { now, tokenRefreshMarginMs: 10_000 });
  });

  afterEach(async () => {
    await stop(harness);
  });

  it('reuses its token until shortly before expiry, then fetches a new one', async () => {
    const { client, control } = harness as Harness;

    await client.listInvoices({ pageNumber: 1, pageSize: 1 });
    clock += 45_000;
    await client.listInvoices({ pageNumber: 1, pageSize: 1 });
    expect(await calls(control, TOKEN_ROUTE)).toBe(1);

    clock += 10_000;
    await client.listInvoices({ pageNumber: 1, pageSize: 1 });
    expect(await calls(control, TOKEN_ROUTE)).toBe(2);
  });

  it('recovers from a token the simulator no longer accepts with one refresh', async () => {
    const { client, control } = harness as Harness;
    await client.listInvoices({ pageNumber: 1, pageSize: 1 });
    // The simulator's clock runs ahead, so the token expires there before the client expects it.
    await control.advanceClock(120);

    await client.listInvoices({ pageNumber: 1, pageSize: 1 });

    expect((await control.counters())[LIST_ROUTE]?.byStatus).toMatchObject({ '200': 2, '401': 1 });
    expect(await calls(control, TOKEN_ROUTE)).toBe(2);
  });

  it('recovers from revoked tokens with one refresh', async () => {
    const { client, control } = harness as Harness;
    await client.listInvoices({ pageNumber: 1, pageSize: 1 });
    await control.revokeTokens();

    await client.listInvoices({ pageNumber: 1, pageSize: 1 });

    expect(await calls(control, TOKEN_ROUTE)).toBe(2);
  });
});

describe('VismaClient credentials against the simulator', () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await stop(harness);
    harness = undefined;
  });

  it('reports a wrong client secret as unauthenticated, without the secret', async () => {
    harness = await start();
    const simulator = harness.simulator;
    const client = createVismaClient({
      baseUrl: simulator.url,
      auth: {
        mode: 'client_credentials',
        tokenUrl: `${simulator.url}/connect/token`,
        clientId: DEMO_CLIENT.clientId,
        clientSecret: 'wrong-secret-123',
        tenantId: DEMO_CLIENT.tenantId,
      },
    });
    try {
      const error = await caught(client.listInvoices({ pageNumber: 1, pageSize: 1 }));

      expect(error).toBeInstanceOf(VismaUnauthenticatedError);
      expect(error.message).not.toContain('wrong-secret-123');
    } finally {
      client.close();
    }
  });

  it('reports a passthrough token the simulator does not know as unauthenticated', async () => {
    harness = await start({}, { auth: { mode: 'passthrough' } });

    const error = await caught(harness.client.listInvoices({ pageNumber: 1, pageSize: 1 }, { accessToken: 'not-a-token' }));

    expect(error).toBeInstanceOf(VismaUnauthenticatedError);
    expect(error.status).toBe(401);
    expect(await calls(harness.control, LIST_ROUTE)).toBe(1);
  });
});
