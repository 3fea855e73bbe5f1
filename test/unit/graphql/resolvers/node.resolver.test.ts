import { encodeGlobalId } from '../../../../src/graphql/node/global-id';
import { VismaTimeoutError } from '../../../../src/visma/errors';
import { FakeVismaApi, makeCustomer, makeInvoice, makeLine } from '../support/fake-visma-api';
import { testGateway, type TestGateway } from '../support/test-gateway';

const invoiceId = (referenceNumber: string): string => encodeGlobalId({ type: 'CustomerInvoice', referenceNumber });
const lineId = (referenceNumber: string, lineNumber: number): string =>
  encodeGlobalId({ type: 'InvoiceLine', referenceNumber, lineNumber });
const customerId = (number: string): string => encodeGlobalId({ type: 'Customer', number });

const NODES = `query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on CustomerInvoice { referenceNumber amount }
    ... on InvoiceLine { lineNumber quantity }
    ... on Customer { number name email }
  }
}`;

describe('Global Object Identification (Node, node, nodes)', () => {
  let visma: FakeVismaApi;
  let gateway: TestGateway;

  beforeEach(async () => {
    visma = new FakeVismaApi();
    // 30 invoices over 3 customers, each with lines 1 to 3.
    visma.invoices = Array.from({ length: 30 }, (_, index) =>
      makeInvoice({
        referenceNumber: String(1000 + index),
        customer: { number: String(10000 + (index % 3)), name: `Customer ${index % 3}` },
        amount: `${index}.00`,
        lines: [1, 2, 3].map((lineNumber) => makeLine(lineNumber, { quantity: String(lineNumber * 10 + index) })),
      }),
    );
    for (let index = 0; index < 3; index += 1) {
      visma.customers.set(String(10000 + index), makeCustomer(String(10000 + index)));
    }
    gateway = await testGateway(visma);
  });

  afterEach(() => gateway.stop());

  it('gives every invoice, line and customer an id that node reads back as the same object', async () => {
    const read = await gateway.run(
      '{ customerInvoice(referenceNumber: "1004") { id referenceNumber lines { id lineNumber } customer { id number } } }',
    );
    expect(read.errors).toBeUndefined();
    const invoice = read.data?.['customerInvoice'] as {
      id: string;
      lines: Array<{ id: string; lineNumber: number }>;
      customer: { id: string; number: string };
    };
    expect(invoice.id).toBe(invoiceId('1004'));
    expect(invoice.lines.map((line) => line.id)).toEqual([lineId('1004', 1), lineId('1004', 2), lineId('1004', 3)]);
    expect(invoice.customer.id).toBe(customerId('10001'));

    const again = await gateway.run(NODES, { ids: [invoice.id, invoice.lines[1]?.id, invoice.customer.id] });
    expect(again).toEqual({
      data: {
        nodes: [
          { __typename: 'CustomerInvoice', id: invoice.id, referenceNumber: '1004', amount: '4.00' },
          { __typename: 'InvoiceLine', id: lineId('1004', 2), lineNumber: 2, quantity: '24' },
          { __typename: 'Customer', id: invoice.customer.id, number: '10001', name: 'Customer 10001', email: '10001@example.test' },
        ],
      },
    });
  });

  it('reads one object with node, and the same id gives the same answer as nodes', async () => {
    const single = await gateway.run('query ($id: ID!) { node(id: $id) { id ... on InvoiceLine { lineNumber quantity } } }', {
      id: lineId('1002', 3),
    });
    expect(single).toEqual({ data: { node: { id: lineId('1002', 3), lineNumber: 3, quantity: '32' } } });
  });

  it('reads 20 invoices and 40 of their lines with 20 invoice GETs, each invoice once', async () => {
    const numbers = Array.from({ length: 20 }, (_, index) => String(1000 + index));
    const ids = [...numbers.map(invoiceId), ...numbers.flatMap((number) => [lineId(number, 1), lineId(number, 3)])];
    const result = await gateway.run(NODES, { ids });
    expect(result.errors).toBeUndefined();
    const nodes = result.data?.['nodes'] as Array<{ id: string }>;
    expect(nodes.map((node) => node.id)).toEqual(ids);
    expect(visma.countOf('getInvoice')).toBe(20);
    expect(new Set(visma.calls.map((call) => (call.method === 'getInvoice' ? call.referenceNumber : call.method)))).toEqual(
      new Set(numbers),
    );
  });

  it('reads each distinct customer once, and its register fields from that same read', async () => {
    const ids = [customerId('10000'), customerId('10001'), customerId('10000')];
    const result = await gateway.run('query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { number currencyId status } } }', { ids });
    expect(result.errors).toBeUndefined();
    expect(result.data?.['nodes']).toEqual([
      { number: '10000', currencyId: 'NOK', status: 'ACTIVE' },
      { number: '10001', currencyId: 'NOK', status: 'ACTIVE' },
      { number: '10000', currencyId: 'NOK', status: 'ACTIVE' },
    ]);
    expect(visma.countOf('getCustomer')).toBe(2);
  });

  it('answers null for an invoice, a line or a customer Visma does not have, without an error', async () => {
    const ids = [invoiceId('999'), lineId('1000', 99), lineId('999', 1), customerId('55555'), invoiceId('1000')];
    const result = await gateway.run(NODES, { ids });
    expect(result.errors).toBeUndefined();
    expect(result.data?.['nodes']).toEqual([null, null, null, null, expect.objectContaining({ referenceNumber: '1000' })]);
  });

  it.each([
    ['an invoice number', '1000'],
    ['a cursor', Buffer.from(JSON.stringify({ v: 1, o: 0, f: 'x' })).toString('base64url')],
    ['an id of a type without ids', Buffer.from(JSON.stringify(['Account', '3000'])).toString('base64url')],
  ])('refuses %s as id with BAD_USER_INPUT naming the argument, before any Visma call', async (_case, id) => {
    const result = await gateway.run('query ($id: ID!) { node(id: $id) { id } }', { id });
    expect(result.data).toEqual({ node: null });
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['node'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'id' }) }),
    ]);
    expect(visma.calls).toEqual([]);
  });

  it('refuses the whole of nodes when one id is not an id, naming each, before any Visma call', async () => {
    const result = await gateway.run(NODES, { ids: [invoiceId('1000'), 'nope', invoiceId('1001'), '1002'] });
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'ids[1]',
      problems: [expect.objectContaining({ field: 'ids[1]' }), expect.objectContaining({ field: 'ids[3]' })],
    });
    expect(visma.calls).toEqual([]);
  });

  it('fails only the item whose read failed, at its index', async () => {
    visma.failNext.set('getCustomer', new VismaTimeoutError('deadline passed'));
    const result = await gateway.run(NODES, { ids: [invoiceId('1000'), customerId('10002')] });
    expect(result.data?.['nodes']).toEqual([expect.objectContaining({ referenceNumber: '1000' }), null]);
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['nodes', 1], extensions: expect.objectContaining({ code: 'UPSTREAM_TIMEOUT' }) }),
    ]);
  });

  it('reports an invoice holding a line without a number as unreadable when its line ids are asked for', async () => {
    visma.invoices.push(makeInvoice({ referenceNumber: '2000', lines: [makeLine(1), makeLine(null)] }));
    const withIds = await gateway.run('{ customerInvoice(referenceNumber: "2000") { referenceNumber lines { id } } }');
    expect(withIds.data).toEqual({ customerInvoice: null });
    expect(withIds.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RECORD_UNREADABLE', referenceNumber: '2000' });
    const withoutIds = await gateway.run('{ customerInvoice(referenceNumber: "2000") { referenceNumber lines { lineNumber } } }');
    expect(withoutIds).toEqual({
      data: { customerInvoice: { referenceNumber: '2000', lines: [{ lineNumber: 1 }, { lineNumber: null }] } },
    });
  });

  it('gives the invoices of a page and of a mutation the same ids as a single read', async () => {
    const page = await gateway.run('{ customerInvoices(first: 2) { nodes { id lines { id } } } }');
    const updated = await gateway.run(
      'mutation { updateInvoiceLines(referenceNumber: "1001", lines: [{ operation: UPDATE, lineNumber: 2, line: { quantity: "5" } }]) { id lines { id } } }',
    );
    expect(page.errors).toBeUndefined();
    expect(updated.errors).toBeUndefined();
    const listed = (page.data?.['customerInvoices'] as { nodes: Array<{ id: string; lines: Array<{ id: string }> }> }).nodes[1];
    expect(updated.data?.['updateInvoiceLines']).toEqual(listed);
    expect(listed?.id).toBe(invoiceId('1001'));
  });
});
