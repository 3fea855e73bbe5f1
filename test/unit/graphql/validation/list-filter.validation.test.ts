import { GraphQLError } from 'graphql';
import { DateOperator } from '../../../../src/graphql/enums/date-operator.enum';
import { DocumentType } from '../../../../src/graphql/enums/document-type.enum';
import { InvoiceStatus } from '../../../../src/graphql/enums/invoice-status.enum';
import type { CustomerInvoiceFilter } from '../../../../src/graphql/inputs/customer-invoice-filter.input';
import { toListFilter, toPageLength } from '../../../../src/graphql/validation/list-filter.validation';

function problemsOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) {
      return error.extensions['problems'];
    }
    throw error;
  }
  throw new Error('expected a BAD_USER_INPUT error');
}

const filter = (value: Partial<CustomerInvoiceFilter>): CustomerInvoiceFilter => value;

describe('toListFilter', () => {
  it('is empty without a filter', () => {
    expect(toListFilter(undefined)).toEqual({});
  });

  it("maps every filter onto Visma's parameters", () => {
    expect(
      toListFilter(
        filter({
          status: InvoiceStatus.OPEN,
          documentType: DocumentType.INVOICE,
          customerNumber: '10000',
          financialPeriod: '202501',
          closedFinancialPeriod: '202502',
          released: true,
          dunningLevel: 1,
          externalReference: 'ext',
          paymentReference: 'kid',
          customerRefNumber: 'po-1',
          branchNumber: '1',
          projectId: 'P1',
          documentDate: { operator: DateOperator.GTE, value: '2025-01-01' },
          documentDueDate: { operator: DateOperator.LT, value: '2025-02-01' },
          dunningLetterDate: { operator: DateOperator.LTE, value: '2025-03-01' },
          createdDateTime: { operator: DateOperator.GT, value: '2025-01-27T12:00:00Z' },
          lastModifiedDateTime: { operator: DateOperator.GTE, value: '2025-07-01T00:30:00+02:00' },
        }),
      ),
    ).toEqual({
      status: 'Open',
      documentType: 'Invoice',
      customerNumber: '10000',
      financialPeriod: '202501',
      closedFinancialPeriod: '202502',
      released: true,
      dunningLevel: 1,
      externalReference: 'ext',
      paymentReference: 'kid',
      customerRefNumber: 'po-1',
      branch: '1',
      project: 'P1',
      documentDate: { operator: '>=', value: '2025-01-01' },
      documentDueDate: { operator: '<', value: '2025-02-01' },
      dunningLetterDateTime: { operator: '<=', value: '2025-03-01' },
      // Instants keep their offset; the Visma client converts them to company time.
      createdDateTime: { operator: '>', value: '2025-01-27T12:00:00Z' },
      lastModifiedDateTime: { operator: '>=', value: '2025-07-01T00:30:00+02:00' },
    });
  });

  it.each<[string, Partial<CustomerInvoiceFilter>, unknown]>([
    [
      'an UNKNOWN status',
      { status: InvoiceStatus.UNKNOWN },
      [{ field: 'filter.status', message: 'UNKNOWN cannot be filtered on; choose a known status.' }],
    ],
    [
      'an UNKNOWN document type',
      { documentType: DocumentType.UNKNOWN },
      [{ field: 'filter.documentType', message: 'UNKNOWN cannot be filtered on; choose a known document type.' }],
    ],
    [
      'a blank customer number',
      { customerNumber: '' },
      [{ field: 'filter.customerNumber', message: 'must not be blank; leave it out to match any value.' }],
    ],
    [
      'a malformed period',
      { financialPeriod: '202513' },
      [{ field: 'filter.financialPeriod', message: 'must be a period as YYYYMM, such as "202501"; received "202513".' }],
    ],
    ['a negative dunning level', { dunningLevel: -1 }, [{ field: 'filter.dunningLevel', message: 'must be 0 or more; received -1.' }]],
    [
      'a document date in year 9999',
      { documentDate: { operator: DateOperator.GTE, value: '9999-12-31' } },
      [{ field: 'filter.documentDate.value', message: 'must be a date from 1900-01-01 to 2199-12-31; received "9999-12-31".' }],
    ],
    [
      'a due date before 1900',
      { documentDueDate: { operator: DateOperator.LT, value: '1899-12-31' } },
      [{ field: 'filter.documentDueDate.value', message: 'must be a date from 1900-01-01 to 2199-12-31; received "1899-12-31".' }],
    ],
    [
      'a dunning letter date in year 2200',
      { dunningLetterDate: { operator: DateOperator.LTE, value: '2200-01-01' } },
      [{ field: 'filter.dunningLetterDate.value', message: 'must be a date from 1900-01-01 to 2199-12-31; received "2200-01-01".' }],
    ],
    [
      'an instant dated in year 9999',
      { lastModifiedDateTime: { operator: DateOperator.GTE, value: '9999-12-31T23:59:59Z' } },
      [
        {
          field: 'filter.lastModifiedDateTime.value',
          message: 'must be a date from 1900-01-01 to 2199-12-31; received "9999-12-31T23:59:59Z".',
        },
      ],
    ],
    [
      'a creation instant dated in year 1',
      { createdDateTime: { operator: DateOperator.GT, value: '0001-01-01T00:00:00+01:00' } },
      [
        {
          field: 'filter.createdDateTime.value',
          message: 'must be a date from 1900-01-01 to 2199-12-31; received "0001-01-01T00:00:00+01:00".',
        },
      ],
    ],
  ])('refuses %s', (_name, value, problems) => {
    expect(problemsOf(() => toListFilter(filter(value)))).toEqual(problems);
  });
});

describe('toPageLength', () => {
  it.each([0, 1, 500])('accepts %d under a cap of 500', (first) => {
    expect(toPageLength(first, 500)).toBe(first);
  });

  it.each([-1, 501])('refuses %d under a cap of 500', (first) => {
    expect(problemsOf(() => toPageLength(first, 500))).toEqual([{ field: 'first', message: `must be from 0 to 500; received ${first}.` }]);
  });
});
