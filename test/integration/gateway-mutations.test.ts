import { GatewayHarness } from './helpers/gateway-harness';
import { NO_POLL_DURING_SUITE } from './helpers/start-gateway';

const CREATE = `mutation Create($input: CreateInvoiceInput!) {
  createInvoice(input: $input) {
    referenceNumber status version invoiceText documentDate customer { number name } customerRefNumber
    lines { lineNumber inventoryNumber description quantity unitPrice unitPriceInCurrency amount uom }
  }
}`;

const UPDATE = `mutation Update($referenceNumber: ID!, $lines: [InvoiceLineChangeInput!]!, $expectedVersion: String) {
  updateInvoiceLines(referenceNumber: $referenceNumber, lines: $lines, expectedVersion: $expectedVersion) {
    referenceNumber version lines { lineNumber description quantity unitPrice amount }
  }
}`;

interface Invoice {
  referenceNumber: string;
  status: string;
  version: string;
  lines: Array<{ lineNumber: number; description: string | null; quantity: string; unitPrice: string; amount: string }>;
}

describe('gateway mutations against the simulator', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: NO_POLL_DURING_SUITE });
  });

  afterAll(() => harness.stop());

  beforeEach(() => harness.control.resetCounters());

  async function create(input: Record<string, unknown>): Promise<Invoice> {
    const response = await harness.post(CREATE, { input });
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.['createInvoice'] as Invoice;
  }

  describe('createInvoice', () => {
    it('creates the invoice and returns it as Visma stored it, in exactly two upstream calls', async () => {
      const invoice = await create({
        customerNumber: '10000',
        documentDate: '2025-03-14',
        invoiceText: 'Potatoes',
        customerRefNumber: 'PO-1',
        lines: [
          { inventoryNumber: '222', description: 'Potatoes', quantity: '500', unitPrice: '1.25', uom: 'STK' },
          { description: 'Delivery', quantity: 1, unitPrice: '250.50' },
        ],
      });
      expect(invoice).toMatchObject({
        referenceNumber: expect.any(String),
        status: 'BALANCED',
        version: expect.any(String),
        invoiceText: 'Potatoes',
        documentDate: '2025-03-14',
        customerRefNumber: 'PO-1',
        customer: { number: '10000', name: expect.any(String) },
        lines: [
          {
            lineNumber: 1,
            inventoryNumber: '222',
            description: 'Potatoes',
            quantity: '500',
            unitPriceInCurrency: '1.25',
            amount: '625',
            uom: 'STK',
          },
          { lineNumber: 2, description: 'Delivery', quantity: '1', unitPriceInCurrency: '250.5', amount: '250.5' },
        ],
      });
      expect(await harness.apiCalls()).toEqual({
        'POST /v2/customerinvoice': 1,
        'GET /v1/customerinvoice/{referenceNumber}': 1,
      });
    });

    it('makes no upstream call for an input the gateway can refuse itself', async () => {
      const response = await harness.post(CREATE, {
        input: { customerNumber: '10000', lines: [{ quantity: '1' }, { description: 'x'.repeat(31) }] },
      });
      expect(response.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.lines[0].inventoryNumber',
        problems: [
          { field: 'input.lines[0].inventoryNumber', message: 'a new line needs an inventoryNumber or a description.' },
          { field: 'input.lines[1].description', message: 'must be at most 30 characters; received 31.' },
        ],
      });
      expect(await harness.apiCalls()).toEqual({});
    });
  });

  describe('updateInvoiceLines', () => {
    it('inserts, updates and deletes lines under the expected version, then reads the invoice back', async () => {
      const created = await create({
        customerNumber: '10000',
        lines: [
          { description: 'First', quantity: '1', unitPrice: '100' },
          { description: 'Second', quantity: '2', unitPrice: '50' },
        ],
      });
      await harness.control.resetCounters();
      const response = await harness.post(UPDATE, {
        referenceNumber: created.referenceNumber,
        expectedVersion: created.version,
        lines: [
          { operation: 'UPDATE', lineNumber: 1, line: { quantity: '3' } },
          { operation: 'DELETE', lineNumber: 2 },
          { operation: 'INSERT', line: { description: 'Third', quantity: '1', unitPrice: '10.10' } },
        ],
      });
      expect(response.body.errors).toBeUndefined();
      const updated = response.body.data?.['updateInvoiceLines'] as Invoice;
      expect(updated.version).not.toBe(created.version);
      expect(updated.lines.map(({ description, quantity, amount }) => ({ description, quantity, amount }))).toEqual([
        { description: 'First', quantity: '3', amount: '300' },
        { description: 'Third', quantity: '1', amount: '10.1' },
      ]);
      expect(await harness.apiCalls()).toEqual({
        'PUT /v1/customerinvoice/{referenceNumber}': 1,
        'GET /v1/customerinvoice/{referenceNumber}': 1,
      });
    });

    it('works without an expected version', async () => {
      const created = await create({ customerNumber: '10000', lines: [{ description: 'Only', quantity: '1', unitPrice: '1' }] });
      const response = await harness.post(UPDATE, {
        referenceNumber: created.referenceNumber,
        lines: [{ operation: 'UPDATE', lineNumber: 1, line: { description: 'Renamed' } }],
      });
      expect((response.body.data?.['updateInvoiceLines'] as Invoice).lines[0]?.description).toBe('Renamed');
    });
  });

  describe('releaseInvoice', () => {
    it('releases a balanced invoice and returns it in its new status', async () => {
      const created = await create({ customerNumber: '10000', lines: [{ description: 'To release', quantity: '1', unitPrice: '99' }] });
      await harness.control.resetCounters();
      const response = await harness.post(
        'mutation($ref: ID!, $version: String) { releaseInvoice(referenceNumber: $ref, expectedVersion: $version) { actionId result invoice { referenceNumber status } } }',
        { ref: created.referenceNumber, version: created.version },
      );
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.['releaseInvoice']).toEqual({
        actionId: expect.any(String),
        result: 'DONE',
        invoice: { referenceNumber: created.referenceNumber, status: 'OPEN' },
      });
      expect(await harness.apiCalls()).toEqual({
        'POST /v1/customerinvoice/{referenceNumber}/action/release': 1,
        'GET /v1/customerinvoice/{referenceNumber}': 1,
      });
    });
  });
});
