import {
  InvalidRequestError,
  InvoiceLimitExceededError,
  InvoiceNotFoundError,
  InvoicesService,
  LineLimitExceededError,
  ReadBackError,
  UpstreamBudgetExceededError,
  type InvoicesDeps,
} from '../../../src/invoices';
import { VismaConflictError, VismaUnavailableError } from '../../../src/visma/errors';
import { FULL_EXPANSION } from '../../../src/visma/expansion';
import type { CustomerInvoice, InvoiceDraft } from '../../../src/visma/model';
import { FakeVismaApi, makeCustomer, makeInvoice } from '../graphql/support/fake-visma-api';
import { SHIPPED_LIMITS, depsFor } from './support';

const CALL = { requestId: 'req-1', deadline: 5_000 };
const DRAFT: InvoiceDraft = { customerNumber: '10000', lines: [{ description: 'Potatoes', quantity: '5' }] };
const KEY = 'order-4711-invoice-1';

function methods(visma: FakeVismaApi): string[] {
  return visma.calls.map((call) => call.method);
}

/** Makes every list call wait a tick, and records how many ran at once. */
function slowLists(visma: FakeVismaApi): { max: () => number } {
  let inFlight = 0;
  let max = 0;
  const listInvoices = visma.listInvoices.bind(visma);
  visma.listInvoices = async (query, options) => {
    inFlight += 1;
    max = Math.max(max, inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      return await listInvoices(query, options);
    } finally {
      inFlight -= 1;
    }
  };
  return { max: () => max };
}

