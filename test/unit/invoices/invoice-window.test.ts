import { fetchInvoiceWindow } from '../../../src/invoices/invoice-window';
import { UpstreamPageSize } from '../../../src/invoices/upstream-page-size';
import type { CallOptions } from '../../../src/visma/api';
import { VismaUnreadableRecordError } from '../../../src/visma/errors';
import { FULL_EXPANSION } from '../../../src/visma/expansion';
import type { InvoiceListQuery, InvoicePage } from '../../../src/visma/model';
import { FakeVismaApi, makeInvoice } from '../graphql/support/fake-visma-api';

function fakeWith(count: number): FakeVismaApi {
  const visma = new FakeVismaApi();
  visma.invoices = Array.from({ length: count }, (_, index) => makeInvoice({ referenceNumber: String(index).padStart(6, '0') }));
  return visma;
}

function listQueries(visma: FakeVismaApi): Array<Pick<InvoiceListQuery, 'pageNumber' | 'pageSize'>> {
  return visma.calls.flatMap((call) =>
    call.method === 'listInvoices' ? [{ pageNumber: call.query.pageNumber, pageSize: call.query.pageSize }] : [],
  );
}

const OPTIONS = { requestId: 'r-1' };

function numbers(invoices: Array<{ referenceNumber: string }>): number[] {
  return invoices.map((invoice) => Number(invoice.referenceNumber));
}

