import { setTimeout as sleep } from 'node:timers/promises';
import { VismaUnreadableRecordError } from '../../src/visma/errors';
import { isUnreadable, pageItems } from '../../src/visma/model';
import { GatewayHarness, type GraphQLResponse } from './helpers/gateway-harness';

/**
 * One unreadable record, as the attack of issue 13 left one: a create straight to Visma (the
 * test's own client, so the gateway's validation is bypassed) with documentDate 9999-12-31,
 * whose due date Visma derives and stores in year 10000. Against the shipped defaults (cache,
 * change poll, limits as `npm start` runs them): its neighbours, the single read, the poll and
 * the refusal of the same input at the gateway.
 */

const CUSTOMER = '10000';
const WINDOW = `query Window($filter: CustomerInvoiceFilter, $first: Int, $after: String) {
  customerInvoices(filter: $filter, first: $first, after: $after) {
    totalCount
    nodes { referenceNumber }
    edges { cursor node { referenceNumber } }
    pageInfo { startCursor endCursor hasNextPage }
  }
}`;
const NODES = `query Nodes($filter: CustomerInvoiceFilter, $first: Int, $after: String) {
  customerInvoices(filter: $filter, first: $first, after: $after) { nodes { referenceNumber invoiceText } }
}`;
const INVOICE = `query Invoice($ref: ID!) { customerInvoice(referenceNumber: $ref) { referenceNumber invoiceText } }`;
const CREATE = `mutation Create($input: CreateInvoiceInput!) { createInvoice(input: $input) { referenceNumber } }`;

interface Window {
  totalCount: number;
  nodes: Array<{ referenceNumber: string } | null>;
  edges: Array<{ cursor: string; node: { referenceNumber: string } | null }>;
  pageInfo: { startCursor: string | null; endCursor: string | null; hasNextPage: boolean };
}

