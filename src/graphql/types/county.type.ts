import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A county, state or region within a country.' })
export class County {
  // Deprecated, not removed: clients read it today. `code` is the same value under a name caches do not key on.
  @Field(() => String, {
    nullable: true,
    description: "The county's code.",
    deprecationReason:
      "A county's code is unique only within its country, so a client cache that keys objects by id, as Apollo Client's does by default, merges counties of different countries. Use code.",
  })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The county's name." })
  name!: string | null;
}