describe('fetchInvoiceWindow', () => {
  it('reads a first page with one call, asking for every expansion', async () => {
    const visma = fakeWith(120);
    const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 0, count: 50 }, new UpstreamPageSize(), OPTIONS);
    expect(visma.calls).toEqual([
      { method: 'listInvoices', query: { filter: {}, pageNumber: 1, pageSize: 50, expand: FULL_EXPANSION }, options: OPTIONS },
    ]);
    expect(numbers(window.invoices)).toEqual(Array.from({ length: 50 }, (_, index) => index));
    expect(window).toMatchObject({ offset: 0, knownTotal: 120, exhausted: false });
  });

  it('fits a window that straddles page boundaries into one larger page', async () => {
    const visma = fakeWith(120);
    const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 30, count: 50 }, new UpstreamPageSize(), OPTIONS);
    expect(listQueries(visma)).toEqual([{ pageNumber: 1, pageSize: 80 }]);
    expect(numbers(window.invoices)).toEqual(Array.from({ length: 50 }, (_, index) => 30 + index));
  });

  it('does not read a page that starts past the reported total', async () => {
    const visma = fakeWith(8);
    visma.maxPageSize = 10;
    const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 5, count: 11 }, new UpstreamPageSize(10), OPTIONS);
    expect(listQueries(visma)).toEqual([{ pageNumber: 1, pageSize: 8 }]);
    expect(numbers(window.invoices)).toEqual([5, 6, 7]);
    expect(window).toMatchObject({ knownTotal: 8, exhausted: true });
  });

  it('stops after a short page', async () => {
    const visma = fakeWith(12);
    visma.maxPageSize = 10;
    const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 5, count: 11 }, new UpstreamPageSize(10), OPTIONS);
    expect(listQueries(visma)).toEqual([
      { pageNumber: 1, pageSize: 8 },
      { pageNumber: 2, pageSize: 8 },
    ]);
    expect(numbers(window.invoices)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(window.exhausted).toBe(true);
  });

  describe("Visma's silent page-size cap", () => {
    it('plans again with the size Visma reported, and remembers it for the next request', async () => {
      const visma = fakeWith(300);
      visma.maxPageSize = 100;
      const pageSize = new UpstreamPageSize();
      const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 0, count: 150 }, pageSize, OPTIONS);
      expect(listQueries(visma)).toEqual([
        { pageNumber: 1, pageSize: 150 },
        { pageNumber: 1, pageSize: 75 },
        { pageNumber: 2, pageSize: 75 },
      ]);
      expect(numbers(window.invoices)).toEqual(Array.from({ length: 150 }, (_, index) => index));
      expect(pageSize.current()).toBe(100);

      visma.calls.length = 0;
      await fetchInvoiceWindow(visma, { filter: {}, offset: 150, count: 150 }, pageSize, OPTIONS);
      expect(listQueries(visma)).toEqual([
        { pageNumber: 3, pageSize: 75 },
        { pageNumber: 4, pageSize: 75 },
      ]);
    });
  });

  describe('totalCount', () => {
    it('comes from the metadata without another call', async () => {
      const visma = fakeWith(120);
      const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 0, count: 10 }, new UpstreamPageSize(), OPTIONS);
      await expect(window.totalCount()).resolves.toBe(120);
      expect(visma.calls).toHaveLength(1);
    });

    it('is 0 for an empty list without another call', async () => {
      const visma = fakeWith(0);
      const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 0, count: 10 }, new UpstreamPageSize(), OPTIONS);
      await expect(window.totalCount()).resolves.toBe(0);
      expect(window.exhausted).toBe(true);
      expect(visma.calls).toHaveLength(1);
    });

    it('costs one call of page size 1, once, after an empty page past the end', async () => {
      const visma = fakeWith(20);
      const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 40, count: 10 }, new UpstreamPageSize(), OPTIONS);
      expect(window).toMatchObject({ invoices: [], knownTotal: null, exhausted: true });
      await expect(Promise.all([window.totalCount(), window.totalCount()])).resolves.toEqual([20, 20]);
      expect(listQueries(visma)).toEqual([
        { pageNumber: 5, pageSize: 10 },
        { pageNumber: 1, pageSize: 1 },
      ]);
    });

    it('makes no list call at all for first: 0 until the total is asked for', async () => {
      const visma = fakeWith(20);
      const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 0, count: 0 }, new UpstreamPageSize(), OPTIONS);
      expect(visma.calls).toHaveLength(0);
      await expect(window.totalCount()).resolves.toBe(20);
      expect(listQueries(visma)).toEqual([{ pageNumber: 1, pageSize: 1 }]);
    });
  });

  describe('an invoice Visma holds that cannot be read', () => {
    /** Visma's pages with the invoices numbered in `bad` carried as unreadable, in their places. */
    class WithBadRecords extends FakeVismaApi {
      constructor(readonly bad: ReadonlySet<string>) {
        super();
      }

      override async listInvoices(query: InvoiceListQuery, options?: CallOptions): Promise<InvoicePage> {
        const page = await super.listInvoices(query, options);
        const unreadable = page.invoices.flatMap((invoice, position) =>
          this.bad.has(invoice.referenceNumber)
            ? [{ position, referenceNumber: invoice.referenceNumber, reason: 'a due date in year 10000' }]
            : [],
        );
        return { ...page, invoices: page.invoices.filter((invoice) => !this.bad.has(invoice.referenceNumber)), unreadable };
      }
    }

    function badAt(count: number, bad: number[]): WithBadRecords {
      const visma = new WithBadRecords(new Set(bad.map((index) => String(index).padStart(6, '0'))));
      visma.invoices = fakeWith(count).invoices;
      return visma;
    }

    it('is a row of its own, in its place, and its neighbours are intact', async () => {
      const visma = badAt(20, [3]);
      const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 2, count: 3 }, new UpstreamPageSize(), OPTIONS);

      expect(
        window.rows.map((row) => (row instanceof VismaUnreadableRecordError ? `!${row.referenceNumber}` : row.referenceNumber)),
      ).toEqual(['000002', '!000003', '000004']);
      expect(numbers(window.invoices)).toEqual([2, 4]);
      expect(window.rows[1]).toMatchObject({ message: 'a due date in year 10000', operation: 'GET /v1/customerinvoice' });
    });

    it('counts in the page length, so a full page with one is not taken for the last', async () => {
      const visma = badAt(30, [9]);
      visma.maxPageSize = 10;
      const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 5, count: 10 }, new UpstreamPageSize(10), OPTIONS);

      // Rows 5-9 and 10-14: the bad one is the last of the first page read.
      expect(listQueries(visma)).toEqual([
        { pageNumber: 2, pageSize: 5 },
        { pageNumber: 3, pageSize: 5 },
      ]);
      expect(window.rows).toHaveLength(10);
      expect(window).toMatchObject({ knownTotal: 30, exhausted: false });
    });

    it('counts in the total a short last page implies', async () => {
      const visma = badAt(7, [6]);
      visma.maxPageSize = 10;
      // The fake reports a total on every page; Visma's metadata may be missing, so drop it.
      const list = visma.listInvoices.bind(visma);
      visma.listInvoices = async (query, options) => ({ ...(await list(query, options)), totalCount: null });
      const window = await fetchInvoiceWindow(visma, { filter: {}, offset: 0, count: 10 }, new UpstreamPageSize(10), OPTIONS);

      expect(window.rows).toHaveLength(7);
      await expect(window.totalCount()).resolves.toBe(7);
    });
  });
});
