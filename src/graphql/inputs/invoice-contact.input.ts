import { Field, InputType } from 'type-graphql';

@InputType({ description: "A billing contact for one invoice. Fields left out keep the customer's default." })
export class InvoiceContactInput {
  @Field(() => Boolean, { nullable: true, description: "True to use this contact instead of the customer's default." })
  overridden?: boolean | null;

  @Field(() => String, { nullable: true, description: 'The business name (at most 255 characters).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'For the attention of (at most 255 characters).' })
  attention?: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail address the invoice is sent to (at most 255 characters).' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number (at most 50 characters).' })
  phone?: string | null;
}
