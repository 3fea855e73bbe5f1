import { registerEnumType } from 'type-graphql';
import { UNKNOWN_VALUE, UNKNOWN_DESCRIPTION } from './unknown-value';

/** Values are Visma's own spelling (CONTRACT §6, CustomerDto); GraphQL shows the keys. */
export enum CustomerStatus {
  ACTIVE = 'Active',
  ON_HOLD = 'OnHold',
  CREDIT_HOLD = 'CreditHold',
  INACTIVE = 'Inactive',
  ONE_TIME = 'OneTime',
  UNKNOWN = UNKNOWN_VALUE,
}

registerEnumType(CustomerStatus, {
  name: 'CustomerStatus',
  description: 'Whether a customer can be invoiced.',
  valuesConfig: {
    ACTIVE: { description: 'Active.' },
    ON_HOLD: { description: 'On hold: no new documents.' },
    CREDIT_HOLD: { description: 'Over the credit limit.' },
    INACTIVE: { description: 'Inactive.' },
    ONE_TIME: { description: 'A one-time customer.' },
    UNKNOWN: { description: UNKNOWN_DESCRIPTION },
  },
});
