import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The debt-collection case opened for the invoice.' })
export class DebtCollection {
  @Field(() => String, { nullable: true, description: 'The case number.' })
  caseNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'The case type.' })
  caseType!: string | null;

  @Field(() => String, { nullable: true, description: 'The case status.' })
  caseStatus!: string | null;

  @Field(() => String, { nullable: true, description: 'Where the case can be followed.' })
  caseUrl!: string | null;
}
