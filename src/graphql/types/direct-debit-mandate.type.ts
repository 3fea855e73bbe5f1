import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The direct-debit mandate the invoice is collected under.' })
export class DirectDebitMandate {
  @Field(() => String, { nullable: true, description: "The mandate's internal ID (a UUID)." })
  id!: string | null;

  @Field(() => String, { nullable: true, description: 'The mandate ID agreed with the customer.' })
  mandateId!: string | null;

  @Field(() => String, { nullable: true, description: 'What the mandate covers.' })
  description!: string | null;
}