describe('InvoicesService', () => {
  let visma: FakeVismaApi;
  let deps: InvoicesDeps;
  let service: InvoicesService;

  beforeEach(() => {
    visma = new FakeVismaApi();
    visma.invoices = Array.from({ length: 12 }, (_, index) =>
      makeInvoice({
        referenceNumber: String(1000 + index),
        version: 'v1',
        customer: { number: String(10000 + (index % 3)), name: null },
      }),
    );
    for (const number of ['10000', '10001', '10002', '10003', '10004', '10005']) {
      visma.customers.set(number, makeCustomer(number));
    }
    deps = depsFor(visma);
    service = new InvoicesService(deps, CALL);
  });

  describe('reads', () => {
    it("reads an invoice once per request, with the request's call options", async () => {
      const [first, again] = await Promise.all([service.getInvoice('1001'), service.getInvoice('1001')]);
      expect(first).toMatchObject({ referenceNumber: '1001' });
      expect(again).toBe(first);
      await service.getInvoice('1001');
      expect(visma.calls).toEqual([{ method: 'getInvoice', referenceNumber: '1001', options: CALL }]);
    });

    it('gives null for an invoice or a customer Visma does not have', async () => {
      await expect(service.getInvoice('404')).resolves.toBeNull();
      await expect(service.getCustomer('404')).resolves.toBeNull();
    });

    it('does not share what one request read with the next', async () => {
      await service.getInvoice('1001');
      await new InvoicesService(deps, { requestId: 'req-2' }).getInvoice('1001');
      expect(visma.calls.map((call) => call.options?.requestId)).toEqual(['req-1', 'req-2']);
    });

    it('keeps at most customerLookupConcurrency customer GETs in flight', async () => {
      const bounded = new InvoicesService(depsFor(visma, { invoice: 4, customer: 2 }), CALL);
      const numbers = ['10000', '10001', '10002', '10003', '10004', '10005'];
      await Promise.all(numbers.map((number) => bounded.getCustomer(number)));
      expect(visma.countOf('getCustomer')).toBe(6);
      expect(visma.maxInFlightCustomers).toBe(2);
    });
  });

  describe('listInvoices', () => {
    it('reads one fully expanded page and primes the invoice loader with its rows', async () => {
      const window = await service.listInvoices({ filter: {}, offset: 2, count: 3 });
      expect(window.invoices.map((invoice) => invoice.referenceNumber)).toEqual(['1002', '1003', '1004']);
      expect(window).toMatchObject({ offset: 2, knownTotal: 12, exhausted: false });
      await expect(service.getInvoice('1003')).resolves.toBe(window.invoices[1]);
      expect(visma.calls).toEqual([
        { method: 'listInvoices', query: { filter: {}, pageNumber: 1, pageSize: 5, expand: FULL_EXPANSION }, options: CALL },
      ]);
    });

    it('does not replace an invoice the request already read', async () => {
      const read = await service.getInvoice('1001');
      await service.listInvoices({ filter: {}, offset: 0, count: 3 });
      await expect(service.getInvoice('1001')).resolves.toBe(read);
    });

    it('runs per-parent lists at most invoiceLookupConcurrency at once, and other lists unbounded', async () => {
      const lists = slowLists(visma);
      const bounded = new InvoicesService(depsFor(visma, { invoice: 2, customer: 4 }), CALL);
      const customers = ['10000', '10001', '10002', '10003', '10004'];
      await Promise.all(
        customers.map((customerNumber) => bounded.listInvoices({ filter: { customerNumber }, offset: 0, count: 1, perParent: true })),
      );
      expect(lists.max()).toBe(2);

      const unbounded = slowLists(visma);
      await Promise.all(customers.map((customerNumber) => bounded.listInvoices({ filter: { customerNumber }, offset: 0, count: 1 })));
      expect(unbounded.max()).toBe(5);
      expect(visma.countOf('listInvoices')).toBe(10);
    });

    it("learns Visma's page-size cap in one request and plans the next with it", async () => {
      visma.maxPageSize = 4;
      await service.listInvoices({ filter: {}, offset: 0, count: 6 });
      visma.calls.length = 0;
      await new InvoicesService(deps, { requestId: 'req-2' }).listInvoices({ filter: {}, offset: 0, count: 6 });
      expect(visma.calls.map((call) => call.method === 'listInvoices' && call.query.pageSize)).toEqual([3, 3]);
    });
  });

  describe('createInvoice', () => {
    it('without a key: sends the create once and reads the invoice back', async () => {
      const invoice = await service.createInvoice({ ...DRAFT, externalReference: 'ERP-1' });
      expect(invoice).toMatchObject({ referenceNumber: '900001' });
      expect(methods(visma)).toEqual(['createInvoice', 'getInvoice']);
      expect(visma.calls[0]).toMatchObject({ draft: { externalReference: 'ERP-1' }, options: CALL });
    });

    it('with a key: stamps the create, and answers a repeat with the same invoice without a second create', async () => {
      const first = await service.createInvoice(DRAFT, KEY);
      const again = await new InvoicesService(deps, { requestId: 'req-2' }).createInvoice(DRAFT, KEY);
      expect(again.referenceNumber).toBe(first.referenceNumber);
      expect(visma.countOf('createInvoice')).toBe(1);
      expect(visma.calls.find((call) => call.method === 'createInvoice')).toMatchObject({
        draft: { externalReference: expect.stringMatching(/^idem-[0-9a-f]{32}$/) },
      });
    });

    it.each([
      ['a malformed key', 'short', DRAFT, 'idempotencyKey'],
      ['an externalReference beside a key', KEY, { ...DRAFT, externalReference: 'ERP-1' }, 'input.externalReference'],
    ])('refuses %s before any upstream call', async (_name, key, draft, field) => {
      const error = await service.createInvoice(draft, key).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).problems).toEqual([{ field, message: expect.any(String) }]);
      expect(visma.calls).toEqual([]);
    });

    it('says the invoice was created when only the read-back failed', async () => {
      const unavailable = new VismaUnavailableError('503');
      visma.failNext.set('getInvoice', unavailable);
      const error = await service.createInvoice(DRAFT).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ReadBackError);
      expect(error).toMatchObject({ referenceNumber: '900001', write: 'created', cause: unavailable });
    });

    it('lets an unexpected read-back failure through as it is', async () => {
      const bug = new TypeError('bug');
      visma.failNext.set('getInvoice', bug);
      await expect(service.createInvoice(DRAFT)).rejects.toBe(bug);
    });
  });

  describe('updateInvoiceLines', () => {
    it('sends the changes with If-Match, and later reads in the request see the invoice as read back', async () => {
      const before = await service.getInvoice('1001');
      visma.calls.length = 0;
      const after = await service.updateInvoiceLines('1001', [{ operation: 'Delete', lineNumber: 1 }], 'v1');
      expect(visma.calls).toEqual([
        {
          method: 'updateInvoice',
          referenceNumber: '1001',
          patch: { lineChanges: [{ operation: 'Delete', lineNumber: 1 }] },
          options: { ...CALL, ifMatch: 'v1' },
        },
        { method: 'getInvoice', referenceNumber: '1001', options: CALL },
      ]);
      expect(after).not.toBe(before);
      await expect(service.getInvoice('1001')).resolves.toBe(after);
      expect(visma.calls).toHaveLength(2);
    });

    it('refuses an insert without an expected version before any upstream call', async () => {
      const error = await service
        .updateInvoiceLines('1001', [{ operation: 'Insert', line: { description: 'Extra' } }])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).problems[0]?.field).toBe('expectedVersion');
      expect(visma.calls).toEqual([]);
    });

    it('is InvoiceNotFoundError for an invoice Visma does not have, without a read-back', async () => {
      await expect(service.updateInvoiceLines('404', [{ operation: 'Delete', lineNumber: 1 }])).rejects.toEqual(
        new InvoiceNotFoundError('404'),
      );
      expect(methods(visma)).toEqual(['updateInvoice']);
    });

    it("lets Visma's conflict through as it is", async () => {
      const conflict = new VismaConflictError('412');
      visma.failNext.set('updateInvoice', conflict);
      await expect(service.updateInvoiceLines('1001', [{ operation: 'Delete', lineNumber: 1 }], 'old')).rejects.toBe(conflict);
      expect(methods(visma)).toEqual(['updateInvoice']);
    });
  });

  describe('releaseInvoice', () => {
    it("returns Visma's action with the invoice as it is after the release", async () => {
      const released = await service.releaseInvoice('1001', 'v1');
      expect(released).toMatchObject({ action: { actionId: 'action-1', result: 'Done' }, invoice: { referenceNumber: '1001' } });
      expect(visma.calls[0]).toMatchObject({ method: 'releaseInvoice', options: { ...CALL, ifMatch: 'v1' } });
      expect(methods(visma)).toEqual(['releaseInvoice', 'getInvoice']);
    });

    it('is InvoiceNotFoundError for an invoice Visma does not have', async () => {
      await expect(service.releaseInvoice('404')).rejects.toBeInstanceOf(InvoiceNotFoundError);
    });
  });

  describe("the request's budget", () => {
    const limited = (limits: Partial<typeof SHIPPED_LIMITS>) =>
      new InvoicesService(depsFor(visma, { invoice: 4, customer: 4 }, { ...SHIPPED_LIMITS, ...limits }), CALL);

    it('refuses the call past maxUpstreamCalls without sending it, failing only the read that asked', async () => {
      const budgeted = limited({ calls: 3 });
      const results = await Promise.allSettled(['1001', '1002', '1003', '1004'].map((number) => budgeted.getInvoice(number)));
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      expect((results[3] as PromiseRejectedResult).reason).toEqual(new UpstreamBudgetExceededError(3));
      expect(visma.countOf('getInvoice')).toBe(3);
      await expect(budgeted.getCustomer('10000')).rejects.toBeInstanceOf(UpstreamBudgetExceededError);
      expect(visma.countOf('getCustomer')).toBe(0);
      expect(budgeted.spent().upstreamCalls).toBe(3);
    });

    it('counts the calls no estimate foresees as they are made: a page read again after Visma capped its size', async () => {
      visma.maxPageSize = 4;
      const budgeted = limited({ calls: 2 });
      // Planned as one page of 6; Visma caps it at 4, so the window is read again as two pages of 3.
      await expect(budgeted.listInvoices({ filter: {}, offset: 0, count: 6 })).rejects.toEqual(new UpstreamBudgetExceededError(2));
      expect(visma.calls.map((call) => call.method === 'listInvoices' && call.query.pageSize)).toEqual([6, 3]);
    });

    it('counts the count call of an empty window', async () => {
      const budgeted = limited({ calls: 1 });
      const window = await budgeted.listInvoices({ filter: {}, offset: 50, count: 5 });
      await expect(window.totalCount()).rejects.toBeInstanceOf(UpstreamBudgetExceededError);
      expect(visma.countOf('listInvoices')).toBe(1);
    });

    it('never refuses the read-back of a write it admitted, and counts it', async () => {
      const budgeted = limited({ calls: 1 });
      await expect(budgeted.createInvoice(DRAFT)).resolves.toMatchObject({ referenceNumber: '900001' });
      expect(methods(visma)).toEqual(['createInvoice', 'getInvoice']);
      expect(budgeted.spent()).toEqual({ upstreamCalls: 2, invoices: 1 });
      await expect(budgeted.updateInvoiceLines('1001', [{ operation: 'Delete', lineNumber: 1 }])).rejects.toBeInstanceOf(
        UpstreamBudgetExceededError,
      );
      expect(methods(visma)).toEqual(['createInvoice', 'getInvoice']);
    });

    it('refuses a window that would pass maxInvoices before any call, and takes only the rows a short page held', async () => {
      const budgeted = limited({ invoices: 10 });
      const tail = await budgeted.listInvoices({ filter: {}, offset: 8, count: 8 });
      expect(tail.invoices).toHaveLength(4);
      expect(budgeted.spent().invoices).toBe(4);
      visma.calls.length = 0;
      await expect(budgeted.listInvoices({ filter: {}, offset: 0, count: 7 })).rejects.toEqual(new InvoiceLimitExceededError(10, 11));
      expect(visma.calls).toEqual([]);
      await expect(budgeted.listInvoices({ filter: {}, offset: 0, count: 6 })).resolves.toMatchObject({ offset: 0 });
      expect(budgeted.spent().invoices).toBe(10);
    });

    describe('lines', () => {
      /** Gives invoice `referenceNumber` `count` lines (copies of one: the budget counts, it does not read them). */
      const withLines = (referenceNumber: string, count: number): void => {
        const invoice = visma.invoices.find((candidate) => candidate.referenceNumber === referenceNumber);
        const line = { lineNumber: 1 } as unknown as CustomerInvoice['lines'][number];
        if (invoice !== undefined) invoice.lines = Array.from({ length: count }, () => line);
      };

      it('counts the lines of every invoice read, and fails the read that takes them past maxInvoiceLines', async () => {
        withLines('1001', 6);
        withLines('1002', 5);
        const budgeted = limited({ lines: 10 });
        await expect(budgeted.getInvoice('1001')).resolves.toMatchObject({ referenceNumber: '1001' });
        await expect(budgeted.getInvoice('1002')).rejects.toEqual(new LineLimitExceededError(10, 11));
        // The read that crossed was made (how large it is shows only once read); none after it is sent.
        await expect(budgeted.getInvoice('1003')).rejects.toEqual(new LineLimitExceededError(10, 11));
        await expect(budgeted.listInvoices({ filter: {}, offset: 0, count: 2 })).rejects.toEqual(new LineLimitExceededError(10, 11));
        expect(methods(visma)).toEqual(['getInvoice', 'getInvoice']);
      });

      it('counts a page by the lines of all its invoices', async () => {
        withLines('1000', 4);
        withLines('1004', 4);
        withLines('1011', 4);
        await expect(limited({ lines: 12 }).listInvoices({ filter: {}, offset: 0, count: 12 })).resolves.toMatchObject({ offset: 0 });
        await expect(limited({ lines: 11 }).listInvoices({ filter: {}, offset: 0, count: 12 })).rejects.toEqual(
          new LineLimitExceededError(11, 12),
        );
      });

      it('never refuses the read-back of a write, and counts its lines', async () => {
        const budgeted = limited({ lines: 1 });
        withLines('1001', 3);
        const updated = await budgeted.updateInvoiceLines('1001', [{ operation: 'Delete', lineNumber: 1 }]);
        expect(updated.lines).toHaveLength(3);
        await expect(budgeted.getInvoice('1002')).rejects.toEqual(new LineLimitExceededError(1, 3));
      });
    });

    it('counts every invoice a read answers with, and none for an invoice Visma does not have', async () => {
      const budgeted = limited({ invoices: 2 });
      await expect(budgeted.getInvoice('404')).resolves.toBeNull();
      await budgeted.getInvoice('1001');
      await budgeted.getInvoice('1001');
      await expect(budgeted.getInvoice('1002')).rejects.toEqual(new InvoiceLimitExceededError(2, 3));
      expect(visma.calls.map((call) => call.method === 'getInvoice' && call.referenceNumber)).toEqual(['404', '1001']);
    });
  });

  describe('prime', () => {
    it('lets a later read of the invoice in the request cost nothing', async () => {
      const invoice = makeInvoice({ referenceNumber: '77' });
      service.prime(invoice);
      await expect(service.getInvoice('77')).resolves.toBe(invoice);
      expect(visma.calls).toEqual([]);
    });
  });
});
