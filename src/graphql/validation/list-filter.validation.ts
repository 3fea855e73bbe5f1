import type {
  DateCondition,
  DocumentType as DomainDocumentType,
  InvoiceListFilter,
  InvoiceStatus as DomainInvoiceStatus,
} from '../../visma/model';
import { DocumentType } from '../enums/document-type.enum';
import { InvoiceStatus } from '../enums/invoice-status.enum';
import type { CustomerInvoiceFilter } from '../inputs/customer-invoice-filter.input';
import type { DateConditionInput } from '../inputs/date-condition.input';
import type { DateTimeConditionInput } from '../inputs/date-time-condition.input';
import { TEXT_LIMITS } from './input-limits';
import { inputDate } from './invoice-input.validation';
import { Problems } from './problems';

/**
 * Turns the GraphQL filter into the client's list filter. Date-time conditions keep their
 * offset: the Visma client turns them into the company-local wall-clock time Visma compares
 * against (CONTRACT §8.3), in one place for every caller.
 */
export function toListFilter(filter: CustomerInvoiceFilter | null | undefined, path = 'filter'): InvoiceListFilter {
  if (filter == null) {
    return {};
  }
  const problems = new Problems();
  const result: InvoiceListFilter = {};
  if (filter.status != null) {
    if (filter.status === InvoiceStatus.UNKNOWN) {
      problems.add(`${path}.status`, 'UNKNOWN cannot be filtered on; choose a known status.');
    }
    result.status = filter.status as DomainInvoiceStatus;
  }
  if (filter.documentType != null) {
    if (filter.documentType === DocumentType.UNKNOWN) {
      problems.add(`${path}.documentType`, 'UNKNOWN cannot be filtered on; choose a known document type.');
    }
    result.documentType = filter.documentType as DomainDocumentType;
  }
  const texts = [
    ['customerNumber', 'customerNumber', TEXT_LIMITS.customerNumber],
    ['externalReference', 'externalReference', TEXT_LIMITS.externalReference],
    ['paymentReference', 'paymentReference', TEXT_LIMITS.paymentReference],
    ['customerRefNumber', 'customerRefNumber', TEXT_LIMITS.customerRefNumber],
    ['branchNumber', 'branch', TEXT_LIMITS.branchNumber],
    ['projectId', 'project', TEXT_LIMITS.projectId],
  ] as const;
  for (const [inputName, filterName, limit] of texts) {
    const value = filter[inputName];
    if (value == null) {
      continue;
    }
    if (value.trim() === '') {
      problems.add(`${path}.${inputName}`, 'must not be blank; leave it out to match any value.');
    } else if ([...value].length > limit) {
      problems.add(`${path}.${inputName}`, `must be at most ${limit} characters; received ${[...value].length}.`);
    }
    result[filterName] = value;
  }
  for (const name of ['financialPeriod', 'closedFinancialPeriod'] as const) {
    const value = filter[name];
    if (value == null) {
      continue;
    }
    if (!/^\d{4}(0[1-9]|1[0-2])$/.test(value)) {
      problems.add(`${path}.${name}`, `must be a period as YYYYMM, such as "202501"; received ${JSON.stringify(value)}.`);
    }
    result[name] = value;
  }
  if (filter.released != null) {
    result.released = filter.released;
  }
  if (filter.dunningLevel != null) {
    if (filter.dunningLevel < 0) {
      problems.add(`${path}.dunningLevel`, `must be 0 or more; received ${filter.dunningLevel}.`);
    }
    result.dunningLevel = filter.dunningLevel;
  }
  setDate(problems, `${path}.documentDate`, result, 'documentDate', filter.documentDate);
  setDate(problems, `${path}.documentDueDate`, result, 'documentDueDate', filter.documentDueDate);
  setDate(problems, `${path}.dunningLetterDate`, result, 'dunningLetterDateTime', filter.dunningLetterDate);
  setDate(problems, `${path}.createdDateTime`, result, 'createdDateTime', filter.createdDateTime);
  setDate(problems, `${path}.lastModifiedDateTime`, result, 'lastModifiedDateTime', filter.lastModifiedDateTime);
  problems.throwIfAny();
  return result;
}

type DateFilterName = 'documentDate' | 'documentDueDate' | 'dunningLetterDateTime' | 'createdDateTime' | 'lastModifiedDateTime';

function setDate(
  problems: Problems,
  field: string,
  result: InvoiceListFilter,
  name: DateFilterName,
  condition: DateConditionInput | DateTimeConditionInput | null | undefined,
): void {
  if (condition != null) {
    // The same range as written dates: Visma compares with what it stores, so a value outside it
    // could only match everything or nothing (and an unreadable year is refused as input anywhere).
    inputDate(problems, `${field}.value`, condition.value);
    result[name] = { operator: condition.operator, value: condition.value } satisfies DateCondition;
  }
}

/** `first` from 0 to the configured cap (MAX_PAGE_SIZE). */
export function toPageLength(first: number, maxPageSize: number, field = 'first'): number {
  const problems = new Problems();
  if (!Number.isSafeInteger(first) || first < 0 || first > maxPageSize) {
    problems.add(field, `must be from 0 to ${maxPageSize}; received ${first}.`);
  }
  problems.throwIfAny();
  return first;
}
