/**
 * `GET /v1/customerinvoice` query parameters (CONTRACT §4): paging, exact-match filters and
 * the paired date filters. ASP.NET binds query names case-insensitively and ignores names it
 * does not know, so the simulator does the same; values it cannot bind are a 400.
 */
import { dateToMs, parseFilterDate } from './dates';
import { isReleased, type InvoiceRecord } from './invoice';
import { EXPAND_ALL, type Expand } from './render';

export const INVOICE_STATUS_NAMES = [
  'Hold',
  'Balanced',
  'Voided',
  'Scheduled',
  'Open',
  'Closed',
  'PendingPrint',
  'PendingEmail',
  'CreditHold',
  'CcHold',
  'Reserved',
] as const;
export const DOCUMENT_TYPE_NAMES = [
  'Invoice',
  'DebitNote',
  'CreditNote',
  'Payment',
  'VoidPayment',
  'Prepayment',
  'Refund',
  'FinCharge',
  'SmallBalanceWo',
  'SmallCreditWo',
  'CashSale',
  'CashReturn',
  'Undefined',
  'NoUpdate',
] as const;

const OPERATORS = ['>', '<', '>=', '<='] as const;
type Operator = (typeof OPERATORS)[number];

type Predicate = (inv: InvoiceRecord) => boolean;

export interface ListQuery {
  pageNumber: number;
  pageSize: number;
  expand: Expand;
  predicates: Predicate[];
}

export class QueryError extends Error {}

interface DateFilter {
  name: string;
  /** The invoice's value the filter compares, as epoch ms of company-local time. */
  valueOf: (inv: InvoiceRecord) => number | null;
}

const DATE_FILTERS: readonly DateFilter[] = [
  { name: 'lastModifiedDateTime', valueOf: (inv) => inv.lastModifiedMs },
  { name: 'createdDateTime', valueOf: (inv) => inv.createdMs },
  { name: 'documentDate', valueOf: (inv) => dateToMs(inv.documentDate) },
  { name: 'documentDueDate', valueOf: (inv) => dateToMs(inv.documentDueDate) },
  { name: 'dunningLetterDateTime', valueOf: (inv) => (inv.dunningLetterDate === null ? null : dateToMs(inv.dunningLetterDate)) },
];

const EXPAND_PARAMS: readonly [string, keyof Expand][] = [
  ['expandApplications', 'applications'],
  ['expandAttachments', 'attachments'],
  ['expandTaxDetails', 'taxDetails'],
  ['expandInvoiceAddress', 'invoiceAddress'],
  ['expandDunningInformation', 'dunningInformation'],
];

/** Query parameters by lower-cased name; the first occurrence wins, as in ASP.NET binding. */
function byLowerName(search: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(search)) {
    const key = name.toLowerCase();
    if (!params.has(key)) params.set(key, value);
  }
  return params;
}

function int32(name: string, text: string): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new QueryError(`The value '${text}' is not valid for ${name}.`);
  const value = Number(text.trim());
  if (value > 2_147_483_647 || value < -2_147_483_648) throw new QueryError(`The value '${text}' is not valid for ${name}.`);
  return value;
}

function bool(name: string, text: string): boolean {
  const normalized = text.trim().toLowerCase();
  if (normalized === 'true') return true;
  if (normalized === 'false') return false;
  throw new QueryError(`The value '${text}' is not valid for ${name}.`);
}

function enumValue<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate.toLowerCase() === text.trim().toLowerCase());
  if (!found) throw new QueryError(`The value '${text}' is not valid for ${name}.`);
  return found;
}

function period(name: string, text: string): string {
  if (!/^\d{4}(0[1-9]|1[0-2])$/.test(text)) throw new QueryError(`${name} must be a period in the format YYYYMM, received '${text}'.`);
  return text;
}

function compare(operator: Operator, value: number, bound: number): boolean {
  switch (operator) {
    case '>':
      return value > bound;
    case '<':
      return value < bound;
    case '>=':
      return value >= bound;
    case '<=':
      return value <= bound;
  }
}

/** Case-insensitive equality, as SQL Server's default collation compares Visma's strings. */
function sameText(stored: string | null, wanted: string): boolean {
  return stored !== null && stored.toLowerCase() === wanted.toLowerCase();
}

/** A query parameter's value by its name in any casing; undefined when absent. */
type ParamReader = (name: string) => string | undefined;

function paging(
  param: ParamReader,
  pageDefaults: { defaultPageSize: number; maxPageSize: number },
): { pageNumber: number; pageSize: number } {
  const pageNumberText = param('pageNumber');
  const pageSizeText = param('pageSize');
  const pageNumber = pageNumberText === undefined ? 1 : int32('pageNumber', pageNumberText);
  if (pageNumber < 1) throw new QueryError(`pageNumber must be 1 or greater, received ${pageNumber}.`);
  const requestedSize = pageSizeText === undefined ? pageDefaults.defaultPageSize : int32('pageSize', pageSizeText);
  if (requestedSize < 1) throw new QueryError(`pageSize must be 1 or greater, received ${requestedSize}.`);
  // "If requested page size is greater than allowed max page size, request will be limited to max page size." (SPEC)
  const pageSize = Math.min(requestedSize, pageDefaults.maxPageSize);
  // Deprecated and ignored when paging, which the simulator always does; still bound as int32.
  for (const name of ['numberToRead', 'skipRecords']) {
    const text = param(name);
    if (text !== undefined) int32(name, text);
  }
  return { pageNumber, pageSize };
}

