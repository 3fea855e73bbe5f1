import { FakeVismaApi, makeCustomer, makeInvoice } from '../support/fake-visma-api';
import { testGateway, type TestGateway } from '../support/test-gateway';
import { VismaUnavailableError } from '../../../../src/visma/errors';

const INVOICE_ENTITIES = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on CustomerInvoice { referenceNumber amount customer { number name } } }
}`;

const CUSTOMER_ENTITIES = `query Entities($representations: [_Any!]!, $filter: CustomerInvoiceFilter) {
  _entities(representations: $representations) {
    ... on Customer { number email invoices(first: 2, filter: $filter) { totalCount nodes { referenceNumber } } }
  }
}`;

function invoiceRef(referenceNumber: string): Record<string, string> {
  return { __typename: 'CustomerInvoice', referenceNumber };
}

describe('reference resolvers (_entities)', () => {
  let visma: FakeVismaApi;
  let gateway: TestGateway;

  beforeEach(async () => {
    visma = new FakeVismaApi();
    visma.invoices = Array.from({ length: 60 }, (_, index) =>
      makeInvoice({
        referenceNumber: String(1000 + index),
        amount: '100.00',
        customer: { number: String(10000 + (index % 3)), name: `Customer ${index % 3}` },
      }),
    );
    for (let index = 0; index < 3; index += 1) {
      visma.customers.set(String(10000 + index), makeCustomer(String(10000 + index)));
    }
    gateway = await testGateway(visma, { INVOICE_LOOKUP_CONCURRENCY: '3' });
  });

  afterEach(() => gateway.stop());

  describe('CustomerInvoice', () => {
    it('resolves 50 representations, 10 of them repeats, with 40 GETs in representation order', async () => {
      const numbers = [
        ...Array.from({ length: 40 }, (_, index) => String(1000 + index)),
        ...Array.from({ length: 10 }, (_, index) => String(1000 + index * 3)),
      ];
      const result = await gateway.run(INVOICE_ENTITIES, { representations: numbers.map(invoiceRef) });
      expect(result.errors).toBeUndefined();
      const entities = result.data?.['_entities'] as Array<{ referenceNumber: string; customer: { name: string } }>;
      expect(entities.map((entity) => entity.referenceNumber)).toEqual(numbers);
      expect(entities[0]?.customer).toEqual({ number: '10000', name: 'Customer 0' });
      expect(visma.countOf('getInvoice')).toBe(40);
      expect(visma.countOf('getCustomer')).toBe(0);
    });

    it('gives null for an invoice Visma does not have, without failing the others', async () => {
      const result = await gateway.run(INVOICE_ENTITIES, { representations: ['1001', '999999', '1002'].map(invoiceRef) });
      expect(result.errors).toBeUndefined();
      expect(result.data?.['_entities']).toEqual([
        expect.objectContaining({ referenceNumber: '1001' }),
        null,
        expect.objectContaining({ referenceNumber: '1002' }),
      ]);
    });

    it('resolves invoices the upstream cache hands out frozen, twice in a row, without touching them', async () => {
      // The upstream cache deep-freezes what it shares between requests; @apollo/subgraph
      // annotates each resolved entity with __typename, which a frozen object refuses.
      const getInvoice = visma.getInvoice.bind(visma);
      const served: object[] = [];
      visma.getInvoice = async (referenceNumber, options) => {
        const invoice = deepFreeze(await getInvoice(referenceNumber, options));
        served.push(invoice);
        return invoice;
      };
      const representations = ['1001', '1002', '1001'].map(invoiceRef);
      for (let round = 0; round < 2; round += 1) {
        const result = await gateway.run(INVOICE_ENTITIES, { representations });
        expect(result.errors).toBeUndefined();
        expect(result.data?.['_entities']).toEqual([
          expect.objectContaining({ referenceNumber: '1001', customer: { number: '10001', name: 'Customer 1' } }),
          expect.objectContaining({ referenceNumber: '1002' }),
          expect.objectContaining({ referenceNumber: '1001' }),
        ]);
      }
      // Whether the second round is read again or served by the upstream cache depends on its poll:
      // either way every invoice handed out was frozen, and none was annotated in place.
      expect(served.length).toBeGreaterThanOrEqual(2);
      for (const invoice of served) {
        expect(Object.isFrozen(invoice)).toBe(true);
        expect(Object.getOwnPropertyNames(invoice)).not.toContain('__typename');
      }
    });

    it('fails only the entity whose upstream call failed, with a coded error at its path', async () => {
      visma.failNext.set('getInvoice', new VismaUnavailableError('503'));
      const result = await gateway.run(INVOICE_ENTITIES, { representations: ['1001', '1002'].map(invoiceRef) });
      expect(result.data?.['_entities']).toEqual([null, expect.objectContaining({ referenceNumber: '1002' })]);
      expect(result.errors).toEqual([
        expect.objectContaining({ path: ['_entities', 0], extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }) }),
      ]);
    });
  });

  describe('Customer', () => {
    it('costs nothing itself: details cost one GET per customer and invoices one list call per customer', async () => {
      const result = await gateway.run(CUSTOMER_ENTITIES, {
        representations: [{ __typename: 'Customer', number: '10001' }],
      });
      expect(result.errors).toBeUndefined();
      expect(result.data?.['_entities']).toEqual([
        {
          number: '10001',
          email: expect.any(String),
          invoices: { totalCount: 20, nodes: [{ referenceNumber: '1001' }, { referenceNumber: '1004' }] },
        },
      ]);
      expect(visma.countOf('getCustomer')).toBe(1);
      expect(visma.countOf('listInvoices')).toBe(1);
      expect(visma.calls.find((call) => call.method === 'listInvoices')).toMatchObject({
        query: { filter: { customerNumber: '10001' } },
      });
    });

    it('lists invoices for at most INVOICE_LOOKUP_CONCURRENCY customers at once', async () => {
      let inFlight = 0;
      let maxInFlight = 0;
      const listInvoices = visma.listInvoices.bind(visma);
      visma.listInvoices = async (query, options) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          // Hold each call past the current tick, so unbounded calls would overlap.
          await new Promise((resolve) => setImmediate(resolve));
          return await listInvoices(query, options);
        } finally {
          inFlight -= 1;
        }
      };
      const numbers = ['10000', '10001', '10002', '10003', '10004', '10005'];
      const result = await gateway.run(
        `query ($representations: [_Any!]!) {
          _entities(representations: $representations) { ... on Customer { invoices(first: 1) { nodes { referenceNumber } } } }
        }`,
        { representations: numbers.map((number) => ({ __typename: 'Customer', number })) },
      );
      expect(result.errors).toBeUndefined();
      expect(visma.countOf('listInvoices')).toBe(6);
      expect(maxInFlight).toBe(3);
    });

    it('refuses an invoices filter naming another customer', async () => {
      const result = await gateway.run(CUSTOMER_ENTITIES, {
        representations: [{ __typename: 'Customer', number: '10001' }],
        filter: { customerNumber: '10002' },
      });
      expect(result.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.customerNumber' }),
        }),
      ]);
      expect(visma.countOf('listInvoices')).toBe(0);
    });
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
