import { Arg, Args, Ctx, Directive, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { CustomerInvoice as DomainInvoice, InvoiceLine as DomainLine, NumberName } from '../../visma/model';
import { CustomerInvoicesArgs } from '../args/customer-invoices.args';
import type { GatewayContext } from '../context';
import { DocumentType } from '../enums/document-type.enum';
import { InvoiceStatus } from '../enums/invoice-status.enum';
import { encodeGlobalId } from '../node/global-id';
import { recordLineOwner } from '../node/node-values';
import { listCustomerInvoices, type ConnectionWindow } from '../paging/list-customer-invoices';
import { CustomerInvoiceConnection } from '../types/customer-invoice-connection.type';
import { CustomerInvoice } from '../types/customer-invoice.type';
import { Customer } from '../types/customer.type';
import { InvoiceLine } from '../types/invoice-line.type';
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
    return context.invoices.getInvoice(toReferenceNumber(referenceNumber));
  }

  @Query(() => CustomerInvoiceConnection, {
    description:
      'Invoices matching a filter, a page at a time (a Relay cursor connection). Visma keeps them in its own stable order. first is capped by the server (MAX_PAGE_SIZE, 500 unless configured). Cursors are opaque and only continue the list of the filter they came from; a malformed or foreign cursor is BAD_USER_INPUT.',
  })
  customerInvoices(@Args() args: CustomerInvoicesArgs, @Ctx() context: GatewayContext): Promise<ConnectionWindow> {
    return listCustomerInvoices(args, context);
  }

  @FieldResolver(() => ID, {
    description:
      'A global id for this invoice (Node): opaque, stable, and unique across every type. Client caches key the invoice by it; node(id:) reads it again. The invoice number is referenceNumber.',
  })
  id(@Root() invoice: DomainInvoice): string {
    return encodeGlobalId({ type: 'CustomerInvoice', referenceNumber: invoice.referenceNumber });
  }

  // The lines' global ids need this invoice's number, which a Visma line does not carry.
  @FieldResolver(() => [InvoiceLine], { description: 'The invoice lines, in the order Visma keeps them.' })
  lines(@Root() invoice: DomainInvoice, @Ctx() context: GatewayContext): DomainLine[] {
    recordLineOwner(context, invoice);
    return invoice.lines;
  }

  @FieldResolver(() => InvoiceStatus, { nullable: true, description: 'Where the invoice is in its life cycle.' })
  status(@Root() invoice: DomainInvoice, @Ctx() context: GatewayContext): InvoiceStatus | null {
    return context.enums.degrade('InvoiceStatus', InvoiceStatus, invoice.status);
  }

  @FieldResolver(() => DocumentType, { nullable: true, description: 'The kind of document; INVOICE for this endpoint.' })
  documentType(@Root() invoice: DomainInvoice, @Ctx() context: GatewayContext): DocumentType | null {
    return context.enums.degrade('DocumentType', DocumentType, invoice.documentType);
  }

  // The invoice carries the customer's name, so the router need not ask the customers subgraph for it.
  @Directive('@provides(fields: "name")')
  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'The invoiced customer. number and name cost nothing extra; other fields are read from Visma when selected.',
  })
  customer(@Root() invoice: DomainInvoice): Customer | null {
    return asCustomer(invoice.customer);
  }

  @Directive('@provides(fields: "name")')
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
