import type {
  AddressInput as DomainAddressInput,
  InvoiceContactInput as DomainInvoiceContactInput,
  InvoiceDraft,
  InvoiceLineChange,
  InvoiceLineInput as DomainLineInput,
  ItemType as DomainItemType,
} from '../../visma/model';
import { ItemType } from '../enums/item-type.enum';
import { LineOperation } from '../enums/line-operation.enum';
import type { AddressInput } from '../inputs/address.input';
import type { CreateInvoiceInput } from '../inputs/create-invoice.input';
import type { InvoiceContactInput } from '../inputs/invoice-contact.input';
import type { InvoiceLineChangeInput } from '../inputs/invoice-line-change.input';
import type { InvoiceLineInput } from '../inputs/invoice-line.input';
import { DATE_INPUT_RANGE } from '../scalars/calendar';
import { TEXT_LIMITS } from './input-limits';
import { Problems } from './problems';

/**
 * Checks a new invoice before any upstream call and turns it into the client's draft. Every
 * problem is reported with its path (`input.lines[2].quantity`); the GraphQL scalars have
 * already refused malformed dates and decimals.
 */
export function toInvoiceDraft(input: CreateInvoiceInput, path = 'input'): InvoiceDraft {
  const problems = new Problems();
  const customerNumber = text(problems, `${path}.customerNumber`, input.customerNumber, TEXT_LIMITS.customerNumber, true);
  if (input.lines.length === 0) {
    problems.add(`${path}.lines`, 'must contain at least one line.');
  }
  const lines = input.lines.map((line, index) => {
    const linePath = `${path}.lines[${index}]`;
    requireItemOrDescription(problems, linePath, line);
    return toLineInput(problems, linePath, line);
  });
  const referenceNumber = text(problems, `${path}.referenceNumber`, input.referenceNumber, TEXT_LIMITS.referenceNumber);
  if (referenceNumber !== undefined && referenceNumber.trim() === '') {
    problems.add(`${path}.referenceNumber`, 'must not be blank; leave it out to let Visma number the invoice.');
  }
  dateOrder(problems, path, 'startDate', input.startDate, 'endDate', input.endDate);
  const draft: InvoiceDraft = compact({
    customerNumber: customerNumber ?? '',
    lines,
    referenceNumber,
    // A supplied number replaces the company's number series (CONTRACT §3, overrideNumberSeries).
    overrideNumberSeries: referenceNumber === undefined ? undefined : true,
    childCustomerNumber: text(problems, `${path}.childCustomerNumber`, input.childCustomerNumber, TEXT_LIMITS.childCustomerNumber),
    documentDate: inputDate(problems, `${path}.documentDate`, input.documentDate),
    documentDueDate: inputDate(problems, `${path}.documentDueDate`, input.documentDueDate),
    cashDiscountDate: inputDate(problems, `${path}.cashDiscountDate`, input.cashDiscountDate),
    origInvoiceDate: inputDate(problems, `${path}.origInvoiceDate`, input.origInvoiceDate),
    startDate: inputDate(problems, `${path}.startDate`, input.startDate),
    endDate: inputDate(problems, `${path}.endDate`, input.endDate),
    financialPeriod: period(problems, `${path}.financialPeriod`, input.financialPeriod),
    currencyId: text(problems, `${path}.currencyId`, input.currencyId, TEXT_LIMITS.currencyId),
    exchangeRate: positiveDecimal(problems, `${path}.exchangeRate`, input.exchangeRate),
    invoiceText: text(problems, `${path}.invoiceText`, input.invoiceText, TEXT_LIMITS.invoiceText),
    note: text(problems, `${path}.note`, input.note, TEXT_LIMITS.note),
    externalReference: text(problems, `${path}.externalReference`, input.externalReference, TEXT_LIMITS.externalReference),
    paymentReference: text(problems, `${path}.paymentReference`, input.paymentReference, TEXT_LIMITS.paymentReference),
    customerRefNumber: text(problems, `${path}.customerRefNumber`, input.customerRefNumber, TEXT_LIMITS.customerRefNumber),
    customerProject: text(problems, `${path}.customerProject`, input.customerProject, TEXT_LIMITS.customerProject),
    accountingCostRef: text(problems, `${path}.accountingCostRef`, input.accountingCostRef, TEXT_LIMITS.accountingCostRef),
    originatorDocRef: text(problems, `${path}.originatorDocRef`, input.originatorDocRef, TEXT_LIMITS.originatorDocRef),
    contractDocRef: text(problems, `${path}.contractDocRef`, input.contractDocRef, TEXT_LIMITS.contractDocRef),
    creditTermsId: text(problems, `${path}.creditTermsId`, input.creditTermsId, TEXT_LIMITS.creditTermsId),
    paymentMethodId: text(problems, `${path}.paymentMethodId`, input.paymentMethodId, TEXT_LIMITS.paymentMethodId),
    customerVatZoneId: text(problems, `${path}.customerVatZoneId`, input.customerVatZoneId, TEXT_LIMITS.customerVatZoneId),
    locationId: text(problems, `${path}.locationId`, input.locationId, TEXT_LIMITS.locationId),
    branchNumber: text(problems, `${path}.branchNumber`, input.branchNumber, TEXT_LIMITS.branchNumber),
    project: text(problems, `${path}.projectId`, input.projectId, TEXT_LIMITS.projectId),
    contactId: positiveInteger(problems, `${path}.contactId`, input.contactId),
    salesperson: text(problems, `${path}.salesperson`, input.salesperson, TEXT_LIMITS.salesperson),
    cashAccount: text(problems, `${path}.cashAccount`, input.cashAccount, TEXT_LIMITS.cashAccount),
    hold: present(input.hold),
    sendToAutoInvoice: present(input.sendToAutoInvoice),
    dontPrint: present(input.dontPrint),
    dontEmail: present(input.dontEmail),
    excludeDebtCollection: present(input.excludeDebtCollection),
    billingAddress: input.billingAddress == null ? undefined : toAddress(problems, `${path}.billingAddress`, input.billingAddress),
    invoiceContact: input.invoiceContact == null ? undefined : toContact(problems, `${path}.invoiceContact`, input.invoiceContact),
  });
  problems.throwIfAny();
  return draft;
}