describe('one invoice Visma holds that the gateway cannot read', () => {
  let harness: GatewayHarness;
  /** The unreadable invoice, and the good ones just before and after it in the customer's list. */
  let bad: string;
  let before: string;
  let after: string;
  /** Its place in the customer's list. */
  let position: number;
  let total: number;

  beforeAll(async () => {
    harness = await GatewayHarness.start();
    const created = await harness.visma.createInvoice({
      customerNumber: CUSTOMER,
      documentDate: '9999-12-31',
      invoiceText: 'year 10000 due date',
      lines: [{ description: 'Attack', quantity: '1', unitPriceInCurrency: '1' }],
    });
    bad = created.referenceNumber;
    const next = await harness.visma.createInvoice({
      customerNumber: CUSTOMER,
      invoiceText: 'after the bad one',
      lines: [{ description: 'Neighbour', quantity: '1', unitPriceInCurrency: '1' }],
    });
    // Ground truth from Visma itself, so the test does not assume the list's order.
    const page = await harness.visma.listInvoices({ filter: { customerNumber: CUSTOMER }, pageNumber: 1, pageSize: 1000 });
    const numbers = pageItems(page).map((item) => (isUnreadable(item) ? `!${item.referenceNumber}` : item.referenceNumber));
    position = numbers.indexOf(`!${bad}`);
    total = numbers.length;
    before = numbers[position - 1] ?? '';
    after = numbers[position + 1] ?? '';
    expect(page.totalCount).toBe(total);
    expect(numbers.filter((number) => number.startsWith('!'))).toEqual([`!${bad}`]);
    expect(position).toBeGreaterThan(0);
    expect(after).toBe(next.referenceNumber);
  });
  afterAll(() => harness.stop());

  it('is one the simulator stores and renders as Visma would, with a due date in year 10000 that cannot be read back', async () => {
    const error = await harness.visma.getInvoice(bad).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(VismaUnreadableRecordError);
    expect((error as Error).message).toBe('Visma sent "10000-01-30T00:00:00" for invoice.documentDueDate; expected an ISO 8601 date-time.');
  });

  it('fails only itself in a list page: one error at its path, its neighbours intact, positions unchanged', async () => {
    const filter = { customerNumber: CUSTOMER };
    const whole = await harness.post(WINDOW, { filter, first: total });
    const list = whole.body.data?.['customerInvoices'] as Window;

    expect(list.totalCount).toBe(total);
    expect(list.nodes).toHaveLength(total);
    expect(list.nodes[position]).toBeNull();
    expect(list.nodes.filter((node) => node === null)).toHaveLength(1);
    expect(list.edges[position]).toEqual({ cursor: expect.any(String) as string, node: null });
    expect(unreadableErrors(whole)).toEqual([
      { path: ['customerInvoices', 'nodes', position], referenceNumber: bad },
      { path: ['customerInvoices', 'edges', position, 'node'], referenceNumber: bad },
    ]);

    // A page of three around it, after the cursor two rows before it: the same rows in the same places.
    const around = await harness.post(WINDOW, { filter, first: 3, after: list.edges[position - 2]?.cursor });
    const page = around.body.data?.['customerInvoices'] as Window;
    expect(page.nodes).toEqual([{ referenceNumber: before }, null, { referenceNumber: after }]);
    expect(page.edges.map((edge) => edge.cursor)).toEqual(list.edges.slice(position - 1, position + 2).map((edge) => edge.cursor));
    expect(page.pageInfo.endCursor).toBe(list.edges[position + 1]?.cursor);
    expect(unreadableErrors(around).map((error) => error.path)).toEqual([
      ['customerInvoices', 'nodes', 1],
      ['customerInvoices', 'edges', 1, 'node'],
    ]);

    // Only nodes selected: exactly one error, the rest of the page as data.
    const nodesOnly = await harness.post(NODES, { filter, first: 3, after: list.edges[position - 2]?.cursor });
    expect(nodesOnly.body.errors).toHaveLength(1);
    expect(nodesOnly.body.errors?.[0]).toMatchObject({
      path: ['customerInvoices', 'nodes', 1],
      message: `Invoice "${bad}" cannot be read: Visma holds a value in it that the gateway cannot represent. Other invoices are not affected; quote the requestId to support.`,
      extensions: { code: 'UPSTREAM_RECORD_UNREADABLE', referenceNumber: bad, requestId: expect.any(String) as string },
    });
    const nodes = (nodesOnly.body.data?.['customerInvoices'] as { nodes: Array<{ referenceNumber: string } | null> }).nodes;
    expect(nodes.map((node) => node?.referenceNumber ?? null)).toEqual([before, null, after]);
  });

  it('answers a single read of it with a coded error for that field only, telling no Visma internals and logging them', async () => {
    const response = await harness.post(
      `query Two($bad: ID!, $good: ID!) {
      bad: customerInvoice(referenceNumber: $bad) { referenceNumber }
      good: customerInvoice(referenceNumber: $good) { referenceNumber }
    }`,
      { bad, good: before },
    );

    expect(response.body.data).toEqual({ bad: null, good: { referenceNumber: before } });
    expect(response.body.errors).toHaveLength(1);
    const [error] = response.body.errors ?? [];
    expect(error).toMatchObject({ path: ['bad'], extensions: { code: 'UPSTREAM_RECORD_UNREADABLE', referenceNumber: bad } });
    expect(error?.message).toContain(bad);
    expect(error?.message).not.toMatch(/10000-01-30|documentDueDate|expected an ISO/);
    const logged = harness.logs.find((line) => line['path'] === 'bad' && typeof line['detail'] === 'string');
    expect(logged?.['detail']).toContain('documentDueDate');
  });

  it('lets the change poll skip it and keep working: a later edit of another invoice still arrives through the poll', async () => {
    // Cache a good invoice: that starts the poll. Then touch the bad one, so every poll from here on holds it.
    await harness.post(INVOICE, { ref: before });
    await harness.control.editInvoice(bad, { invoiceText: 'touched again' });
    await harness.control.resetCounters();
    const marker = `edited in Visma ${Date.now()}`;
    await harness.control.editInvoice(before, { invoiceText: marker });

    let seen: string | null = null;
    // Two poll intervals of the shipped 10 s freshness bound, and a margin.
    for (let tries = 0; tries < 60 && seen !== marker; tries += 1) {
      await sleep(250);
      const response = await harness.post(INVOICE, { ref: before });
      seen = (response.body.data?.['customerInvoice'] as { invoiceText: string | null }).invoiceText;
    }

    expect(seen).toBe(marker);
    const calls = await harness.apiCalls();
    // The poll brought the new version; the invoice itself was never read again.
    expect(calls['GET /v1/customerinvoice/{referenceNumber}'] ?? 0).toBe(0);
    expect(calls['GET /v1/customerinvoice']).toBeGreaterThanOrEqual(1);
    expect(harness.logs.filter((line) => String(line['msg']).includes('change poll failed'))).toEqual([]);
  }, 30_000);

  it('refuses documentDate 9999-12-31 up front, naming the field, with no Visma call', async () => {
    await harness.control.resetCounters();
    const response = await harness.post(CREATE, {
      input: { customerNumber: CUSTOMER, documentDate: '9999-12-31', lines: [{ description: 'Attack', quantity: '1', unitPrice: '1' }] },
    });

    expect(response.body.data?.['createInvoice']).toBeUndefined();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.documentDate' });
    expect(response.body.errors?.[0]?.message).toBe(
      'input.documentDate: must be a date from 1900-01-01 to 2199-12-31; received "9999-12-31".',
    );
    expect(await harness.apiCalls()).toEqual({});
  });

  it('refuses the same date as a filter, a line date and an instant, each naming its field, with no Visma call', async () => {
    await harness.control.resetCounters();
    const filtered = await harness.post(NODES, { filter: { documentDate: { operator: 'GTE', value: '9999-12-31' } }, first: 5 });
    const instant = await harness.post(NODES, {
      filter: { lastModifiedDateTime: { operator: 'LT', value: '9999-12-31T23:59:59Z' } },
      first: 5,
    });
    const line = await harness.post(CREATE, {
      input: { customerNumber: CUSTOMER, lines: [{ description: 'Attack', quantity: '1', termEndDate: '9999-12-31' }] },
    });

    expect([filtered, instant, line].map((response) => response.body.errors?.[0]?.extensions?.['field'])).toEqual([
      'filter.documentDate.value',
      'filter.lastModifiedDateTime.value',
      'input.lines[0].termEndDate',
    ]);
    expect([filtered, instant, line].map((response) => response.body.errors?.[0]?.extensions?.['code'])).toEqual([
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
    ]);
    expect(await harness.apiCalls()).toEqual({});
  });
});

function unreadableErrors(response: GraphQLResponse): Array<{ path: Array<string | number> | undefined; referenceNumber: unknown }> {
  return (response.body.errors ?? [])
    .filter((error) => error.extensions?.['code'] === 'UPSTREAM_RECORD_UNREADABLE')
    .map((error) => ({ path: error.path, referenceNumber: error.extensions?.['referenceNumber'] }));
}
