import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One segment of a subaccount, such as the department.' })
export class SubaccountSegment {
  @Field(() => Int, { nullable: true, description: 'Which segment this is (1, 2, ...).' })
  segmentId!: number | null;

  @Field(() => String, { nullable: true, description: 'What the segment stands for, such as "Department".' })
  description!: string | null;

  @Field(() => String, { name: 'segmentValue', nullable: true, description: 'The segment\'s code, such as "100".' })
  value!: string | null;

  @Field(() => String, {
    name: 'segmentValueDescription',
    nullable: true,
    description: 'What the code stands for, such as "Sales".',
  })
  valueDescription!: string | null;
}
