import { Field, ObjectType } from 'type-graphql';
import { CustomerInvoice } from './customer-invoice.type';

@ObjectType({ description: 'An invoice in a page, with its cursor.' })
export class CustomerInvoiceEdge {
  @Field(() => String, { description: 'An opaque cursor: pass it as after to continue after this invoice.' })
  cursor!: string;

  @Field(() => CustomerInvoice, { description: 'The invoice.' })
  node!: CustomerInvoice;
}
