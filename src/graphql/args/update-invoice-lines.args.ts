import { ArgsType, Field, ID } from 'type-graphql';
import { InvoiceLineChangeInput } from '../inputs/invoice-line-change.input';

@ArgsType()
export class UpdateInvoiceLinesArgs {
  @Field(() => ID, { description: 'The invoice to change.' })
  referenceNumber!: string;

  @Field(() => [InvoiceLineChangeInput], { description: 'The changes, applied in order; at least one.' })
  lines!: InvoiceLineChangeInput[];

  @Field(() => String, {
    nullable: true,
    description:
      'The version you last read (CustomerInvoice.version). When given, the change fails with CONFLICT if the invoice changed since.',
  })
  expectedVersion?: string | null;
}
