import { CONFIG_DEFAULTS } from '../../src/config';
import { encodeGlobalId } from '../../src/graphql/node/global-id';
import { GatewayHarness } from './helpers/gateway-harness';
import { NO_POLL_DURING_SUITE } from './helpers/start-gateway';

const MAX_NODE_IDS = Number(CONFIG_DEFAULTS.MAX_NODE_IDS);

const NODES = `query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on CustomerInvoice { referenceNumber amount customer { id number name } lines { id lineNumber quantity } }
    ... on InvoiceLine { lineNumber quantity }
  }
}`;

/** What Apollo Client, urql and graphql-request ask for first: a request refused before it runs is then HTTP 400. */
const GRAPHQL_RESPONSE = { accept: 'application/graphql-response+json' };

const invoiceId = (referenceNumber: string): string => encodeGlobalId({ type: 'CustomerInvoice', referenceNumber });
const lineId = (referenceNumber: string, lineNumber: number): string =>
  encodeGlobalId({ type: 'InvoiceLine', referenceNumber, lineNumber });

describe('global ids against the real gateway on the shipped defaults', () => {
  let harness: GatewayHarness;
  /** Invoices the gateway has not read yet, straight from the simulator, with their line numbers. */
  let unread: Array<{ referenceNumber: string; lineNumbers: number[] }>;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: NO_POLL_DURING_SUITE });
    const page = await harness.visma.listInvoices({ pageNumber: 3, pageSize: 50 });
    unread = page.invoices.map((invoice) => ({
      referenceNumber: invoice.referenceNumber,
      lineNumbers: invoice.lines.map((line) => line.lineNumber ?? 0),
    }));
  });

  afterAll(() => harness.stop());

  beforeEach(() => harness.control.resetCounters());

  async function vismaCalls(): Promise<number> {
    return Object.values(await harness.apiCalls()).reduce((sum, calls) => sum + calls, 0);
  }

  it('reads 20 invoices and up to three lines of each by id with 20 Visma GETs, then with none from the cache', async () => {
    const twenty = unread.slice(0, 20);
    const ids = [
      ...twenty.map((invoice) => invoiceId(invoice.referenceNumber)),
      ...twenty.flatMap((invoice) => invoice.lineNumbers.slice(0, 3).map((lineNumber) => lineId(invoice.referenceNumber, lineNumber))),
    ];
    expect(ids.length).toBeGreaterThan(40);
    expect(ids.length).toBeLessThanOrEqual(MAX_NODE_IDS);
    const first = await harness.post(NODES, { ids });
    expect(first.body.errors).toBeUndefined();
    const nodes = first.body.data?.['nodes'] as Array<{ id: string; lines?: Array<{ id: string }> }>;
    expect(nodes.map((node) => node.id)).toEqual(ids);
    // A line read by id has the id it has inside its invoice.
    const inside = new Set(nodes.flatMap((node) => node.lines?.map((line) => line.id) ?? []));
    expect(ids.slice(20).every((id) => inside.has(id))).toBe(true);
    // One GET per invoice, its lines included; the customers' number and name come with the invoice.
    expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice/{referenceNumber}': 20 });

    await harness.control.resetCounters();
    const again = await harness.post(NODES, { ids });
    expect(again.body).toEqual(first.body);
    expect(await vismaCalls()).toBe(0);
  });

  it('answers null for a line deleted since its id was read, and for an invoice Visma does not have', async () => {
    const created = await harness.post(
      `mutation { createInvoice(input: { customerNumber: "10000", lines: [{ description: "One", quantity: "1", unitPrice: "10" }, { description: "Two", quantity: "2", unitPrice: "10" }] }) {
        referenceNumber lines { id lineNumber }
      } }`,
    );
    expect(created.body.errors).toBeUndefined();
    const invoice = created.body.data?.['createInvoice'] as { referenceNumber: string; lines: Array<{ id: string; lineNumber: number }> };
    const [kept, gone] = invoice.lines;
    const deleted = await harness.post(
      'mutation ($ref: ID!, $line: Int!) { updateInvoiceLines(referenceNumber: $ref, lines: [{ operation: DELETE, lineNumber: $line }]) { lines { id } } }',
      { ref: invoice.referenceNumber, line: gone?.lineNumber },
    );
    expect(deleted.body.data?.['updateInvoiceLines']).toEqual({ lines: [{ id: kept?.id }] });
    const after = await harness.post(NODES, { ids: [gone?.id, kept?.id, invoiceId('999999')] });
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data?.['nodes']).toEqual([null, expect.objectContaining({ id: kept?.id, quantity: '1' }), null]);
  });

  describe('hostile requests', () => {
    it(`refuses ${MAX_NODE_IDS * 50} ids in one nodes with 400 and NODE_LIMIT_EXCEEDED, before any Visma call`, async () => {
      const ids = Array.from({ length: MAX_NODE_IDS * 50 }, (_, i) => invoiceId(String(i).padStart(6, '0')));
      const response = await harness.post(NODES, { ids }, GRAPHQL_RESPONSE);
      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors).toEqual([
        {
          message: expect.stringContaining(`at most ${MAX_NODE_IDS} (MAX_NODE_IDS)`),
          extensions: { code: 'NODE_LIMIT_EXCEEDED', ids: MAX_NODE_IDS * 50, limit: MAX_NODE_IDS, requestId: expect.any(String) },
        },
      ]);
      expect(await vismaCalls()).toBe(0);
    });

    it('counts every alias: ten aliases of nodes over the same 20 ids are 200 ids, refused before any Visma call', async () => {
      const ids = unread.slice(0, 20).map((invoice) => invoiceId(invoice.referenceNumber));
      const aliased = `query ($ids: [ID!]!) { ${Array.from({ length: 10 }, (_, i) => `n${i}: nodes(ids: $ids) { id }`).join(' ')} }`;
      const response = await harness.post(aliased, { ids }, GRAPHQL_RESPONSE);
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'NODE_LIMIT_EXCEEDED', ids: 200, limit: MAX_NODE_IDS });
      expect(await vismaCalls()).toBe(0);
    });

    it('refuses ids the gateway did not issue with BAD_USER_INPUT naming each, before any Visma call', async () => {
      const forged = [
        '003547',
        Buffer.from('CustomerInvoice:003547').toString('base64'),
        Buffer.from(JSON.stringify(['CustomerInvoice', '003547', 'extra'])).toString('base64url'),
        Buffer.from(JSON.stringify(['Account', '3000'])).toString('base64url'),
        'x'.repeat(100_000),
      ];
      const response = await harness.post(NODES, { ids: [invoiceId('003547'), ...forged] });
      expect(response.body.data).toBeNull();
      expect(response.body.errors).toEqual([
        expect.objectContaining({
          path: ['nodes'],
          extensions: expect.objectContaining({
            code: 'BAD_USER_INPUT',
            field: 'ids[1]',
            problems: forged.map((_, index) => expect.objectContaining({ field: `ids[${index + 1}]` })),
            requestId: expect.any(String),
          }),
        }),
      ]);
      expect(await vismaCalls()).toBe(0);
    });
  });
});
