import { VismaConflictError, VismaUnavailableError } from '../../../../src/visma/errors';
import { FakeVismaApi, makeCustomer, makeInvoice } from '../support/fake-visma-api';
import { testGateway, type TestGateway } from '../support/test-gateway';

const CREATE = `mutation Create($input: CreateInvoiceInput!) {
  createInvoice(input: $input) { referenceNumber status invoiceText customer { number name } }
}`;

const UPDATE = `mutation Update($referenceNumber: ID!, $lines: [InvoiceLineChangeInput!]!, $expectedVersion: String) {
  updateInvoiceLines(referenceNumber: $referenceNumber, lines: $lines, expectedVersion: $expectedVersion) { referenceNumber }
}`;

describe('CustomerInvoiceMutationResolver', () => {
  let visma: FakeVismaApi;
  let gateway: TestGateway;

  beforeEach(async () => {
    visma = new FakeVismaApi();
    visma.customers.set('10000', makeCustomer('10000', { name: 'Nordlys AS' }));
    visma.invoices = [makeInvoice({ referenceNumber: '003547', status: 'Balanced', version: 'v1' })];
    gateway = await testGateway(visma);
  });

  afterEach(() => gateway.stop());

  describe('createInvoice', () => {
    it('creates and reads back the invoice: exactly two upstream calls', async () => {
      const result = await gateway.run(CREATE, {
        input: { customerNumber: '10000', invoiceText: 'Potatoes', lines: [{ inventoryNumber: '222', quantity: 500, unitPrice: '1.25' }] },
      });
      expect(result).toEqual({
        data: {
          createInvoice: {
            referenceNumber: '900001',
            status: 'BALANCED',
            invoiceText: 'Potatoes',
            customer: { number: '10000', name: 'Nordlys AS' },
          },
        },
      });
      expect(visma.calls.map((call) => call.method)).toEqual(['createInvoice', 'getInvoice']);
      expect(visma.calls[0]).toMatchObject({
        draft: {
          customerNumber: '10000',
          invoiceText: 'Potatoes',
          lines: [{ inventoryNumber: '222', quantity: '500', unitPriceInCurrency: '1.25' }],
        },
      });
    });

    it('validates before any upstream call and names the field', async () => {
      const result = await gateway.run(CREATE, { input: { customerNumber: '10000', lines: [{ quantity: '1' }] } });
      expect(result.errors?.[0]).toMatchObject({
        message: 'input.lines[0].inventoryNumber: a new line needs an inventoryNumber or a description.',
        extensions: { code: 'BAD_USER_INPUT', field: 'input.lines[0].inventoryNumber' },
      });
      expect(visma.calls).toEqual([]);
    });

    it('refuses an impossible date in the scalar, before any upstream call', async () => {
      const result = await gateway.run(CREATE, {
        input: { customerNumber: '10000', documentDate: '2025-02-30', lines: [{ description: 'x' }] },
      });
      expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain('Date must be a calendar date as "YYYY-MM-DD"; received "2025-02-30".');
      expect(visma.calls).toEqual([]);
    });

    it('says the invoice was created when only the read-back failed', async () => {
      visma.failNext.set('getInvoice', new VismaUnavailableError('503'));
      const result = await gateway.run(CREATE, { input: { customerNumber: '10000', lines: [{ description: 'x' }] } });
      expect(result.errors?.[0]).toMatchObject({
        message: 'Invoice "900001" was created, but reading it back failed: Visma is unavailable or gave an unreadable answer.',
        extensions: { code: 'UPSTREAM_UNAVAILABLE', referenceNumber: '900001' },
      });
    });
  });

  describe('updateInvoiceLines', () => {
    it('sends the line changes with If-Match and reads the invoice back', async () => {
      const result = await gateway.run(UPDATE, {
        referenceNumber: '003547',
        expectedVersion: 'v1',
        lines: [
          { operation: 'INSERT', line: { inventoryNumber: '6', quantity: '1', unitPrice: '1' } },
          { operation: 'UPDATE', lineNumber: 1, line: { quantity: '2' } },
          { operation: 'DELETE', lineNumber: 2 },
        ],
      });
      expect(result).toEqual({ data: { updateInvoiceLines: { referenceNumber: '003547' } } });
      expect(visma.calls.map((call) => call.method)).toEqual(['updateInvoice', 'getInvoice']);
      expect(visma.calls[0]).toMatchObject({
        referenceNumber: '003547',
        patch: {
          lineChanges: [
            { operation: 'Insert', line: { inventoryNumber: '6', quantity: '1', unitPriceInCurrency: '1' } },
            { operation: 'Update', lineNumber: 1, line: { quantity: '2' } },
            { operation: 'Delete', lineNumber: 2 },
          ],
        },
        options: { ifMatch: 'v1' },
      });
    });

    it('sends no If-Match without an expected version', async () => {
      await gateway.run(UPDATE, { referenceNumber: '003547', lines: [{ operation: 'DELETE', lineNumber: 1 }] });
      const call = visma.calls[0];
      expect(call?.method === 'updateInvoice' && call.options?.ifMatch).toBeUndefined();
    });

    it('is NOT_FOUND for an invoice Visma does not have', async () => {
      const result = await gateway.run(UPDATE, { referenceNumber: '404', lines: [{ operation: 'DELETE', lineNumber: 1 }] });
      expect(result.errors?.[0]).toMatchObject({ message: 'Customer invoice "404" does not exist.', extensions: { code: 'NOT_FOUND' } });
    });

    it('is CONFLICT when the version moved on', async () => {
      visma.failNext.set('updateInvoice', new VismaConflictError('412'));
      const result = await gateway.run(UPDATE, {
        referenceNumber: '003547',
        expectedVersion: 'old',
        lines: [{ operation: 'DELETE', lineNumber: 1 }],
      });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
      expect(visma.calls.map((call) => call.method)).toEqual(['updateInvoice']);
    });
  });

  describe('releaseInvoice', () => {
    it("returns Visma's action result with the invoice in its new status", async () => {
      const result = await gateway.run(
        'mutation { releaseInvoice(referenceNumber: "003547", expectedVersion: "v1") { actionId result invoice { referenceNumber status } } }',
      );
      expect(result).toEqual({
        data: { releaseInvoice: { actionId: 'action-1', result: 'DONE', invoice: { referenceNumber: '003547', status: 'OPEN' } } },
      });
      expect(visma.calls.map((call) => call.method)).toEqual(['releaseInvoice', 'getInvoice']);
      expect(visma.calls[0]).toMatchObject({ options: { ifMatch: 'v1' } });
    });
  });
});
