import { FakeVismaApi, makeCustomer, makeInvoice } from '../support/fake-visma-api';
import { testGateway, type TestGateway } from '../support/test-gateway';
import { VismaTimeoutError } from '../../../../src/visma/errors';

const PAGE_QUERY = `query Page($first: Int, $after: String, $filter: CustomerInvoiceFilter) {
  customerInvoices(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { referenceNumber } }
  }
}`;

describe('CustomerInvoiceResolver', () => {
  let visma: FakeVismaApi;
  let gateway: TestGateway;

  beforeEach(async () => {
    visma = new FakeVismaApi();
    // 60 invoices over 5 customers, customer i % 5.
    visma.invoices = Array.from({ length: 60 }, (_, index) =>
      makeInvoice({
        referenceNumber: String(1000 + index),
        status: index % 2 === 0 ? 'Open' : 'Closed',
        customer: { number: String(10000 + (index % 5)), name: `Customer ${index % 5}` },
        amount: '1250.50',
        documentDate: '2025-01-27',
        createdDateTime: '2025-01-27T13:45:12.347+01:00',
      }),
    );
    for (let index = 0; index < 5; index += 1) {
      visma.customers.set(String(10000 + index), makeCustomer(String(10000 + index)));
    }
    gateway = await testGateway(visma);
  });

  afterEach(() => gateway.stop());

  describe('customerInvoice', () => {
    it('returns the invoice under clean names, with exact decimals and dates', async () => {
      const result = await gateway.run(
        '{ customerInvoice(referenceNumber: "1000") { referenceNumber status documentType amount documentDate createdDateTime customer { number name } } }',
      );
      expect(result).toEqual({
        data: {
          customerInvoice: {
            referenceNumber: '1000',
            status: 'OPEN',
            documentType: 'INVOICE',
            amount: '1250.50',
            documentDate: '2025-01-27',
            createdDateTime: '2025-01-27T13:45:12.347+01:00',
            customer: { number: '10000', name: 'Customer 0' },
          },
        },
      });
      expect(visma.calls.map((call) => call.method)).toEqual(['getInvoice']);
    });

    it('returns null, not an error, when Visma has no such invoice', async () => {
      await expect(gateway.run('{ customerInvoice(referenceNumber: "404") { referenceNumber } }')).resolves.toEqual({
        data: { customerInvoice: null },
      });
    });

    it('reports a status Visma added later as UNKNOWN and warns once', async () => {
      for (const invoice of visma.invoices) invoice.status = 'Archived';
      const result = await gateway.run('{ customerInvoices(first: 10) { nodes { status } } }');
      expect(result.data).toEqual({ customerInvoices: { nodes: Array.from({ length: 10 }, () => ({ status: 'UNKNOWN' })) } });
      expect(gateway.logs.filter((line) => line['enum'] === 'InvoiceStatus')).toHaveLength(1);
    });

    it('sends the request id and a deadline with every upstream call', async () => {
      // With the upstream cache on, a shared call carries no one caller's deadline (see Coalescer):
      // without it, the gateway's own call options reach the upstream as they are.
      const uncached = await testGateway(visma, {}, { withoutUpstreamCache: true });
      try {
        await uncached.run('{ customerInvoice(referenceNumber: "1000") { referenceNumber } }', undefined, { requestId: 'req-42' });
      } finally {
        await uncached.stop();
      }
      expect(visma.calls[0]?.options).toMatchObject({ requestId: 'req-42', deadline: expect.any(Number) });
    });
  });

  describe('customer details (the N+1 probe)', () => {
    it('costs 1 list call + 1 call per distinct customer for a page of 50 over 5 customers', async () => {
      const result = await gateway.run(
        '{ customerInvoices(first: 50) { nodes { customer { number name status email phone currencyId } } } }',
      );
      expect(result.errors).toBeUndefined();
      expect(visma.countOf('listInvoices')).toBe(1);
      expect(visma.countOf('getCustomer')).toBe(5);
      expect(visma.calls).toHaveLength(6);
    });

    it('costs nothing extra when only number and name are selected', async () => {
      await gateway.run('{ customerInvoices(first: 50) { nodes { customer { number name } } } }');
      expect(visma.calls.map((call) => call.method)).toEqual(['listInvoices']);
    });

    it('reads as nulls for a customer Visma does not know', async () => {
      visma.customers.delete('10000');
      const result = await gateway.run('{ customerInvoice(referenceNumber: "1000") { customer { number name status email } } }');
      expect(result.data).toEqual({ customerInvoice: { customer: { number: '10000', name: 'Customer 0', status: null, email: null } } });
    });
  });

  describe('customerInvoices', () => {
    it("primes the request's invoice loader with every listed invoice", async () => {
      const context = gateway.server.createContext();
      await gateway.runWith(context, '{ customerInvoices(first: 5) { nodes { referenceNumber } } }');
      await expect(context.invoices.getInvoice('1003')).resolves.toMatchObject({ referenceNumber: '1003' });
      expect(visma.calls.map((call) => call.method)).toEqual(['listInvoices']);
    });

    it('pages through a whole filtered list with cursors and a stable total', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const result = await gateway.run(PAGE_QUERY, { first: 7, after, filter: { status: 'OPEN' } });
        const connection = result.data?.['customerInvoices'] as {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
          edges: Array<{ node: { referenceNumber: string } }>;
        };
        expect(connection.totalCount).toBe(30);
        expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
        seen.push(...connection.edges.map((edge) => edge.node.referenceNumber));
        pages += 1;
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(pages).toBe(5);
      expect(seen).toEqual(visma.invoices.filter((invoice) => invoice.status === 'Open').map((invoice) => invoice.referenceNumber));
    });

    it('refuses a cursor minted for another filter', async () => {
      const first = await gateway.run(PAGE_QUERY, { first: 2, filter: { status: 'OPEN' } });
      const cursor = (first.data?.['customerInvoices'] as { pageInfo: { endCursor: string } }).pageInfo.endCursor;
      visma.calls.length = 0;
      const result = await gateway.run(PAGE_QUERY, { first: 2, after: cursor, filter: { status: 'CLOSED' } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(visma.calls).toEqual([]);
    });

    it('refuses first above the cap before calling Visma', async () => {
      const result = await gateway.run(PAGE_QUERY, { first: 501 });
      expect(result.errors?.[0]).toMatchObject({
        message: 'first: must be from 0 to 500; received 501.',
        extensions: { code: 'BAD_USER_INPUT', field: 'first' },
      });
      expect(visma.calls).toEqual([]);
    });

    it('answers first: 0 with the total from one count call', async () => {
      const result = await gateway.run('{ customerInvoices(first: 0) { totalCount nodes { referenceNumber } pageInfo { hasNextPage } } }');
      expect(result.data).toEqual({ customerInvoices: { totalCount: 60, nodes: [], pageInfo: { hasNextPage: true } } });
      expect(visma.countOf('listInvoices')).toBe(1);
    });
  });

  describe('errors', () => {
    it('maps an upstream timeout to UPSTREAM_TIMEOUT with the request id', async () => {
      visma.failNext.set('listInvoices', new VismaTimeoutError('deadline passed'));
      const result = await gateway.run('{ customerInvoices { totalCount } }', undefined, { requestId: 'req-t' });
      expect(result.errors).toEqual([
        expect.objectContaining({
          message: 'Visma did not answer in time.',
          extensions: { code: 'UPSTREAM_TIMEOUT', requestId: 'req-t' },
        }),
      ]);
    });

    it('masks an unexpected error and logs it in full with the request id', async () => {
      visma.failNext.set('getInvoice', new TypeError('secret internals at /srv/app.js:12'));
      const result = await gateway.run('{ customerInvoice(referenceNumber: "1000") { referenceNumber } }', undefined, {
        requestId: 'req-x',
      });
      expect(result.errors).toEqual([
        {
          message: 'Something went wrong inside the gateway. Quote the requestId in this error to support.',
          locations: [{ line: 1, column: 3 }],
          path: ['customerInvoice'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-x' },
        },
      ]);
      const logged = gateway.logs.find((line) => line['msg'] === 'unexpected error, answered as INTERNAL_SERVER_ERROR');
      expect(logged).toMatchObject({ requestId: 'req-x', err: { message: 'secret internals at /srv/app.js:12' } });
    });

    it('keeps GraphQL validation errors as Apollo reports them', async () => {
      const result = await gateway.run('{ customerInvoices { nope } }');
      expect(result.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  });
});
