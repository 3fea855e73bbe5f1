import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A contact person of the customer.' })
export class Contact {
  @Field(() => Int, { nullable: true, description: "The contact's ID." })
  id!: number | null;

  @Field(() => String, { nullable: true, description: "The contact's name." })
  name!: string | null;
}