function expansion(param: ParamReader): Expand {
  const expand: Expand = { ...EXPAND_ALL };
  for (const [name, key] of EXPAND_PARAMS) {
    const text = param(name);
    expand[key] = text === undefined ? false : bool(name, text);
  }
  return expand;
}

/** status and documentType: enumerations bound by name in any casing. */
function enumPredicates(param: ParamReader): Predicate[] {
  const predicates: Predicate[] = [];
  const status = param('status');
  if (status !== undefined) {
    const wanted = enumValue('status', status, INVOICE_STATUS_NAMES);
    predicates.push((inv) => inv.status === wanted);
  }
  const documentType = param('documentType');
  if (documentType !== undefined) {
    // Every document on this endpoint is an Invoice (CONTRACT §2).
    const wanted = enumValue('documentType', documentType, DOCUMENT_TYPE_NAMES);
    predicates.push(() => wanted === 'Invoice');
  }
  return predicates;
}

/** released, dunningLevel and the two periods: exact matches on numbers and YYYYMM periods. */
function exactPredicates(param: ParamReader): Predicate[] {
  const predicates: Predicate[] = [];
  const released = param('released');
  if (released !== undefined) {
    const value = int32('released', released);
    if (value !== 0 && value !== 1) throw new QueryError(`released must be 0 or 1, received ${value}.`);
    predicates.push((inv) => isReleased(inv) === (value === 1));
  }
  const dunningLevel = param('dunningLevel');
  if (dunningLevel !== undefined) {
    const value = int32('dunningLevel', dunningLevel);
    predicates.push((inv) => inv.dunningLevel === value);
  }
  const financialPeriod = param('financialPeriod');
  if (financialPeriod !== undefined) {
    const value = period('financialPeriod', financialPeriod);
    predicates.push((inv) => inv.financialPeriod === value);
  }
  const closedFinancialPeriod = param('closedFinancialPeriod');
  if (closedFinancialPeriod !== undefined) {
    const value = period('closedFinancialPeriod', closedFinancialPeriod);
    predicates.push((inv) => inv.closedFinancialPeriod === value);
  }
  return predicates;
}

/** The text filters and the invoice field each compares, case-insensitively. */
const TEXT_FILTERS: readonly [string, (inv: InvoiceRecord) => string | null][] = [
  ['customer', (inv) => inv.customerNumber],
  ['externalReference', (inv) => inv.externalReference],
  ['paymentReference', (inv) => inv.paymentReference],
  ['customerRefNumber', (inv) => inv.customerRefNumber],
  ['branch', (inv) => inv.branchNumber],
  ['project', (inv) => inv.projectId],
];

function textPredicates(param: ParamReader): Predicate[] {
  const predicates: Predicate[] = [];
  for (const [name, field] of TEXT_FILTERS) {
    const value = param(name);
    if (value !== undefined) predicates.push((inv) => sameText(field(inv), value));
  }
  return predicates;
}

/** One date filter: a value and its `…Condition` operator, sent together (CONTRACT §8.2). */
function datePredicate(filter: DateFilter, valueText: string, conditionText: string): Predicate {
  const operator = OPERATORS.find((candidate) => candidate === conditionText.trim());
  if (!operator) {
    throw new QueryError(`${filter.name}Condition must be one of >, <, >=, <=; received '${conditionText}'.`);
  }
  const bound = parseFilterDate(valueText.trim());
  if (bound === null) {
    throw new QueryError(
      `${filter.name} '${valueText}' is not a valid date; use yyyy-MM-dd, yyyy-MM-dd HH:mm:ss[.FFF] or yyyy-MM-ddTHH:mm:ss[.FFF].`,
    );
  }
  return (inv) => {
    const value = filter.valueOf(inv);
    return value !== null && compare(operator, value, bound);
  };
}

function datePredicates(param: ParamReader): Predicate[] {
  const predicates: Predicate[] = [];
  for (const filter of DATE_FILTERS) {
    const valueText = param(filter.name);
    const conditionText = param(`${filter.name}Condition`);
    if (valueText === undefined && conditionText === undefined) continue;
    // The docs call each pair "mutually inclusive": one without the other is refused (CONTRACT §8.2).
    if (valueText === undefined || conditionText === undefined) {
      throw new QueryError(`${filter.name} and ${filter.name}Condition are mutually inclusive; supply both or neither.`);
    }
    predicates.push(datePredicate(filter, valueText, conditionText));
  }
  return predicates;
}

/** Binds the query string; the first parameter that cannot be bound is the 400's message. */
export function parseListQuery(search: string, pageDefaults: { defaultPageSize: number; maxPageSize: number }): ListQuery {
  const params = byLowerName(search);
  const param: ParamReader = (name) => params.get(name.toLowerCase());
  const { pageNumber, pageSize } = paging(param, pageDefaults);
  const expand = expansion(param);
  const predicates = [...enumPredicates(param), ...exactPredicates(param), ...textPredicates(param), ...datePredicates(param)];
  return { pageNumber, pageSize, expand, predicates };
}

/** Applies the filters and cuts one page; `total` is the filtered count for `metadata.totalCount`. */
export function runListQuery(all: readonly InvoiceRecord[], query: ListQuery): { page: InvoiceRecord[]; total: number } {
  const start = (query.pageNumber - 1) * query.pageSize;
  if (query.predicates.length === 0) {
    return { page: all.slice(start, start + query.pageSize), total: all.length };
  }
  const page: InvoiceRecord[] = [];
  let total = 0;
  for (const inv of all) {
    if (!query.predicates.every((predicate) => predicate(inv))) continue;
    if (total >= start && page.length < query.pageSize) page.push(inv);
    total += 1;
  }
  return { page, total };
}
