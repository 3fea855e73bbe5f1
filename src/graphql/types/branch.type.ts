import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A branch (company unit) of the Visma company.' })
export class Branch {
  @Field(() => String, { nullable: true, description: 'The branch number.' })
  number!: string | null;

  @Field(() => String, { nullable: true, description: 'The branch name.' })
  name!: string | null;
}