/** Checks line changes before any upstream call; paths are relative to `path` (`lines[0].line.quantity`). */
export function toLineChanges(changes: readonly InvoiceLineChangeInput[], path = 'lines'): InvoiceLineChange[] {
  const problems = new Problems();
  if (changes.length === 0) {
    problems.add(path, 'must contain at least one change.');
  }
  const touched = new Map<number, number>();
  const result = changes.map((change, index): InvoiceLineChange => {
    const changePath = `${path}[${index}]`;
    const lineNumber = present(change.lineNumber);
    if (lineNumber !== undefined && lineNumber < 1) {
      problems.add(`${changePath}.lineNumber`, `must be 1 or more; received ${lineNumber}.`);
    }
    switch (change.operation) {
      case LineOperation.INSERT: {
        if (change.line == null) {
          problems.add(`${changePath}.line`, 'is required for INSERT: give an inventoryNumber or a description.');
          return { operation: 'Insert', line: {} };
        }
        requireItemOrDescription(problems, `${changePath}.line`, change.line);
        return compact({ operation: 'Insert' as const, lineNumber, line: toLineInput(problems, `${changePath}.line`, change.line) });
      }
      case LineOperation.UPDATE: {
        requireLineNumber(problems, changePath, 'UPDATE', lineNumber, index, touched);
        if (change.line == null) {
          problems.add(`${changePath}.line`, 'is required for UPDATE: give the fields to change.');
          return { operation: 'Update', lineNumber: lineNumber ?? 0, line: {} };
        }
        const line = toLineInput(problems, `${changePath}.line`, change.line);
        if (Object.keys(line).length === 0) {
          problems.add(`${changePath}.line`, 'must set at least one field to change.');
        }
        return { operation: 'Update', lineNumber: lineNumber ?? 0, line };
      }
      case LineOperation.DELETE: {
        requireLineNumber(problems, changePath, 'DELETE', lineNumber, index, touched);
        if (change.line != null) {
          problems.add(`${changePath}.line`, 'is not allowed for DELETE.');
        }
        return { operation: 'Delete', lineNumber: lineNumber ?? 0 };
      }
    }
  });
  problems.throwIfAny();
  return result;
}

/** A path segment Visma will be asked about: present, not blank, within the number's length. */
export function toReferenceNumber(referenceNumber: string, field = 'referenceNumber'): string {
  const problems = new Problems();
  const value = text(problems, field, referenceNumber, TEXT_LIMITS.referenceNumber, true);
  problems.throwIfAny();
  return value ?? referenceNumber;
}

/** Version strings are Visma's base64 ETags; anything else cannot match and is a client error. */
export function toExpectedVersion(version: string | null | undefined, field = 'expectedVersion'): string | undefined {
  if (version == null) {
    return undefined;
  }
  const problems = new Problems();
  if (version.trim() === '' || version.length > 200) {
    problems.add(field, 'must be a version read from CustomerInvoice.version.');
  }
  problems.throwIfAny();
  return version;
}

