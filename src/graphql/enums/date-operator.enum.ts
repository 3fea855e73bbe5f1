import { registerEnumType } from 'type-graphql';

/** Values are the operators Visma's `*Condition` parameters take (CONTRACT §4). */
export enum DateOperator {
  GT = '>',
  LT = '<',
  GTE = '>=',
  LTE = '<=',
}

registerEnumType(DateOperator, {
  name: 'DateOperator',
  description: 'How a date condition compares. Visma accepts exactly one operator per date field.',
  valuesConfig: {
    GT: { description: 'After the value.' },
    LT: { description: 'Before the value.' },
    GTE: { description: 'On or after the value.' },
    LTE: { description: 'On or before the value.' },
  },
});
