import { VismaInputError } from '../../../../src/visma/errors';
import { listQueryParameters, listQueryString } from '../../../../src/visma/mapping';
import type { InvoiceListFilter, InvoiceListQuery } from '../../../../src/visma/model';

const OSLO = 'Europe/Oslo';

function paramsFor(filter: InvoiceListFilter): Array<[string, string]> {
  return listQueryParameters({ filter, pageNumber: 1, pageSize: 100 }, OSLO).filter(
    ([name]) => name !== 'pageNumber' && name !== 'pageSize',
  );
}

describe('list query mapping', () => {
  it('always sends paging, even without filters', () => {
    expect(listQueryString({ pageNumber: 3, pageSize: 250 }, OSLO)).toBe('?pageNumber=3&pageSize=250');
  });

  it.each<[string, InvoiceListFilter, Array<[string, string]>]>([
    ['customerNumber as customer', { customerNumber: '10000' }, [['customer', '10000']]],
    ['status', { status: 'Open' }, [['status', 'Open']]],
    ['documentType', { documentType: 'Invoice' }, [['documentType', 'Invoice']]],
    ['released as 1', { released: true }, [['released', '1']]],
    ['released as 0', { released: false }, [['released', '0']]],
    ['dunningLevel', { dunningLevel: 2 }, [['dunningLevel', '2']]],
    [
      'the periods',
      { financialPeriod: '202501', closedFinancialPeriod: '202412' },
      [
        ['closedFinancialPeriod', '202412'],
        ['financialPeriod', '202501'],
      ],
    ],
    [
      'the references',
      { externalReference: 'E', paymentReference: 'P', customerRefNumber: 'C' },
      [
        ['externalReference', 'E'],
        ['paymentReference', 'P'],
        ['customerRefNumber', 'C'],
      ],
    ],
    [
      'branch and project',
      { branch: '1', project: 'X' },
      [
        ['project', 'X'],
        ['branch', '1'],
      ],
    ],
    [
      'a date filter with its condition',
      { documentDate: { operator: '>=', value: '2025-01-01' } },
      [
        ['documentDate', '2025-01-01T00:00:00'],
        ['documentDateCondition', '>='],
      ],
    ],
    [
      'a date-time filter in company time',
      { lastModifiedDateTime: { operator: '>', value: '2025-01-14T08:30:00' } },
      [
        ['lastModifiedDateTime', '2025-01-14T08:30:00'],
        ['lastModifiedDateTimeCondition', '>'],
      ],
    ],
    [
      'a UTC instant converted, without a trailing Z',
      { createdDateTime: { operator: '<', value: '2025-07-14T06:30:00Z' } },
      [
        ['createdDateTime', '2025-07-14T08:30:00'],
        ['createdDateTimeCondition', '<'],
      ],
    ],
    [
      'the due date and dunning letter filters',
      { documentDueDate: { operator: '<=', value: '2025-03-01' }, dunningLetterDateTime: { operator: '>', value: '2025-01-01' } },
      [
        ['dunningLetterDateTime', '2025-01-01T00:00:00'],
        ['dunningLetterDateTimeCondition', '>'],
        ['documentDueDate', '2025-03-01T00:00:00'],
        ['documentDueDateCondition', '<='],
      ],
    ],
  ])('maps %s', (_case, filter, expected) => {
    expect(paramsFor(filter)).toEqual(expected);
  });

  it.each([
    ['winter, 12:00 UTC', '2025-01-27T12:00:00Z', OSLO, '2025-01-27T13:00:00'],
    ['summer, 12:00 UTC', '2025-07-01T12:00:00Z', OSLO, '2025-07-01T14:00:00'],
    ['the last second before the spring change', '2025-03-30T00:59:59Z', OSLO, '2025-03-30T01:59:59'],
    ['the first second after it', '2025-03-30T01:00:00Z', OSLO, '2025-03-30T03:00:00'],
    ["an offset that is not the company's", '2025-01-01T00:00:00+05:30', 'UTC', '2024-12-31T18:30:00'],
    ['an instant on the next company day', '2025-01-27T23:30:00-01:00', 'Europe/Stockholm', '2025-01-28T01:30:00'],
    ['fractions of a second dropped', '2025-01-27T12:00:00.999Z', 'America/New_York', '2025-01-27T07:00:00'],
  ])('sends an instant as company wall-clock time: %s', (_case, instant, zone, expected) => {
    const query: InvoiceListQuery = { filter: { createdDateTime: { operator: '>', value: instant } }, pageNumber: 1, pageSize: 1 };
    expect(new URLSearchParams(listQueryString(query, zone)).get('createdDateTime')).toBe(expected);
  });

  it('percent-encodes operators, spaces and reserved characters', () => {
    const query: InvoiceListQuery = {
      filter: { customerRefNumber: 'PO 7&8=9', lastModifiedDateTime: { operator: '>=', value: '2025-01-14' } },
      pageNumber: 1,
      pageSize: 10,
    };

    expect(listQueryString(query, OSLO)).toBe(
      '?customerRefNumber=PO%207%268%3D9&lastModifiedDateTime=2025-01-14T00%3A00%3A00' +
        '&lastModifiedDateTimeCondition=%3E%3D&pageNumber=1&pageSize=10',
    );
  });

  it('sends the expand flags that are set', () => {
    const query: InvoiceListQuery = {
      pageNumber: 1,
      pageSize: 10,
      expand: { applications: true, attachments: false, taxDetails: true, invoiceAddress: true, dunningInformation: true },
    };

    expect(listQueryParameters(query, OSLO).map(([name]) => name)).toEqual([
      'expandApplications',
      'expandDunningInformation',
      'expandTaxDetails',
      'expandInvoiceAddress',
      'pageNumber',
      'pageSize',
    ]);
  });

  it.each<[string, InvoiceListQuery, string]>([
    ['page 0', { pageNumber: 0, pageSize: 10 }, 'pageNumber'],
    ['a fractional page size', { pageNumber: 1, pageSize: 2.5 }, 'pageSize'],
    [
      'an unknown operator',
      { pageNumber: 1, pageSize: 1, filter: { documentDate: { operator: '=>' as '>=', value: '2025-01-01' } } },
      'filter.documentDate.operator',
    ],
    [
      'a date in another format',
      { pageNumber: 1, pageSize: 1, filter: { documentDate: { operator: '>', value: '14.01.2025' } } },
      'filter.documentDate.value',
    ],
    ['released as text', { pageNumber: 1, pageSize: 1, filter: { released: 'yes' as unknown as boolean } }, 'filter.released'],
    ['a negative dunning level', { pageNumber: 1, pageSize: 1, filter: { dunningLevel: -1 } }, 'filter.dunningLevel'],
  ])('refuses %s, naming the field', (_case, query, field) => {
    expect(() => listQueryParameters(query, OSLO)).toThrow(VismaInputError);
    expect(() => listQueryParameters(query, OSLO)).toThrow(field);
  });
});
