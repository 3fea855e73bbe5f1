import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateInvoiceDocument,
  InvoiceDocument,
  ListInvoicesDocument,
  UpdateInvoiceLinesDocument,
  type CreateInvoiceMutationVariables,
  type InvoiceQueryVariables,
  type ListInvoicesQueryVariables,
  type UpdateInvoiceLinesMutationVariables,
} from '../generated/operations';
import { type EXAMPLE_OPERATIONS, OPERATIONS_DIR } from '../../src/server/playground/playground';
import { OpsGateway } from './helpers/ops-gateway';

/** The variables the playground opens each example with (operations/<name>.variables.json). */
function exampleVariables<T>(name: (typeof EXAMPLE_OPERATIONS)[number]): T {
  return JSON.parse(readFileSync(path.join(OPERATIONS_DIR, `${name}.variables.json`), 'utf8')) as T;
}

describe('the example operations (operations/*.graphql, typed by codegen)', () => {
  let gateway: OpsGateway;
  beforeAll(async () => {
    gateway = await OpsGateway.start();
  });
  afterAll(() => gateway.stop());

  it('lists open invoices with their customers', async () => {
    const { data, errors } = await gateway.run(ListInvoicesDocument, exampleVariables<ListInvoicesQueryVariables>('list-invoices'));
    expect(errors).toBeUndefined();
    const page = data?.customerInvoices;
    expect(page?.nodes).toHaveLength(5);
    // A node is null only when the invoice cannot be read (docs/api.md, "Unreadable records"): none here.
    expect(page?.nodes.every((invoice) => invoice !== null && invoice.status === 'OPEN' && invoice.customer?.name !== null)).toBe(true);
    // Every invoice and customer carries its global id, which is what a client cache keys on.
    expect(new Set(page?.nodes.map((invoice) => invoice?.id)).size).toBe(5);
    expect(page?.nodes.every((invoice) => typeof invoice?.customer?.id === 'string')).toBe(true);
    expect(page?.totalCount).toBeGreaterThan(5);
    expect(page?.pageInfo.hasNextPage).toBe(true);
  });

  it('reads one invoice with its lines', async () => {
    const { data, errors } = await gateway.run(InvoiceDocument, exampleVariables<InvoiceQueryVariables>('invoice'));
    expect(errors).toBeUndefined();
    expect(data?.customerInvoice?.referenceNumber).toBe('003547');
    expect(data?.customerInvoice?.lines.length).toBeGreaterThan(0);
  });

  it('creates an invoice, then changes its lines at the version it got', async () => {
    const created = await gateway.run(CreateInvoiceDocument, exampleVariables<CreateInvoiceMutationVariables>('create-invoice'));
    expect(created.errors).toBeUndefined();
    const invoice = created.data?.createInvoice;
    expect(invoice?.lines.map((line) => line.description)).toEqual(['Potatoes, 25 kg', 'Delivery']);

    const example = exampleVariables<UpdateInvoiceLinesMutationVariables>('update-invoice-lines');
    const updated = await gateway.run(UpdateInvoiceLinesDocument, {
      referenceNumber: invoice?.referenceNumber ?? '',
      expectedVersion: invoice?.version ?? null,
      lines: [
        ...(Array.isArray(example.lines) ? example.lines : [example.lines]),
        { operation: 'INSERT', line: { description: 'Extra hour', quantity: '1', unitPrice: '1250' } },
      ],
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updateInvoiceLines.lines.map((line) => [line.description, line.quantity])).toEqual([
      ['Potatoes, 25 kg', '3'],
      ['Delivery', '1'],
      ['Extra hour', '1'],
    ]);
    // The same invoice and the same two lines, by the ids a client cache holds them under; the new line has its own.
    const changed = updated.data?.updateInvoiceLines;
    expect(changed?.id).toBe(invoice?.id);
    expect(changed?.lines.slice(0, 2).map((line) => line.id)).toEqual(invoice?.lines.map((line) => line.id));
    expect(new Set(changed?.lines.map((line) => line.id)).size).toBe(3);
  });

  it('runs the update example as the playground opens it, against the demo invoice', async () => {
    const { data, errors } = await gateway.run(
      UpdateInvoiceLinesDocument,
      exampleVariables<UpdateInvoiceLinesMutationVariables>('update-invoice-lines'),
    );
    expect(errors).toBeUndefined();
    expect(data?.updateInvoiceLines.referenceNumber).toBe('003547');
  });
});
