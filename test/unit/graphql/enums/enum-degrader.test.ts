import { AccountType } from '../../../../src/graphql/enums/account-type.enum';
import { ActionResult } from '../../../../src/graphql/enums/action-result.enum';
import { CustomerStatus } from '../../../../src/graphql/enums/customer-status.enum';
import { DateOperator } from '../../../../src/graphql/enums/date-operator.enum';
import { DocumentType } from '../../../../src/graphql/enums/document-type.enum';
import { EnumDegrader } from '../../../../src/graphql/enums/enum-degrader';
import { InvoiceStatus } from '../../../../src/graphql/enums/invoice-status.enum';
import { ItemType } from '../../../../src/graphql/enums/item-type.enum';
import { RotRutType } from '../../../../src/graphql/enums/rot-rut-type.enum';
import { UNKNOWN_VALUE } from '../../../../src/graphql/enums/unknown-value';
import {
  ACCOUNT_TYPES,
  ACTION_RESULTS,
  CUSTOMER_STATUSES,
  DATE_OPERATORS,
  DOCUMENT_TYPES,
  INVOICE_STATUSES,
  ITEM_TYPES,
  ROT_RUT_TYPES,
} from '../../../../src/visma/model';

function recordingLogger(): { warn: jest.Mock } {
  return { warn: jest.fn() };
}

describe('EnumDegrader', () => {
  it('passes a known value through', () => {
    const degrader = new EnumDegrader(recordingLogger());
    expect(degrader.degrade('InvoiceStatus', InvoiceStatus, 'PendingPrint')).toBe(InvoiceStatus.PENDING_PRINT);
  });

  it('keeps null as null', () => {
    expect(new EnumDegrader(recordingLogger()).degrade('InvoiceStatus', InvoiceStatus, null)).toBeNull();
  });

  it('reports a value Visma added later as UNKNOWN instead of failing', () => {
    expect(new EnumDegrader(recordingLogger()).degrade('InvoiceStatus', InvoiceStatus, 'Archived')).toBe(InvoiceStatus.UNKNOWN);
  });

  it('does not accept the UNKNOWN marker itself as a Visma value', () => {
    const logger = recordingLogger();
    expect(new EnumDegrader(logger).degrade('InvoiceStatus', InvoiceStatus, UNKNOWN_VALUE)).toBe(InvoiceStatus.UNKNOWN);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('warns once per enum and value', () => {
    const logger = recordingLogger();
    const degrader = new EnumDegrader(logger);
    degrader.degrade('InvoiceStatus', InvoiceStatus, 'Archived');
    degrader.degrade('InvoiceStatus', InvoiceStatus, 'Archived');
    degrader.degrade('InvoiceStatus', InvoiceStatus, 'Disputed');
    degrader.degrade('DocumentType', DocumentType, 'Archived');
    expect(logger.warn.mock.calls).toEqual([
      [
        { enum: 'InvoiceStatus', value: 'Archived' },
        'Visma sent a value of InvoiceStatus this gateway does not know; it is reported as UNKNOWN',
      ],
      [
        { enum: 'InvoiceStatus', value: 'Disputed' },
        'Visma sent a value of InvoiceStatus this gateway does not know; it is reported as UNKNOWN',
      ],
      [
        { enum: 'DocumentType', value: 'Archived' },
        'Visma sent a value of DocumentType this gateway does not know; it is reported as UNKNOWN',
      ],
    ]);
  });
});

describe('GraphQL enums', () => {
  it.each<[string, Record<string, string>, readonly string[]]>([
    ['InvoiceStatus', InvoiceStatus, INVOICE_STATUSES],
    ['DocumentType', DocumentType, DOCUMENT_TYPES],
    ['AccountType', AccountType, ACCOUNT_TYPES],
    ['ItemType', ItemType, ITEM_TYPES],
    ['CustomerStatus', CustomerStatus, CUSTOMER_STATUSES],
    ['ActionResult', ActionResult, ACTION_RESULTS],
    ['RotRutType', RotRutType, ROT_RUT_TYPES],
  ])('%s covers every value of the domain model, plus UNKNOWN', (_name, enumObject, domainValues) => {
    expect(Object.values(enumObject).sort()).toEqual([...domainValues, UNKNOWN_VALUE].sort());
  });

  it('DateOperator covers exactly the operators Visma accepts', () => {
    expect(Object.values(DateOperator).sort()).toEqual([...DATE_OPERATORS].sort());
  });

  it.each([InvoiceStatus, DocumentType, AccountType, ItemType, CustomerStatus, ActionResult, RotRutType, DateOperator])(
    'names its GraphQL values in SCREAMING_CASE',
    (enumObject) => {
      for (const key of Object.keys(enumObject)) {
        expect(key).toMatch(/^[A-Z][A-Z0-9_]*$/);
      }
    },
  );
});
