import { ArgsType, Field, Int } from 'type-graphql';
import { CustomerInvoiceFilter } from '../inputs/customer-invoice-filter.input';

@ArgsType()
export class CustomerInvoicesArgs {
  @Field(() => CustomerInvoiceFilter, { nullable: true, description: 'Which invoices to list; all when left out.' })
  filter?: CustomerInvoiceFilter | null;

  @Field(() => Int, {
    defaultValue: 50,
    description: "How many invoices to return, from 0 to the server's cap (MAX_PAGE_SIZE, 500 unless configured).",
  })
  first!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Continue after this cursor (an endCursor or edge cursor from the same filter).',
  })
  after?: string | null;
}
