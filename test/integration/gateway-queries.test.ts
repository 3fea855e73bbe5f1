import { FULL_INVOICE_SELECTION, GatewayHarness } from './helpers/gateway-harness';

interface Node {
  referenceNumber: string;
  [field: string]: unknown;
}

const LIST = `query List($filter: CustomerInvoiceFilter, $first: Int, $after: String) {
  customerInvoices(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { referenceNumber } }
    nodes {
      referenceNumber status documentType documentDate documentDueDate dunningLetterDate dunningLetterLevel financialPeriod
      closedFinancialPeriod externalReference paymentReference customerRefNumber createdDateTime lastModifiedDateTime
      customer { number } branch { number } project { id }
    }
  }
}`;

interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Array<{ cursor: string; node: { referenceNumber: string } }>;
  nodes: Node[];
}

describe('gateway queries against the simulator', () => {
  let harness: GatewayHarness;
  /** Every seeded invoice, read once through the gateway: the reference the filters are checked against. */
  let all: Node[];

  async function list(variables: Record<string, unknown>): Promise<Connection> {
    const response = await harness.post(LIST, variables);
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.['customerInvoices'] as Connection;
  }

  beforeAll(async () => {
    // This suite pins each query's call plan (pages, windows, counts), which a warm cache would
    // hide; coalescing stays on as shipped. The cache's own suite and the federation suite run with it on.
    harness = await GatewayHarness.start({ env: { CACHE_ENABLED: 'false' } });
    all = (await list({ first: 500 })).nodes;
  });

  afterAll(() => harness.stop());

  beforeEach(() => harness.control.resetCounters());

  describe('customerInvoice', () => {
    it('returns every field of the invoice in clean form', async () => {
      const response = await harness.post(`{ customerInvoice(referenceNumber: "003547") { ${FULL_INVOICE_SELECTION} } }`);
      expect(response.body.errors).toBeUndefined();
      const invoice = response.body.data?.['customerInvoice'] as Record<string, unknown>;
      expect(invoice).toMatchObject({
        referenceNumber: '003547',
        documentType: 'INVOICE',
        version: expect.stringMatching(/^[A-Za-z0-9+/=]+$/),
        documentDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        createdDateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/),
        amount: expect.stringMatching(/^-?\d+(\.\d+)?$/),
        customer: { number: expect.any(String), name: expect.any(String) },
        lines: expect.arrayContaining([expect.objectContaining({ lineNumber: 1, quantity: expect.any(String) })]),
      });
      expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice/{referenceNumber}': 1 });
    });

    it('returns null for an invoice Visma does not have', async () => {
      const response = await harness.post('{ customerInvoice(referenceNumber: "999999") { referenceNumber } }');
      expect(response.body).toEqual({ data: { customerInvoice: null } });
    });

    it('reads the same invoice the list shows, field for field', async () => {
      const fromList = await harness.post(`{ customerInvoices(first: 3) { nodes { ${FULL_INVOICE_SELECTION} } } }`);
      const nodes = (fromList.body.data?.['customerInvoices'] as { nodes: Node[] }).nodes;
      const third = nodes[2];
      if (third === undefined) throw new Error('expected three invoices');
      const single = await harness.post(`{ customerInvoice(referenceNumber: "${third.referenceNumber}") { ${FULL_INVOICE_SELECTION} } }`);
      expect(single.body.data?.['customerInvoice']).toEqual(third);
    });
  });

  describe('customerInvoices filters', () => {
    const refs = (nodes: Node[]): string[] => nodes.map((node) => node.referenceNumber);
    const pick = <T>(values: Array<T | null | undefined>): T => {
      const found = values.find((value) => value !== null && value !== undefined);
      if (found === undefined || found === null) throw new Error('the seed data has no value for this filter');
      return found;
    };

    async function expectFilter(filter: Record<string, unknown>, matches: (node: Node) => boolean): Promise<void> {
      const expected = refs(all.filter(matches));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(all.length);
      const connection = await list({ filter, first: 500 });
      expect(refs(connection.nodes)).toEqual(expected);
      expect(connection.totalCount).toBe(expected.length);
    }

    const nested = (node: Node, key: string, inner: string): unknown => (node[key] as Record<string, unknown> | null)?.[inner] ?? null;
    const instant = (text: unknown): number => Date.parse(String(text));

    it('status', () => expectFilter({ status: 'OPEN' }, (node) => node['status'] === 'OPEN'));
    it('customerNumber', async () => {
      const customer = pick(all.map((node) => nested(node, 'customer', 'number')));
      await expectFilter({ customerNumber: customer }, (node) => nested(node, 'customer', 'number') === customer);
    });
    it('financialPeriod', () => expectFilter({ financialPeriod: '202403' }, (node) => node['financialPeriod'] === '202403'));
    it('closedFinancialPeriod', async () => {
      const period = pick(all.map((node) => node['closedFinancialPeriod'] as string | null));
      await expectFilter({ closedFinancialPeriod: period }, (node) => node['closedFinancialPeriod'] === period);
    });
    it('dunningLevel', () => expectFilter({ dunningLevel: 2 }, (node) => node['dunningLetterLevel'] === 2));
    it('externalReference', async () => {
      const value = pick(all.map((node) => node['externalReference'] as string | null));
      await expectFilter({ externalReference: value }, (node) => node['externalReference'] === value);
    });
    it('paymentReference', async () => {
      const value = pick(all.map((node) => node['paymentReference'] as string | null));
      await expectFilter({ paymentReference: value }, (node) => node['paymentReference'] === value);
    });
    it('customerRefNumber', async () => {
      const value = pick(all.map((node) => node['customerRefNumber'] as string | null));
      await expectFilter({ customerRefNumber: value }, (node) => node['customerRefNumber'] === value);
    });
    it('branchNumber', () => expectFilter({ branchNumber: '2' }, (node) => nested(node, 'branch', 'number') === '2'));
    it('projectId', async () => {
      const project = pick(all.map((node) => nested(node, 'project', 'id') as string | null));
      await expectFilter({ projectId: project }, (node) => nested(node, 'project', 'id') === project);
    });
    it('documentDate with GTE', () =>
      expectFilter({ documentDate: { operator: 'GTE', value: '2025-06-01' } }, (node) => String(node['documentDate']) >= '2025-06-01'));
    it('documentDueDate with LT', () =>
      expectFilter({ documentDueDate: { operator: 'LT', value: '2024-05-01' } }, (node) => String(node['documentDueDate']) < '2024-05-01'));
    it('dunningLetterDate with LTE', () =>
      expectFilter(
        { dunningLetterDate: { operator: 'LTE', value: '2024-09-30' } },
        (node) => typeof node['dunningLetterDate'] === 'string' && node['dunningLetterDate'] <= '2024-09-30',
      ));
    it('createdDateTime with GT, given in another zone', () =>
      // 2025-01-01T00:00:00 in Oslo (UTC+1 in winter), written as UTC.
      expectFilter(
        { createdDateTime: { operator: 'GT', value: '2024-12-31T23:00:00Z' } },
        (node) => instant(node['createdDateTime']) > Date.parse('2024-12-31T23:00:00Z'),
      ));
    it('lastModifiedDateTime with GTE, across a summer-time offset', () =>
      expectFilter(
        { lastModifiedDateTime: { operator: 'GTE', value: '2025-07-01T12:00:00+02:00' } },
        (node) => instant(node['lastModifiedDateTime']) >= Date.parse('2025-07-01T12:00:00+02:00'),
      ));

    it('released splits the list in two', async () => {
      const released = await list({ filter: { released: true }, first: 500 });
      const unreleased = await list({ filter: { released: false }, first: 500 });
      expect(released.totalCount).toBeGreaterThan(0);
      expect(unreleased.totalCount).toBeGreaterThan(0);
      expect(released.totalCount + unreleased.totalCount).toBe(all.length);
      expect(unreleased.nodes.map((node) => node['status'])).toContain('BALANCED');
      expect(released.nodes.map((node) => node['status'])).not.toContain('BALANCED');
    });

    it('documentType INVOICE keeps every invoice of this endpoint', async () => {
      expect((await list({ filter: { documentType: 'INVOICE' }, first: 1 })).totalCount).toBe(all.length);
    });

    it('combines filters with AND', async () => {
      await expectFilter(
        { status: 'OPEN', branchNumber: '1', documentDate: { operator: 'GTE', value: '2025-01-01' } },
        (node) => node['status'] === 'OPEN' && nested(node, 'branch', 'number') === '1' && String(node['documentDate']) >= '2025-01-01',
      );
    });
  });

  describe('paging', () => {
    it('walks a whole filtered list with cursors, each page one upstream call, with a correct totalCount', async () => {
      const filter = { status: 'CLOSED' };
      const expected = all.filter((node) => node['status'] === 'CLOSED').map((node) => node.referenceNumber);
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const connection: Connection = await list({ filter, first: 37, after });
        expect(connection.totalCount).toBe(expected.length);
        expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
        expect(connection.edges.map((edge) => edge.node.referenceNumber)).toEqual(connection.nodes.map((node) => node.referenceNumber));
        expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
        seen.push(...connection.nodes.map((node) => node.referenceNumber));
        pages += 1;
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 37));
      expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice': pages });
    });

    it('continues after any edge cursor, not only the end cursor', async () => {
      const first = await list({ first: 10 });
      const middle = first.edges[4]?.cursor;
      const next = await list({ first: 3, after: middle });
      expect(next.nodes.map((node) => node.referenceNumber)).toEqual(all.slice(5, 8).map((node) => node.referenceNumber));
    });

    it('reads a window that straddles page boundaries in one upstream call', async () => {
      const page = await list({ first: 50, after: (await list({ first: 30 })).pageInfo.endCursor });
      expect(page.nodes.map((node) => node.referenceNumber)).toEqual(all.slice(30, 80).map((node) => node.referenceNumber));
      expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice': 2 });
    });

    it('knows the total after an empty page past the end with one more call, made only because totalCount is selected', async () => {
      const lastCursor = (await list({ first: 500 })).pageInfo.endCursor;
      await harness.control.resetCounters();
      const withoutTotal = await harness.post(
        'query($after: String) { customerInvoices(first: 5, after: $after) { nodes { referenceNumber } pageInfo { hasNextPage } } }',
        {
          after: lastCursor,
        },
      );
      expect(withoutTotal.body.data).toEqual({ customerInvoices: { nodes: [], pageInfo: { hasNextPage: false } } });
      expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice': 1 });
      await harness.control.resetCounters();
      const withTotal = await list({ first: 5, after: lastCursor });
      expect(withTotal.totalCount).toBe(all.length);
      expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice': 2 });
    });

    it('refuses a malformed cursor as BAD_USER_INPUT without calling Visma', async () => {
      const response = await harness.post(LIST, { first: 5, after: 'not-a-cursor' });
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(await harness.apiCalls()).toEqual({});
    });

    it('refuses a cursor from another filter as BAD_USER_INPUT', async () => {
      const cursor = (await list({ first: 5, filter: { status: 'OPEN' } })).pageInfo.endCursor;
      const response = await harness.post(LIST, { first: 5, after: cursor, filter: { status: 'CLOSED' } });
      expect(response.body.errors?.[0]).toMatchObject({
        message: 'after: was issued for a different filter; cursors only continue the list they came from.',
        extensions: { code: 'BAD_USER_INPUT', field: 'after' },
      });
    });

    it('caps first at MAX_PAGE_SIZE', async () => {
      const response = await harness.post(LIST, { first: 501 });
      expect(response.body.errors?.[0]).toMatchObject({
        message: 'first: must be from 0 to 500; received 501.',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });
  });

  describe("Visma's silent page-size cap", () => {
    it('learns the cap from the metadata, reads the right rows, and plans later pages within it', async () => {
      const capped = await GatewayHarness.start({ simulator: { invoiceCount: 300, maxPageSize: 100 } });
      try {
        const query =
          'query($after: String) { customerInvoices(first: 150, after: $after) { totalCount pageInfo { endCursor } nodes { referenceNumber } } }';
        const first = await capped.post(query);
        const page = first.body.data?.['customerInvoices'] as { totalCount: number; pageInfo: { endCursor: string }; nodes: Node[] };
        expect(page.totalCount).toBe(300);
        expect(page.nodes).toHaveLength(150);
        // The first plan asked for 150 rows at once; Visma served 100 and said so, so the
        // gateway planned again: two pages of 75.
        expect(await capped.apiCalls()).toEqual({ 'GET /v1/customerinvoice': 3 });
        await capped.control.resetCounters();
        const second = await capped.post(query, { after: page.pageInfo.endCursor });
        const rest = (second.body.data?.['customerInvoices'] as { nodes: Node[] }).nodes;
        expect(new Set([...page.nodes, ...rest].map((node) => node.referenceNumber)).size).toBe(300);
        expect(await capped.apiCalls()).toEqual({ 'GET /v1/customerinvoice': 2 });
      } finally {
        await capped.stop();
      }
    });
  });

  describe('customer details', () => {
    it('costs exactly 1 + 5 upstream calls for a page of 50 invoices over 5 distinct customers (the N+1 probe)', async () => {
      const customers = [...new Set(all.map((node) => nested(node, 'customer', 'number') as string))].slice(0, 5);
      expect(customers).toHaveLength(5);
      for (let index = 0; index < 50; index += 1) {
        await harness.visma.createInvoice({
          customerNumber: customers[index % 5] ?? '',
          customerRefNumber: 'N-PLUS-ONE',
          lines: [{ description: `Probe ${index}`, quantity: '1', unitPriceInCurrency: '10' }],
        });
      }
      await harness.control.resetCounters();
      const response = await harness.post(`{
        customerInvoices(first: 50, filter: { customerRefNumber: "N-PLUS-ONE" }) {
          totalCount
          nodes { referenceNumber customer { number name status email phone currencyId creditTerms { id } address { city } } }
        }
      }`);
      expect(response.body.errors).toBeUndefined();
      const connection = response.body.data?.['customerInvoices'] as {
        totalCount: number;
        nodes: Array<{ customer: Record<string, unknown> }>;
      };
      expect(connection.totalCount).toBe(50);
      expect(new Set(connection.nodes.map((node) => node.customer['number']))).toEqual(new Set(customers));
      for (const node of connection.nodes) {
        expect(node.customer).toMatchObject({
          status: expect.stringMatching(/^[A-Z_]+$/),
          email: expect.any(String),
          currencyId: expect.any(String),
        });
      }
      expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice': 1, 'GET /v1/customer/{customerNumber}': 5 });
    });

    it('costs no customer call when only number and name are selected', async () => {
      await list({ first: 50 });
      expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice': 1 });
    });

    function nested(node: Node, key: string, inner: string): unknown {
      return (node[key] as Record<string, unknown> | null)?.[inner] ?? null;
    }
  });

  describe('HTTP', () => {
    it('echoes a request id in the response header and in error extensions', async () => {
      const response = await harness.post('{ customerInvoices(first: -1) { totalCount } }', undefined, { 'x-request-id': 'probe-123' });
      expect(response.headers.get('x-request-id')).toBe('probe-123');
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', requestId: 'probe-123' });
    });

    it('shows a short note instead of a CDN landing page when a browser opens /graphql', async () => {
      const response = await fetch(harness.url, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('This is the GraphQL endpoint.');
    });

    it('refuses a body over 1 MB with a GraphQL-shaped error', async () => {
      const response = await fetch(harness.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ customerInvoices { totalCount } } # ${'x'.repeat(1_100_000)}` }),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    });

    it('answers a query over GET without any custom header, as urql sends it by default', async () => {
      const response = await fetch(`${harness.url}?query=${encodeURIComponent('{ customerInvoices { totalCount } }')}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { customerInvoices: { totalCount: expect.any(Number) } } });
    });
  });
});
