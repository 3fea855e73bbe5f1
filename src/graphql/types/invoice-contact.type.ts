import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Who receives the invoice at the customer.' })
export class InvoiceContact {
  @Field(() => Int, { nullable: true, description: "Visma's internal contact key." })
  contactId!: number | null;

  @Field(() => String, { nullable: true, description: 'The business name on the invoice.' })
  businessName!: string | null;

  @Field(() => String, { nullable: true, description: 'The person the invoice is for the attention of.' })
  attention!: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail address the invoice is sent to.' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number.' })
  phone!: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "True when this document uses its own contact instead of the customer's default.",
  })
  overridden!: boolean | null;
}
