import type { CustomerInvoicesArgs } from '../args/customer-invoices.args';
import type { GatewayContext } from '../context';
import { badUserInput } from '../errors';
import { toListFilter, toPageLength } from '../validation/list-filter.validation';
import { CursorError, decodeCursor, filterKey } from './cursor';
import { fetchInvoiceWindow, type InvoiceWindow } from './invoice-window';

/**
 * One page of `customerInvoices`, and of `Customer.invoices` (same filters, same cursors), which
 * passes the customer's number: a filter naming another customer is refused rather than
 * silently overridden. Listed invoices prime the request's invoice loader.
 */
export async function listCustomerInvoices(
  args: CustomerInvoicesArgs,
  context: GatewayContext,
  customerNumber?: string,
): Promise<InvoiceWindow> {
  const count = toPageLength(args.first, context.settings.maxPageSize);
  const filter = toListFilter(args.filter);
  if (customerNumber !== undefined) {
    if (filter.customerNumber !== undefined && filter.customerNumber !== customerNumber) {
      throw badUserInput([
        { field: 'filter.customerNumber', message: `must be left out or be this customer's number "${customerNumber}".` },
      ]);
    }
    filter.customerNumber = customerNumber;
  }
  const key = filterKey(filter);
  const offset = args.after == null ? 0 : afterOffset(args.after, key);
  const fetchWindow = (): Promise<InvoiceWindow> =>
    fetchInvoiceWindow(context.visma, { filter, offset, count }, context.upstreamPageSize, context.callOptions, key);
  // One customer's list is one call; a hundred customers' lists must not be a hundred at once.
  const window = customerNumber === undefined ? await fetchWindow() : await context.loaders.invoiceLists.run(fetchWindow);
  for (const invoice of window.invoices) {
    context.loaders.invoice.prime(invoice.referenceNumber, invoice);
  }
  return window;
}

function afterOffset(cursor: string, key: string): number {
  try {
    return decodeCursor(cursor, key) + 1;
  } catch (error) {
    if (error instanceof CursorError) {
      throw badUserInput([{ field: 'after', message: error.message }]);
    }
    throw error;
  }
}
