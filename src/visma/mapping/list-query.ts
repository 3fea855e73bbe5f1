import { VismaInputError } from '../errors';
import { DATE_OPERATORS, type DateCondition, type InvoiceListFilter, type InvoiceListQuery } from '../model';
import { filterDateTimeOf, parseDateTime } from './time';

/*
 * InvoiceListQuery → the query string of GET /v1/customerinvoice (CONTRACT §4, §8.1, §8.2).
 * Exact-match filters take Visma's parameter names; each date filter is sent together with its
 * `…Condition` (Visma rejects one without the other); values are percent-encoded, operators
 * included; paging is always sent, since Visma's defaults may cut the result set.
 */

type ScalarFilterKey = Exclude<keyof InvoiceListFilter, DateFilterKey>;
type DateFilterKey = 'lastModifiedDateTime' | 'createdDateTime' | 'documentDate' | 'documentDueDate' | 'dunningLetterDateTime';

/** Domain filter name → Visma query parameter, in the spec's order of appearance. */
const SCALAR_PARAMETERS: ReadonlyArray<readonly [ScalarFilterKey, string]> = [
  ['documentType', 'documentType'],
  ['released', 'released'],
  ['dunningLevel', 'dunningLevel'],
  ['closedFinancialPeriod', 'closedFinancialPeriod'],
  ['project', 'project'],
  ['financialPeriod', 'financialPeriod'],
  ['status', 'status'],
  ['externalReference', 'externalReference'],
  ['paymentReference', 'paymentReference'],
  ['customerRefNumber', 'customerRefNumber'],
  ['customerNumber', 'customer'],
  ['branch', 'branch'],
];

const DATE_PARAMETERS: readonly DateFilterKey[] = [
  'dunningLetterDateTime',
  'documentDueDate',
  'documentDate',
  'lastModifiedDateTime',
  'createdDateTime',
];

const EXPAND_PARAMETERS = [
  ['applications', 'expandApplications'],
  ['dunningInformation', 'expandDunningInformation'],
  ['attachments', 'expandAttachments'],
  ['taxDetails', 'expandTaxDetails'],
  ['invoiceAddress', 'expandInvoiceAddress'],
] as const;

/** The query parameters, in order, before encoding. */
export function listQueryParameters(query: InvoiceListQuery, timeZone: string): Array<[string, string]> {
  const params: Array<[string, string]> = [];
  const filter = query.filter ?? {};
  for (const [key, name] of SCALAR_PARAMETERS) {
    const value = filter[key];
    if (value === undefined) continue;
    params.push([name, scalarText(key, value)]);
  }
  for (const key of DATE_PARAMETERS) {
    const condition = filter[key];
    if (condition === undefined) continue;
    const [value, operator] = dateCondition(key, condition, timeZone);
    params.push([key, value], [`${key}Condition`, operator]);
  }
  for (const [key, name] of EXPAND_PARAMETERS) {
    if (query.expand?.[key] === true) params.push([name, 'true']);
  }
  params.push(['pageNumber', String(positiveInteger(query.pageNumber, 'pageNumber'))]);
  params.push(['pageSize', String(positiveInteger(query.pageSize, 'pageSize'))]);
  return params;
}

/** `?a=1&b=%3E%3D…`; every name and value through encodeURIComponent (spaces as %20). */
export function listQueryString(query: InvoiceListQuery, timeZone: string): string {
  return `?${listQueryParameters(query, timeZone)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')}`;
}

function scalarText(key: ScalarFilterKey, value: unknown): string {
  if (key === 'released') {
    if (typeof value !== 'boolean') {
      throw new VismaInputError(`filter.released must be a boolean; received ${JSON.stringify(value)}.`, 'filter.released');
    }
    // Visma declares `released` as int32 (CONTRACT §4).
    return value ? '1' : '0';
  }
  if (key === 'dunningLevel') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new VismaInputError(
        `filter.dunningLevel must be a non-negative integer; received ${JSON.stringify(value)}.`,
        'filter.dunningLevel',
      );
    }
    return String(value);
  }
  if (typeof value !== 'string') {
    throw new VismaInputError(`filter.${key} must be a string; received ${JSON.stringify(value)}.`, `filter.${key}`);
  }
  return value;
}

/**
 * A date condition as `yyyy-MM-ddTHH:mm:ss` in company time, with no `Z`: Visma's filters reject
 * some letters (CONTRACT §8.1) and compare in the company's own time (§8.3). A date alone means
 * its midnight; fractions of a second are dropped; a value with a zone is converted.
 */
function dateCondition(key: DateFilterKey, condition: DateCondition, timeZone: string): [string, string] {
  const field = `filter.${key}`;
  if (!(DATE_OPERATORS as readonly string[]).includes(condition?.operator)) {
    throw new VismaInputError(
      `${field}.operator must be one of ${DATE_OPERATORS.join(' ')}; received ${JSON.stringify(condition?.operator)}.`,
      `${field}.operator`,
    );
  }
  const parts = typeof condition.value === 'string' ? parseDateTime(condition.value) : null;
  if (parts === null) {
    throw new VismaInputError(
      `${field}.value must be a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:mm:ss; received ${JSON.stringify(condition.value)}.`,
      `${field}.value`,
    );
  }
  return [filterDateTimeOf(parts, timeZone), condition.operator];
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2_147_483_647) {
    throw new VismaInputError(`${name} must be a positive integer; received ${JSON.stringify(value)}.`, name);
  }
  return value;
}
