import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { CustomerInvoice as DomainInvoice, NumberName } from '../../visma/model';
import { CustomerInvoicesArgs } from '../args/customer-invoices.args';
import type { GatewayContext } from '../context';
import { DocumentType } from '../enums/document-type.enum';
import { InvoiceStatus } from '../enums/invoice-status.enum';
import { badUserInput } from '../errors';
import { CursorError, decodeCursor, filterKey } from '../paging/cursor';
import { fetchInvoiceWindow, type InvoiceWindow } from '../paging/invoice-window';
import { CustomerInvoiceConnection } from '../types/customer-invoice-connection.type';
import { CustomerInvoice } from '../types/customer-invoice.type';
import { Customer } from '../types/customer.type';
import { toListFilter, toPageLength } from '../validation/list-filter.validation';
import { toReferenceNumber } from '../validation/invoice-input.validation';

@Resolver(() => CustomerInvoice)
export class CustomerInvoiceResolver {
  @Query(() => CustomerInvoice, {
    nullable: true,
    description: 'One invoice by its number, or null when Visma has no such invoice.',
  })
  async customerInvoice(
    @Arg('referenceNumber', () => ID, { description: 'The invoice number (CustomerInvoice.referenceNumber).' })
    referenceNumber: string,
    @Ctx() context: GatewayContext,
  ): Promise<DomainInvoice | null> {
    return context.loaders.invoice.load(toReferenceNumber(referenceNumber));
  }

  @Query(() => CustomerInvoiceConnection, {
    description:
      'Invoices matching a filter, a page at a time (a Relay cursor connection). Visma keeps them in its own stable order. first is capped by the server (MAX_PAGE_SIZE, 500 unless configured). Cursors are opaque and only continue the list of the filter they came from; a malformed or foreign cursor is BAD_USER_INPUT.',
  })
  async customerInvoices(@Args() args: CustomerInvoicesArgs, @Ctx() context: GatewayContext): Promise<InvoiceWindow> {
    const count = toPageLength(args.first, context.settings.maxPageSize);
    const filter = toListFilter(args.filter, context.settings.timeZone);
    const key = filterKey(filter);
    const offset = args.after == null ? 0 : afterOffset(args.after, key);
    const window = await fetchInvoiceWindow(
      context.visma,
      { filter, offset, count },
      context.upstreamPageSize,
      context.callOptions,
      key,
    );
    for (const invoice of window.invoices) {
      context.loaders.invoice.prime(invoice.referenceNumber, invoice);
    }
    return window;
  }

  @FieldResolver(() => InvoiceStatus, { nullable: true, description: 'Where the invoice is in its life cycle.' })
  status(@Root() invoice: DomainInvoice, @Ctx() context: GatewayContext): InvoiceStatus | null {
    return context.enums.degrade('InvoiceStatus', InvoiceStatus, invoice.status);
  }

  @FieldResolver(() => DocumentType, { nullable: true, description: 'The kind of document; INVOICE for this endpoint.' })
  documentType(@Root() invoice: DomainInvoice, @Ctx() context: GatewayContext): DocumentType | null {
    return context.enums.degrade('DocumentType', DocumentType, invoice.documentType);
  }

  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'The invoiced customer. number and name cost nothing extra; other fields are read from Visma when selected.',
  })
  customer(@Root() invoice: DomainInvoice): Customer | null {
    return asCustomer(invoice.customer);
  }

  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'The child customer the invoice was issued for, when the customer is a parent account.',
  })
  childCustomer(@Root() invoice: DomainInvoice): Customer | null {
    return asCustomer(invoice.childCustomer);
  }
}

function asCustomer(customer: NumberName | null): Customer | null {
  return customer?.number == null ? null : { number: customer.number, name: customer.name };
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
