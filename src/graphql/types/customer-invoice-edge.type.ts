import { Field, ObjectType } from 'type-graphql';
import { CustomerInvoice } from './customer-invoice.type';

@ObjectType({ description: 'An invoice in a page, with its cursor.' })
export class CustomerInvoiceEdge {
  @Field(() => String, { description: 'An opaque cursor: pass it as after to continue after this invoice.' })
  cursor!: string;

  // Nullable so an invoice that cannot be read fails only its own node: its edge and cursor stay.
  @Field(() => CustomerInvoice, {
    nullable: true,
    description: 'The invoice; null when it cannot be read, with an UPSTREAM_RECORD_UNREADABLE error at this path.',
  })
  node!: CustomerInvoice | null;
}
