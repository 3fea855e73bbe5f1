import { GraphQLError } from 'graphql';
import { formatGatewayError } from '../../../src/graphql/errors';
import { publicError, withPublicErrors } from '../../../src/graphql/event-errors';
import { InvoicesService } from '../../../src/invoices';
import { VismaRateLimitedError, VismaUnavailableError } from '../../../src/visma/errors';
import { depsFor } from '../invoices/support';
import { FakeVismaApi, makeCustomer, makeInvoice } from './support/fake-visma-api';

const CALL = { requestId: 'req-event', deadline: Date.now() + 60_000 };

/** What reaches graphql-js, as it reaches a router: serialised, its `extensions` all that is left of what was thrown. */
function serialised(error: unknown): unknown {
  return new GraphQLError(error instanceof Error ? error.message : String(error), {
    path: ['invoiceChanged', 'invoice', 'customer', 'email'],
    originalError: error as Error,
  }).toJSON();
}

describe("an event's invoices service with public errors", () => {
  let visma: FakeVismaApi;
  let service: InvoicesService;

  beforeEach(() => {
    visma = new FakeVismaApi();
    visma.invoices = [makeInvoice({ referenceNumber: '1001', customer: { number: '10000', name: null } })];
    visma.customers.set('10000', makeCustomer('10000'));
    service = withPublicErrors(new InvoicesService(depsFor(visma), CALL));
  });

  it("fails a Visma read with the code and message a query's answer would show, which survive serialisation", async () => {
    const cause = new VismaUnavailableError('503 from Visma at /customer/10000 (upstream detail)', { status: 503 });
    visma.failNext.set('getCustomer', cause);
    const error = await service.getCustomer('10000').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).originalError).toBe(cause);
    const expected = formatGatewayError({ message: cause.message }, cause);
    expect(serialised(error)).toEqual({
      message: expected.message,
      path: ['invoiceChanged', 'invoice', 'customer', 'email'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(JSON.stringify(serialised(error))).not.toContain('upstream detail');
  });

  it('keeps what a code carries besides the code (retryAfterSeconds)', async () => {
    visma.failNext.set('getInvoice', new VismaRateLimitedError('429', 7, { status: 429 }));
    const error = await service.getInvoice('1001').catch((caught: unknown) => caught);
    expect((error as GraphQLError).extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 7 });
  });

  it('leaves an unexpected error as it is, to be masked where the event is sent', async () => {
    const bug = new TypeError('Cannot read properties of undefined (reading "number")');
    visma.failNext.set('getCustomer', bug);
    expect(await service.getCustomer('10000').catch((caught: unknown) => caught)).toBe(bug);
    expect(publicError(bug)).toBe(bug);
    expect(formatGatewayError(serialised(bug) as never, serialised(bug)).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it("gives a list's unreadable row, an error in its place, its code too, and the rows that can be read as they are", async () => {
    const listInvoices = visma.listInvoices.bind(visma);
    visma.listInvoices = async (query, options) => {
      const page = await listInvoices(query, options);
      return { ...page, unreadable: [{ position: 0, referenceNumber: '0999', reason: 'dueDate "31.02" (logs only)' }] };
    };
    const window = await service.listInvoices({ filter: {}, offset: 0, count: 5 });
    const [unreadable, readable] = window.rows;
    expect(serialised(unreadable)).toEqual({
      message: expect.stringContaining('Invoice "0999" cannot be read'),
      path: ['invoiceChanged', 'invoice', 'customer', 'email'],
      extensions: { code: 'UPSTREAM_RECORD_UNREADABLE', referenceNumber: '0999' },
    });
    expect(readable).toEqual(expect.objectContaining({ referenceNumber: '1001' }));
  });

  it('answers as the service does when nothing fails, its own methods still its own', async () => {
    service.prime(makeInvoice({ referenceNumber: '2002' }));
    expect((await service.getInvoice('2002'))?.referenceNumber).toBe('2002');
    expect((await service.getCustomer('10000'))?.number).toBe('10000');
    expect((await service.listInvoices({ filter: {}, offset: 0, count: 5 })).invoices.map((invoice) => invoice.referenceNumber)).toEqual([
      '1001',
    ]);
    expect(visma.calls.map((call) => call.method)).toEqual(['getCustomer', 'listInvoices']);
  });
});
