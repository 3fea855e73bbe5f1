import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars/date-time.scalar';
import { SubaccountSegment } from './subaccount-segment.type';

@ObjectType({ description: 'A subaccount: the segments (department, product line, ...) that refine an account.' })
export class Subaccount {
  @Field(() => String, { nullable: true, description: 'The whole subaccount code, segments joined.' })
  number!: string | null;

  @Field(() => Int, { nullable: true, description: "Visma's internal subaccount key." })
  id!: number | null;

  @Field(() => String, { nullable: true, description: "The subaccount's name." })
  description!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the subaccount can be posted to.' })
  active!: boolean | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the subaccount was last changed.' })
  lastModifiedDateTime!: string | null;

  @Field(() => [SubaccountSegment], { description: 'The segments, in order.' })
  segments!: SubaccountSegment[];
}
