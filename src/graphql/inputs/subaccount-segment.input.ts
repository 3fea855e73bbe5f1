import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'One subaccount segment to post a line to.' })
export class SubaccountSegmentInput {
  @Field(() => Int, { description: 'Which segment (1, 2, ...).' })
  segmentId!: number;

  @Field(() => String, { description: 'The segment\'s code, such as "100".' })
  segmentValue!: string;
}
