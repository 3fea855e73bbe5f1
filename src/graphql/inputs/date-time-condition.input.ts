import { Field, InputType } from 'type-graphql';
import { DateOperator } from '../enums/date-operator.enum';
import { DateTimeScalar } from '../scalars/date-time.scalar';

@InputType({
  description:
    "One comparison on an instant. The instant is converted to the Visma company's local time (VISMA_TIME_ZONE) and compared to the second. Visma takes exactly one operator per date field, so a range on the same field cannot be asked for.",
})
export class DateTimeConditionInput {
  @Field(() => DateOperator, { description: 'How to compare.' })
  operator!: DateOperator;

  @Field(() => DateTimeScalar, { description: 'The instant to compare with, with its offset.' })
  value!: string;
}
