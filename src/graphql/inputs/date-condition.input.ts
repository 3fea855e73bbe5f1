import { Field, InputType } from 'type-graphql';
import { DateOperator } from '../enums/date-operator.enum';
import { DateScalar } from '../scalars/date.scalar';

@InputType({
  description:
    'One comparison on a date. Visma takes exactly one operator per date field, so a range (from and to) on the same field cannot be asked for; filter on one bound and page through.',
})
export class DateConditionInput {
  @Field(() => DateOperator, { description: 'How to compare.' })
  operator!: DateOperator;

  @Field(() => DateScalar, { description: 'The date to compare with.' })
  value!: string;
}
