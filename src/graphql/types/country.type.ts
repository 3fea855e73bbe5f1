import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A country.' })
export class Country {
  @Field(() => String, { nullable: true, description: 'The ISO country code, such as "NO".' })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The country's name." })
  name!: string | null;
}
