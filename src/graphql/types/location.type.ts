import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: "One of the customer's locations (delivery sites)." })
export class Location {
  // Deprecated, not removed: clients read it today. `code` is the same value under a name caches do not key on.
  @Field(() => String, {
    nullable: true,
    description: 'The location\'s ID, such as "MAIN".',
    deprecationReason:
      "Visma's code is unique only within its customer (every customer's main location is MAIN), so a client cache that keys objects by id, as Apollo Client's does by default, merges different customers' locations. Use code.",
  })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The location's name." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'The location\'s country code, such as "NO".' })
  countryId!: string | null;
}
