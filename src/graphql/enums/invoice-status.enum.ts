import { registerEnumType } from 'type-graphql';
import { UNKNOWN_VALUE, UNKNOWN_DESCRIPTION } from './unknown-value';

/** Values are Visma's own spelling (CONTRACT §2); GraphQL shows the keys. */
export enum InvoiceStatus {
  HOLD = 'Hold',
  BALANCED = 'Balanced',
  VOIDED = 'Voided',
  SCHEDULED = 'Scheduled',
  OPEN = 'Open',
  CLOSED = 'Closed',
  PENDING_PRINT = 'PendingPrint',
  PENDING_EMAIL = 'PendingEmail',
  CREDIT_HOLD = 'CreditHold',
  CC_HOLD = 'CcHold',
  RESERVED = 'Reserved',
  UNKNOWN = UNKNOWN_VALUE,
}

registerEnumType(InvoiceStatus, {
  name: 'InvoiceStatus',
  description: 'Where an invoice is in its life cycle, as Visma reports it.',
  valuesConfig: {
    HOLD: { description: 'A draft on hold: it can still be edited and is not yet posted.' },
    BALANCED: { description: 'Complete and balanced, ready to be released.' },
    VOIDED: { description: 'Voided.' },
    SCHEDULED: { description: 'Scheduled for recurring generation.' },
    OPEN: { description: 'Released and awaiting payment.' },
    CLOSED: { description: 'Released and fully paid or applied.' },
    PENDING_PRINT: { description: 'Waiting to be printed before release.' },
    PENDING_EMAIL: { description: 'Waiting to be e-mailed before release.' },
    CREDIT_HOLD: { description: 'Held because the customer is over the credit limit.' },
    CC_HOLD: { description: 'Held for a credit-card authorisation.' },
    RESERVED: { description: 'Reserved.' },
    UNKNOWN: { description: UNKNOWN_DESCRIPTION },
  },
});
