import { FakeVismaApi, makeCustomer, makeInvoice } from '../graphql/support/fake-visma-api';
import { testGateway, type TestGateway } from '../graphql/support/test-gateway';

const CREATE = `mutation Create($input: CreateInvoiceInput!, $key: String) {
  createInvoice(input: $input, idempotencyKey: $key) { referenceNumber }
}`;
const UPDATE = `mutation Update($lines: [InvoiceLineChangeInput!]!, $expectedVersion: String) {
  updateInvoiceLines(referenceNumber: "003547", lines: $lines, expectedVersion: $expectedVersion) { referenceNumber }
}`;
const KEY = 'order-4711-invoice-1';
const INPUT = { customerNumber: '10000', lines: [{ description: 'Potatoes', quantity: '5' }] };

describe('createInvoice with an idempotencyKey', () => {
  let visma: FakeVismaApi;
  let gateway: TestGateway;

  beforeEach(async () => {
    visma = new FakeVismaApi();
    visma.customers.set('10000', makeCustomer('10000'));
    visma.invoices = [makeInvoice({ referenceNumber: '003547', status: 'Balanced', version: 'v1' })];
    gateway = await testGateway(visma);
  });

  afterEach(() => gateway.stop());

  it('creates once and answers a repeat with the same invoice', async () => {
    const first = await gateway.run(CREATE, { input: INPUT, key: KEY });
    const again = await gateway.run(CREATE, { input: INPUT, key: KEY });
    expect(again).toEqual(first);
    expect(first.data).toEqual({ createInvoice: { referenceNumber: '900001' } });
    expect(visma.calls.filter((call) => call.method === 'createInvoice')).toHaveLength(1);
  });

  it('is IDEMPOTENCY_KEY_REUSED for the same key with another input', async () => {
    await gateway.run(CREATE, { input: INPUT, key: KEY });
    const result = await gateway.run(CREATE, { input: { ...INPUT, invoiceText: 'other' }, key: KEY });
    expect(result.errors?.[0]).toMatchObject({
      message: 'This idempotencyKey was already used with a different input. Use a new key for a new invoice.',
      extensions: { code: 'IDEMPOTENCY_KEY_REUSED', retryAfterSeconds: null },
    });
  });

  it('refuses a key that is too short or has other characters, before any upstream call', async () => {
    for (const key of ['short', 'has spaces in the middle', 'x'.repeat(129)]) {
      const result = await gateway.run(CREATE, { input: INPUT, key });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    }
    expect(visma.calls).toEqual([]);
  });

  it('refuses an externalReference beside a key: the stamp goes there', async () => {
    const result = await gateway.run(CREATE, { input: { ...INPUT, externalReference: 'ERP-1' }, key: KEY });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.externalReference' });
    expect(visma.calls).toEqual([]);
  });

  it('keeps the plain create (sent once, externalReference allowed) without a key', async () => {
    const result = await gateway.run(CREATE, { input: { ...INPUT, externalReference: 'ERP-1' } });
    expect(result.errors).toBeUndefined();
    expect(visma.calls.map((call) => call.method)).toEqual(['createInvoice', 'getInvoice']);
  });
});

describe('updateInvoiceLines and retried inserts', () => {
  let visma: FakeVismaApi;
  let gateway: TestGateway;

  beforeEach(async () => {
    visma = new FakeVismaApi();
    visma.invoices = [makeInvoice({ referenceNumber: '003547', status: 'Balanced', version: 'v1' })];
    gateway = await testGateway(visma);
  });

  afterEach(() => gateway.stop());

  it('requires expectedVersion when a line is inserted, so a retried insert cannot add the line twice', async () => {
    const result = await gateway.run(UPDATE, { lines: [{ operation: 'INSERT', line: { description: 'Extra', quantity: '1' } }] });
    expect(result.errors?.[0]).toMatchObject({
      message:
        'expectedVersion: is required when lines are inserted: a retried insert without it would add the line twice. Read the invoice and pass its version.',
      extensions: { code: 'BAD_USER_INPUT', field: 'expectedVersion' },
    });
    expect(visma.calls).toEqual([]);
  });

  it('still allows UPDATE and DELETE without a version (repeating them changes nothing more)', async () => {
    const result = await gateway.run(UPDATE, { lines: [{ operation: 'DELETE', lineNumber: 1 }] });
    expect(result.errors).toBeUndefined();
  });
});
