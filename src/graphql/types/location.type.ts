import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: "One of the customer's locations (delivery sites)." })
export class Location {
  @Field(() => String, { nullable: true, description: "The location's ID." })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The location's name." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'The location\'s country code, such as "NO".' })
  countryId!: string | null;
}
