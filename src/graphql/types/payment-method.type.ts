import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How the customer is expected to pay.' })
export class PaymentMethod {
  @Field(() => String, { nullable: true, description: "The payment method's ID." })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The payment method's name." })
  description!: string | null;
}
