import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A salesperson credited with a document or a line.' })
export class SalesPerson {
  @Field(() => String, { nullable: true, description: "The salesperson's ID." })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The salesperson's name." })
  description!: string | null;
}