function requireLineNumber(
  problems: Problems,
  changePath: string,
  operation: string,
  lineNumber: number | undefined,
  index: number,
  touched: Map<number, number>,
): void {
  if (lineNumber === undefined) {
    problems.add(`${changePath}.lineNumber`, `is required for ${operation}.`);
    return;
  }
  const earlier = touched.get(lineNumber);
  if (earlier !== undefined) {
    problems.add(`${changePath}.lineNumber`, `line ${lineNumber} is already changed by lines[${earlier}]; change a line once per call.`);
  } else {
    touched.set(lineNumber, index);
  }
}

/** A Visma staff answer: an inserted line needs an item or at least a description (CONTRACT §3). */
function requireItemOrDescription(problems: Problems, linePath: string, line: InvoiceLineInput): void {
  const hasItem = line.inventoryNumber != null && line.inventoryNumber.trim() !== '';
  const hasDescription = line.description != null && line.description.trim() !== '';
  if (!hasItem && !hasDescription) {
    problems.add(`${linePath}.inventoryNumber`, 'a new line needs an inventoryNumber or a description.');
  }
}

function toLineInput(problems: Problems, path: string, line: InvoiceLineInput): DomainLineInput {
  dateOrder(problems, path, 'startDate', line.startDate, 'endDate', line.endDate);
  dateOrder(problems, path, 'termStartDate', line.termStartDate, 'termEndDate', line.termEndDate);
  return compact({
    inventoryNumber: text(problems, `${path}.inventoryNumber`, line.inventoryNumber, TEXT_LIMITS.inventoryNumber),
    description: text(problems, `${path}.description`, line.description, TEXT_LIMITS.lineDescription),
    quantity: present(line.quantity),
    unitPriceInCurrency: present(line.unitPrice),
    manualAmountInCurrency: present(line.manualAmount),
    uom: text(problems, `${path}.uom`, line.uom, TEXT_LIMITS.uom),
    accountNumber: text(problems, `${path}.accountNumber`, line.accountNumber, TEXT_LIMITS.accountNumber),
    subaccount: line.subaccount == null ? undefined : toSegments(problems, `${path}.subaccount`, line.subaccount),
    vatCodeId: text(problems, `${path}.vatCodeId`, line.vatCodeId, TEXT_LIMITS.vatCodeId),
    discountPercent: percent(problems, `${path}.discountPercent`, line.discountPercent),
    discountAmountInCurrency: present(line.discountAmount),
    manualDiscount: present(line.manualDiscount),
    discountCode: text(problems, `${path}.discountCode`, line.discountCode, TEXT_LIMITS.discountCode),
    branchNumber: text(problems, `${path}.branchNumber`, line.branchNumber, TEXT_LIMITS.branchNumber),
    taskId: text(problems, `${path}.projectTaskId`, line.projectTaskId, TEXT_LIMITS.projectTaskId),
    salesperson: text(problems, `${path}.salesperson`, line.salesperson, TEXT_LIMITS.salesperson),
    itemType: itemType(problems, `${path}.itemType`, line.itemType),
    isRotRutDeductible: present(line.isRotRutDeductible),
    startDate: inputDate(problems, `${path}.startDate`, line.startDate),
    endDate: inputDate(problems, `${path}.endDate`, line.endDate),
    termStartDate: inputDate(problems, `${path}.termStartDate`, line.termStartDate),
    termEndDate: inputDate(problems, `${path}.termEndDate`, line.termEndDate),
    deferralSchedule: positiveInteger(problems, `${path}.deferralSchedule`, line.deferralSchedule),
    deferralCode: text(problems, `${path}.deferralCode`, line.deferralCode, TEXT_LIMITS.deferralCode),
    note: text(problems, `${path}.note`, line.note, TEXT_LIMITS.note),
  });
}

function toSegments(
  problems: Problems,
  path: string,
  segments: ReadonlyArray<{ segmentId: number; segmentValue: string }>,
): Array<{ segmentId: number; value: string }> {
  const seen = new Set<number>();
  return segments.map((segment, index) => {
    const segmentPath = `${path}[${index}]`;
    if (segment.segmentId < 1) {
      problems.add(`${segmentPath}.segmentId`, `must be 1 or more; received ${segment.segmentId}.`);
    } else if (seen.has(segment.segmentId)) {
      problems.add(`${segmentPath}.segmentId`, `segment ${segment.segmentId} is given twice.`);
    }
    seen.add(segment.segmentId);
    const value = text(problems, `${segmentPath}.segmentValue`, segment.segmentValue, TEXT_LIMITS.segmentValue, true);
    return { segmentId: segment.segmentId, value: value ?? '' };
  });
}

