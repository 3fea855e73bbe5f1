import { Args, Ctx, Directive, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import type { Customer as DomainCustomer } from '../../visma/model';
import { CustomerInvoicesArgs } from '../args/customer-invoices.args';
import type { GatewayContext } from '../context';
import { CustomerStatus } from '../enums/customer-status.enum';
import { encodeGlobalId } from '../node/global-id';
import { listCustomerInvoices, type ConnectionWindow } from '../paging/list-customer-invoices';
import { DateTimeScalar } from '../scalars/date-time.scalar';
import { Address } from '../types/address.type';
import { CreditTerms } from '../types/credit-terms.type';
import { CustomerInvoiceConnection } from '../types/customer-invoice-connection.type';
import { Customer } from '../types/customer.type';
import { VatZone } from '../types/vat-zone.type';

/**
 * Every field here but `id` reads the customer register through the request's customer loader,
 * so a page of invoices costs one `GET /v1/customer/{number}` per distinct customer, and nothing
 * when none of these fields is selected. A customer Visma does not know reads as nulls.
 */
@Resolver(() => Customer)
export class CustomerResolver {
  // Made from the key alone, so it costs nothing here or when the router asks for it by key.
  @FieldResolver(() => ID, {
    description:
      'A global id for this customer (Node), from its number: opaque, stable, and unique across every type. Client caches key the customer by it; node(id:) reads it again.',
  })
  id(@Root() customer: Customer): string {
    return encodeGlobalId({ type: 'Customer', number: customer.number });
  }

  // Visma's database key means nothing to other subgraphs: hidden from the supergraph's API.
  @Directive('@inaccessible')
  @FieldResolver(() => Int, { nullable: true, description: "Visma's internal customer key." })
  async internalId(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<number | null> {
    return (await details(customer, context))?.internalId ?? null;
  }

  @FieldResolver(() => CustomerStatus, { nullable: true, description: 'Whether the customer can be invoiced.' })
  async status(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<CustomerStatus | null> {
    const found = await details(customer, context);
    return context.enums.degrade('CustomerStatus', CustomerStatus, found?.status ?? null);
  }

  @FieldResolver(() => String, { nullable: true, description: "The main contact's e-mail address." })
  async email(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await details(customer, context))?.mainContact?.email ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: "The main contact's phone number." })
  async phone(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await details(customer, context))?.mainContact?.phone ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: "The main contact's name." })
  async contactName(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await details(customer, context))?.mainContact?.name ?? null;
  }

  @FieldResolver(() => Address, { nullable: true, description: "The customer's main address." })
  async address(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<DomainCustomer['mainAddress']> {
    return (await details(customer, context))?.mainAddress ?? null;
  }

  @FieldResolver(() => CreditTerms, { nullable: true, description: "The customer's default credit terms." })
  async creditTerms(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<DomainCustomer['creditTerms']> {
    return (await details(customer, context))?.creditTerms ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The customer\'s default currency, such as "NOK".' })
  async currencyId(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await details(customer, context))?.currencyId ?? null;
  }

  @FieldResolver(() => VatZone, { nullable: true, description: "The customer's VAT zone." })
  async vatZone(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<DomainCustomer['vatZone']> {
    return (await details(customer, context))?.vatZone ?? null;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: 'When the customer was created.' })
  async createdDateTime(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await details(customer, context))?.createdDateTime ?? null;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: 'When the customer was last changed.' })
  async lastModifiedDateTime(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await details(customer, context))?.lastModifiedDateTime ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: "An opaque version of the customer record (Visma's ETag)." })
  async version(@Root() customer: Customer, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await details(customer, context))?.version ?? null;
  }

  @Directive('@tag(name: "invoices")')
  @FieldResolver(() => CustomerInvoiceConnection, {
    description:
      "The customer's invoices, a page at a time, with the filters and cursors of customerInvoices (filter.customerNumber may be left out). One upstream list call per page, like customerInvoices.",
  })
  invoices(@Root() customer: Customer, @Args() args: CustomerInvoicesArgs, @Ctx() context: GatewayContext): Promise<ConnectionWindow> {
    return listCustomerInvoices(args, context, customer.number);
  }
}

function details(customer: Customer, context: GatewayContext): Promise<DomainCustomer | null> {
  return context.invoices.getCustomer(customer.number);
}
