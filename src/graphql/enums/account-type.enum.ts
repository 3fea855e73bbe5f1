import { registerEnumType } from 'type-graphql';
import { UNKNOWN_VALUE, UNKNOWN_DESCRIPTION } from './unknown-value';

/** Values are Visma's own spelling (CONTRACT §2); GraphQL shows the keys. */
export enum AccountType {
  ASSET = 'Asset',
  LIABILITY = 'Liability',
  INCOME = 'Income',
  EXPENSE = 'Expense',
  UNKNOWN = UNKNOWN_VALUE,
}

registerEnumType(AccountType, {
  name: 'AccountType',
  description: 'The kind of general-ledger account.',
  valuesConfig: {
    ASSET: { description: 'An asset account.' },
    LIABILITY: { description: 'A liability account.' },
    INCOME: { description: 'An income account.' },
    EXPENSE: { description: 'An expense account.' },
    UNKNOWN: { description: UNKNOWN_DESCRIPTION },
  },
});
