import { registerEnumType } from 'type-graphql';
import { UNKNOWN_VALUE, UNKNOWN_DESCRIPTION } from './unknown-value';

/** Values are Visma's own spelling (CONTRACT §2); GraphQL shows the keys. */
export enum DocumentType {
  INVOICE = 'Invoice',
  DEBIT_NOTE = 'DebitNote',
  CREDIT_NOTE = 'CreditNote',
  PAYMENT = 'Payment',
  VOID_PAYMENT = 'VoidPayment',
  PREPAYMENT = 'Prepayment',
  REFUND = 'Refund',
  FIN_CHARGE = 'FinCharge',
  SMALL_BALANCE_WO = 'SmallBalanceWo',
  SMALL_CREDIT_WO = 'SmallCreditWo',
  CASH_SALE = 'CashSale',
  CASH_RETURN = 'CashReturn',
  UNDEFINED = 'Undefined',
  NO_UPDATE = 'NoUpdate',
  UNKNOWN = UNKNOWN_VALUE,
}

registerEnumType(DocumentType, {
  name: 'DocumentType',
  description: 'The kind of customer-ledger document. Documents read through this gateway are normally INVOICE.',
  valuesConfig: {
    INVOICE: { description: 'An invoice.' },
    DEBIT_NOTE: { description: 'A debit note.' },
    CREDIT_NOTE: { description: 'A credit note.' },
    PAYMENT: { description: 'A payment.' },
    VOID_PAYMENT: { description: 'A voided payment.' },
    PREPAYMENT: { description: 'A prepayment.' },
    REFUND: { description: 'A refund.' },
    FIN_CHARGE: { description: 'A financial (overdue) charge.' },
    SMALL_BALANCE_WO: { description: 'A small-balance write-off.' },
    SMALL_CREDIT_WO: { description: 'A small-credit write-off.' },
    CASH_SALE: { description: 'A cash sale.' },
    CASH_RETURN: { description: 'A cash return.' },
    UNDEFINED: { description: 'Visma reports the type as undefined.' },
    NO_UPDATE: { description: 'Visma\'s "no update" marker.' },
    UNKNOWN: { description: UNKNOWN_DESCRIPTION },
  },
});
