import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A county, state or region within a country.' })
export class County {
  @Field(() => String, { nullable: true, description: "The county's code." })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The county's name." })
  name!: string | null;
}
