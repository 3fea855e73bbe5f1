import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A project a document is booked against.' })
export class Project {
  @Field(() => Int, { nullable: true, description: "Visma's internal project key." })
  internalId!: number | null;

  @Field(() => String, { nullable: true, description: 'The project ID shown to users.' })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The project's name." })
  description!: string | null;
}
