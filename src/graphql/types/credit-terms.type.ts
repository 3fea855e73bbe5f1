import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Payment terms that set the due date and any cash discount.' })
export class CreditTerms {
  @Field(() => String, { nullable: true, description: 'The terms\' ID, such as "30D".' })
  id!: string | null;

  @Field(() => String, { nullable: true, description: 'What the terms say, such as "30 days net".' })
  description!: string | null;
}
