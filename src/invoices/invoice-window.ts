import type { CallOptions, VismaApi } from '../visma/api';
import { VismaUnreadableRecordError } from '../visma/errors';
import { FULL_EXPANSION } from '../visma/expansion';
import { isUnreadable, pageItems, type CustomerInvoice, type InvoiceListFilter } from '../visma/model';
import { planPages, skipWithinPlan } from './page-plan';
import type { UpstreamPageSize } from './upstream-page-size';

/** The rows [offset, offset + count) of the invoices matching `filter`, in Visma's order. */
export interface WindowRequest {
  filter: InvoiceListFilter;
  offset: number;
  count: number;
}

/** A row of a window: the invoice, or why the one Visma holds in this place cannot be read. */
export type WindowRow = CustomerInvoice | VismaUnreadableRecordError;

/** A window of a filtered list: its rows, and what Visma showed of the list around them. */
export interface InvoiceWindow {
  /**
   * Every row in Visma's order, an invoice that cannot be read as its error in its place: row i
   * is the list's row `offset + i`, so cursors and paging count it like any other.
   */
  rows: WindowRow[];
  /** The rows that could be read, in order. */
  invoices: CustomerInvoice[];
  offset: number;
  /** Known from Visma's metadata or a short page; null when only a count call can tell. */
  knownTotal: number | null;
  /** True when Visma showed the list ends inside (or before) this window. */
  exhausted: boolean;
  /** The total, asking Visma (one call of page size 1) only when it is not known yet. */
  totalCount(): Promise<number>;
}

/**
 * Reads exactly the Visma pages the window needs, one after another so that a short or empty
 * page stops the walk before a page that cannot hold anything is requested. Rows ask for every
 * expansion (FULL_EXPANSION), so each is as complete as a single GET's invoice.
 */
export async function fetchInvoiceWindow(
  visma: VismaApi,
  request: WindowRequest,
  pageSize: UpstreamPageSize,
  options: CallOptions,
): Promise<InvoiceWindow> {
  const { filter, offset } = request;
  let fetched = await readPages(visma, request, pageSize.current(), options);
  if (fetched.reportedMaxPageSize !== null && pageSize.learn(fetched.reportedMaxPageSize) && fetched.capped) {
    // Visma capped the page size below what was planned, so the pages read cover other rows
    // than intended (CONTRACT §8.4). Plan again with the size it reported.
    fetched = await readPages(visma, request, pageSize.current(), options);
  }
  let total = fetched.totalCount;
  const countCall = (): Promise<number> =>
    visma.listInvoices({ filter, pageNumber: 1, pageSize: 1 }, options).then((page) => page.totalCount ?? pageItems(page).length);
  let pending: Promise<number> | undefined;
  return {
    rows: fetched.rows,
    invoices: fetched.rows.filter((row): row is CustomerInvoice => !(row instanceof VismaUnreadableRecordError)),
    offset,
    knownTotal: total,
    exhausted: fetched.exhausted,
    totalCount(): Promise<number> {
      if (total !== null) {
        return Promise.resolve(total);
      }
      pending ??= countCall().then((counted) => {
        total = counted;
        return counted;
      });
      return pending;
    },
  };
}

interface Fetched {
  rows: WindowRow[];
  totalCount: number | null;
  reportedMaxPageSize: number | null;
  capped: boolean;
  exhausted: boolean;
}

async function readPages(
  visma: VismaApi,
  { filter, offset, count }: WindowRequest,
  maxPageSize: number,
  options: CallOptions,
): Promise<Fetched> {
  const plan = planPages(offset, count, maxPageSize);
  if (plan === null) {
    return { rows: [], totalCount: null, reportedMaxPageSize: null, capped: false, exhausted: false };
  }
  const rows: WindowRow[] = [];
  let totalCount: number | null = null;
  let reportedMaxPageSize: number | null = null;
  let exhausted = false;
  for (let pageNumber = plan.firstPage; pageNumber <= plan.lastPage; pageNumber += 1) {
    const pageStart = (pageNumber - 1) * plan.pageSize;
    if (totalCount !== null && pageStart >= totalCount) {
      exhausted = true;
      break;
    }
    const page = await visma.listInvoices({ filter, pageNumber, pageSize: plan.pageSize, expand: FULL_EXPANSION }, options);
    reportedMaxPageSize = page.maxPageSize ?? reportedMaxPageSize;
    if (page.maxPageSize !== null && page.maxPageSize < plan.pageSize) {
      return { rows: [], totalCount: null, reportedMaxPageSize, capped: true, exhausted: false };
    }
    totalCount = page.totalCount ?? totalCount;
    // Unreadable items keep their places: a page is short, and a row is where it is, by all of them.
    const items = pageItems(page);
    for (const item of items) {
      rows.push(
        isUnreadable(item) ? new VismaUnreadableRecordError(item.reason, item.referenceNumber, { operation: LIST_OPERATION }) : item,
      );
    }
    if (items.length < plan.pageSize) {
      // A short page is the last one; an empty first page means an empty list (CONTRACT §4).
      exhausted = true;
      if (items.length > 0 || pageNumber === 1) {
        totalCount ??= pageStart + items.length;
      }
      break;
    }
  }
  const skip = skipWithinPlan(plan, offset);
  return {
    rows: rows.slice(skip, skip + count),
    totalCount,
    reportedMaxPageSize,
    capped: false,
    exhausted: exhausted || (totalCount !== null && offset + count >= totalCount),
  };
}

const LIST_OPERATION = 'GET /v1/customerinvoice';
