import type { InvoiceWindow } from '../../invoices';
import type { CustomerInvoicesArgs } from '../args/customer-invoices.args';
import type { GatewayContext } from '../context';
import { badUserInput } from '../errors';
import { toListFilter, toPageLength } from '../validation/list-filter.validation';
import { CursorError, decodeCursor, filterKey } from './cursor';

/** A window of the list with the key its cursors are minted for. */
export type ConnectionWindow = InvoiceWindow & { filterKey: string };

/**
 * One page of `customerInvoices`, and of `Customer.invoices` (same filters, same cursors), which
 * passes the customer's number: a filter naming another customer is refused rather than
 * silently overridden. Cursors are this layer's: an offset into the filtered list, bound to the
 * filter, so the invoices service only ever sees offsets.
 */
export async function listCustomerInvoices(
  args: CustomerInvoicesArgs,
  context: GatewayContext,
  customerNumber?: string,
): Promise<ConnectionWindow> {
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
  // One customer's list is one call; a hundred customers' lists must not be a hundred at once.
  const window = await context.invoices.listInvoices({ filter, offset, count, perParent: customerNumber !== undefined });
  return { ...window, filterKey: key };
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
