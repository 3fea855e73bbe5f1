import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class ReleaseInvoiceArgs {
  @Field(() => ID, { description: 'The invoice to release.' })
  referenceNumber!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The version you last read (CustomerInvoice.version). When given, the release fails with CONFLICT if the invoice changed since.',
  })
  expectedVersion?: string | null;
}