function toAddress(problems: Problems, path: string, address: AddressInput): DomainAddressInput {
  return compact({
    overridden: present(address.overridden),
    line1: text(problems, `${path}.line1`, address.line1, TEXT_LIMITS.addressLine),
    line2: text(problems, `${path}.line2`, address.line2, TEXT_LIMITS.addressLine),
    line3: text(problems, `${path}.line3`, address.line3, TEXT_LIMITS.addressLine),
    postalCode: text(problems, `${path}.postalCode`, address.postalCode, TEXT_LIMITS.postalCode),
    city: text(problems, `${path}.city`, address.city, TEXT_LIMITS.city),
    countryId: text(problems, `${path}.countryId`, address.countryId, TEXT_LIMITS.countryId),
    county: text(problems, `${path}.county`, address.county, TEXT_LIMITS.county),
  });
}

function toContact(problems: Problems, path: string, contact: InvoiceContactInput): DomainInvoiceContactInput {
  return compact({
    overridden: present(contact.overridden),
    name: text(problems, `${path}.name`, contact.name, TEXT_LIMITS.contactName),
    attention: text(problems, `${path}.attention`, contact.attention, TEXT_LIMITS.contactName),
    email: text(problems, `${path}.email`, contact.email, TEXT_LIMITS.email),
    phone: text(problems, `${path}.phone`, contact.phone, TEXT_LIMITS.phone),
  });
}

function text(problems: Problems, field: string, value: string | null | undefined, limit: number, required = false): string | undefined {
  if (value == null || (required && value.trim() === '')) {
    if (required) {
      problems.add(field, 'is required.');
    }
    return undefined;
  }
  // Count code points, not UTF-16 units: "ø" and an emoji are one character each to a user.
  const length = [...value].length;
  if (length > limit) {
    problems.add(field, `must be at most ${limit} characters; received ${length}.`);
  }
  return value;
}

function period(problems: Problems, field: string, value: string | null | undefined): string | undefined {
  if (value == null) {
    return undefined;
  }
  if (!/^\d{4}(0[1-9]|1[0-2])$/.test(value)) {
    problems.add(field, `must be a period as YYYYMM, such as "202501"; received ${JSON.stringify(value)}.`);
  }
  return value;
}

function positiveInteger(problems: Problems, field: string, value: number | null | undefined): number | undefined {
  if (value == null) {
    return undefined;
  }
  if (value < 1) {
    problems.add(field, `must be 1 or more; received ${value}.`);
  }
  return value;
}

function positiveDecimal(problems: Problems, field: string, value: string | null | undefined): string | undefined {
  if (value == null) {
    return undefined;
  }
  if (value.startsWith('-') || /^0(\.0+)?$/.test(value)) {
    problems.add(field, `must be greater than 0; received "${value}".`);
  }
  return value;
}

/** 0 to 100 inclusive, compared on the digits so no float rounding can let 100.0000001 through. */
function percent(problems: Problems, field: string, value: string | null | undefined): string | undefined {
  if (value == null) {
    return undefined;
  }
  const [whole = '', fraction = ''] = value.split('.');
  const overHundred = whole.length > 3 || Number(whole) > 100 || (Number(whole) === 100 && /[1-9]/.test(fraction));
  if (value.startsWith('-') || overHundred) {
    problems.add(field, `must be from 0 to 100; received "${value}".`);
  }
  return value;
}

function itemType(problems: Problems, field: string, value: ItemType | null | undefined): DomainItemType | undefined {
  if (value == null) {
    return undefined;
  }
  if (value === ItemType.UNKNOWN) {
    problems.add(field, 'UNKNOWN cannot be written; choose SERVICE, MATERIAL_COST or OTHER_COST.');
    return undefined;
  }
  return value;
}

/** A date (the scalar has checked it is a real one) within the range a user could mean (`DATE_INPUT_RANGE`). */
export function inputDate(problems: Problems, field: string, value: string | null | undefined): string | undefined {
  if (value == null) {
    return undefined;
  }
  // The day as written: YYYY-MM-DD compares correctly as text, and a DateTime starts with it.
  const day = value.slice(0, 10);
  if (day < DATE_INPUT_RANGE.from || day > DATE_INPUT_RANGE.to) {
    problems.add(field, `must be a date from ${DATE_INPUT_RANGE.from} to ${DATE_INPUT_RANGE.to}; received ${JSON.stringify(value)}.`);
  }
  return value;
}

function dateOrder(
  problems: Problems,
  path: string,
  startName: string,
  start: string | null | undefined,
  endName: string,
  end: string | null | undefined,
): void {
  // YYYY-MM-DD compares correctly as text.
  if (start != null && end != null && end < start) {
    problems.add(`${path}.${endName}`, `must not be before ${startName} (${start}); received ${end}.`);
  }
}

function present<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

/** Drops undefined keys: an omitted field means "leave unchanged" upstream (CONTRACT §3). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
