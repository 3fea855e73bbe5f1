import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A task within a project that a line is booked against.' })
export class ProjectTask {
  @Field(() => Int, { nullable: true, description: "Visma's internal task key." })
  internalId!: number | null;

  @Field(() => String, { nullable: true, description: 'The task ID shown to users.' })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The task's name." })
  description!: string | null;
}
