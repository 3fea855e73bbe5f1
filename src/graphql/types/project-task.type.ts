import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A task within a project that a line is booked against.' })
export class ProjectTask {
  @Field(() => Int, { nullable: true, description: "Visma's internal task key." })
  internalId!: number | null;

  // Deprecated, not removed: clients read it today. `code` is the same value under a name caches do not key on.
  @Field(() => String, {
    nullable: true,
    description: 'The task ID shown to users.',
    deprecationReason:
      "Visma's task ID is unique only within its project, so a client cache that keys objects by id, as Apollo Client's does by default, merges tasks of different projects. Use code.",
  })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The task's name." })
  description!: string | null;
}
