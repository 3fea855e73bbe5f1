import { VismaInputError } from '../errors';
import {
  ITEM_TYPES,
  type AddressInput,
  type InvoiceContactInput,
  type InvoiceDraft,
  type InvoiceHeaderInput,
  type InvoiceLineChange,
  type InvoiceLineInput,
  type InvoicePatch,
  type SubaccountSegmentInput,
} from '../model';
import type {
  CustomerInvoiceLinesUpdateDto,
  CustomerInvoiceUpdateDto,
  SalesInvoiceAddressUpdateDto,
  SalesInvoiceContactUpdateDto,
  Value,
} from '../wire';
import { canonicalDecimal, decimalWriteProblem } from './decimal';
import { isLocalDate } from './time';

/*
 * Domain input → Visma's write DTO (CONTRACT §3), and back again.
 *
 * Rules kept here and nowhere else:
 * - every scalar goes out as `{ "value": x }`, except a line's `operation` (bare) and the
 *   subaccount segments (a bare array of bare objects);
 * - `billingAddress` and `invoiceContact` are wrapped twice;
 * - `invoiceLines` is a plain array;
 * - an omitted (undefined) field is left out, never sent as `{ "value": null }`, because an
 *   absent key means "unchanged" and a null one has no defined effect (CONTRACT §3 null handling);
 *   an empty string is sent, since it clears a text field;
 * - dates go out as `YYYY-MM-DD`, as in Visma's own POST example;
 * - decimals go out as the JSON number whose text is the decimal, or not at all.
 *
 * The field tables drive both directions, so the inverse cannot drift from the forward mapping.
 */

type KeysWhere<T, V> = {
  [K in keyof T]-?: [NonNullable<T[K]>] extends [V] ? ([V] extends [NonNullable<T[K]>] ? K : never) : never;
}[keyof T];

type Pairs<Domain, V> = ReadonlyArray<readonly [KeysWhere<Domain, V>, keyof CustomerInvoiceUpdateDto]>;
type LinePairs<V> = ReadonlyArray<readonly [KeysWhere<InvoiceLineInput, V>, keyof CustomerInvoiceLinesUpdateDto]>;

const HEADER_STRINGS = [
  ['referenceNumber', 'referenceNumber'],
  ['customerNumber', 'customerNumber'],
  ['childCustomerNumber', 'childCustomerNumber'],
  ['financialPeriod', 'financialPeriod'],
  ['currencyId', 'currencyId'],
  ['invoiceText', 'invoiceText'],
  ['note', 'note'],
  ['externalReference', 'externalReference'],
  ['paymentReference', 'paymentReference'],
  ['customerRefNumber', 'customerRefNumber'],
  ['customerProject', 'customerProject'],
  ['accountingCostRef', 'accountingCostRef'],
  ['originatorDocRef', 'originatorDocRef'],
  ['contractDocRef', 'contractDocRef'],
  ['creditTermsId', 'creditTermsId'],
  ['paymentMethodId', 'paymentMethodId'],
  ['customerVatZoneId', 'customerVatZoneId'],
  ['locationId', 'locationId'],
  ['branchNumber', 'branchNumber'],
  ['project', 'project'],
  ['salesperson', 'salesperson'],
  ['cashAccount', 'cashAccount'],
] as const satisfies Pairs<InvoiceHeaderInput, string>;

const HEADER_DATES = [
  ['documentDate', 'documentDate'],
  ['documentDueDate', 'documentDueDate'],
  ['cashDiscountDate', 'cashDiscountDate'],
  ['origInvoiceDate', 'origInvoiceDate'],
  ['startDate', 'startDate'],
  ['endDate', 'endDate'],
] as const satisfies Pairs<InvoiceHeaderInput, string>;

const HEADER_BOOLEANS = [
  ['hold', 'hold'],
  ['sendToAutoInvoice', 'sendToAutoInvoice'],
  ['dontPrint', 'dontPrint'],
  ['dontEmail', 'dontEmail'],
  ['excludeDebtCollection', 'excludeDebtCollection'],
  ['overrideNumberSeries', 'overrideNumberSeries'],
] as const satisfies Pairs<InvoiceHeaderInput, boolean>;

const HEADER_DECIMALS = [['exchangeRate', 'exchangeRate']] as const satisfies Pairs<InvoiceHeaderInput, string>;

const HEADER_INTEGERS = [['contactId', 'contact']] as const satisfies Pairs<InvoiceHeaderInput, number>;

const LINE_STRINGS = [
  ['inventoryNumber', 'inventoryNumber'],
  ['description', 'description'],
  ['uom', 'uom'],
  ['accountNumber', 'accountNumber'],
  ['vatCodeId', 'vatCodeId'],
  ['discountCode', 'discountCode'],
  ['branchNumber', 'branchNumber'],
  ['taskId', 'taskId'],
  ['salesperson', 'salesperson'],
  ['deferralCode', 'deferralCode'],
  ['note', 'note'],
] as const satisfies LinePairs<string>;

const LINE_DATES = [
  ['startDate', 'startDate'],
  ['endDate', 'endDate'],
  ['termStartDate', 'termStartDate'],
  ['termEndDate', 'termEndDate'],
] as const satisfies LinePairs<string>;

const LINE_DECIMALS = [
  ['quantity', 'quantity'],
  ['unitPriceInCurrency', 'unitPriceInCurrency'],
  ['manualAmountInCurrency', 'manualAmountInCurrency'],
  ['discountPercent', 'discountPercent'],
  ['discountAmountInCurrency', 'discountAmountInCurrency'],
] as const satisfies LinePairs<string>;

const LINE_BOOLEANS = [
  ['manualDiscount', 'manualDiscount'],
  // The read side calls it `isRotRutDeductible`, the write side `domesticServicesDeductible`.
  ['isRotRutDeductible', 'domesticServicesDeductible'],
] as const satisfies LinePairs<boolean>;

const LINE_INTEGERS = [['deferralSchedule', 'deferralSchedule']] as const satisfies LinePairs<number>;

const ADDRESS_STRINGS = [
  ['line1', 'addressLine1'],
  ['line2', 'addressLine2'],
  ['line3', 'addressLine3'],
  ['postalCode', 'postalCode'],
  ['city', 'city'],
  ['countryId', 'countryId'],
  ['county', 'county'],
] as const satisfies ReadonlyArray<readonly [keyof AddressInput, keyof SalesInvoiceAddressUpdateDto]>;

const CONTACT_STRINGS = [
  ['name', 'name'],
  ['attention', 'attention'],
  ['email', 'email'],
  ['phone', 'phone1'],
] as const satisfies ReadonlyArray<readonly [keyof InvoiceContactInput, keyof SalesInvoiceContactUpdateDto]>;

const INT32_MAX = 2_147_483_647;

// ---------------------------------------------------------------------------------------------
// Domain → wire
// ---------------------------------------------------------------------------------------------

/** Body of POST /v2/customerinvoice: the header plus every line as an Insert. */
export function draftToWire(draft: InvoiceDraft): CustomerInvoiceUpdateDto {
  if (typeof draft.customerNumber !== 'string' || draft.customerNumber.trim() === '') {
    throw new VismaInputError('customerNumber must be a non-empty string.', 'customerNumber');
  }
  if (!Array.isArray(draft.lines)) {
    throw new VismaInputError('lines must be an array.', 'lines');
  }
  const dto = headerToWire(draft);
  dto.invoiceLines = draft.lines.map((line, index) => lineToWire('Insert', undefined, line, `lines[${index}]`));
  return dto;
}

/** Body of PUT /v1/customerinvoice/{referenceNumber}: only what the patch names. */
export function patchToWire(patch: InvoicePatch): CustomerInvoiceUpdateDto {
  const dto = headerToWire(patch);
  if (patch.lineChanges !== undefined) {
    if (!Array.isArray(patch.lineChanges)) {
      throw new VismaInputError('lineChanges must be an array.', 'lineChanges');
    }
    dto.invoiceLines = patch.lineChanges.map((change, index) => lineChangeToWire(change, `lineChanges[${index}]`));
  }
  return dto;
}

function headerToWire(input: InvoiceHeaderInput): CustomerInvoiceUpdateDto {
  const out: Record<string, unknown> = {};
  for (const [from, to] of HEADER_STRINGS) putString(out, to, input[from], from);
  for (const [from, to] of HEADER_DATES) putDate(out, to, input[from], from);
  for (const [from, to] of HEADER_BOOLEANS) putBoolean(out, to, input[from], from);
  for (const [from, to] of HEADER_DECIMALS) putDecimal(out, to, input[from], from);
  for (const [from, to] of HEADER_INTEGERS) putInteger(out, to, input[from], from);
  if (input.billingAddress !== undefined) {
    const address = addressToWire(input.billingAddress, 'billingAddress');
    if (address !== undefined) out.billingAddress = { value: address };
  }
  if (input.invoiceContact !== undefined) {
    const contact = contactToWire(input.invoiceContact, 'invoiceContact');
    if (contact !== undefined) out.invoiceContact = { value: contact };
  }
  return out;
}

function lineChangeToWire(change: InvoiceLineChange, path: string): CustomerInvoiceLinesUpdateDto {
  switch (change?.operation) {
    case 'Insert':
      return lineToWire('Insert', change.lineNumber, change.line, path);
    case 'Update':
      requireLineNumber(change.lineNumber, path);
      return lineToWire('Update', change.lineNumber, change.line, path);
    case 'Delete':
      requireLineNumber(change.lineNumber, path);
      return { operation: 'Delete', lineNumber: { value: change.lineNumber } };
    default:
      throw new VismaInputError(`${path}.operation must be "Insert", "Update" or "Delete".`, `${path}.operation`);
  }
}

function lineToWire(
  operation: 'Insert' | 'Update',
  lineNumber: number | undefined,
  line: InvoiceLineInput,
  path: string,
): CustomerInvoiceLinesUpdateDto {
  if (typeof line !== 'object' || line === null) {
    throw new VismaInputError(`${path} must be an object of line fields.`, path);
  }
  const out: Record<string, unknown> = { operation };
  putInteger(out, 'lineNumber', lineNumber, `${path}.lineNumber`);
  for (const [from, to] of LINE_STRINGS) putString(out, to, line[from], `${path}.${from}`);
  for (const [from, to] of LINE_DATES) putDate(out, to, line[from], `${path}.${from}`);
  for (const [from, to] of LINE_DECIMALS) putDecimal(out, to, line[from], `${path}.${from}`);
  for (const [from, to] of LINE_BOOLEANS) putBoolean(out, to, line[from], `${path}.${from}`);
  for (const [from, to] of LINE_INTEGERS) putInteger(out, to, line[from], `${path}.${from}`);
  if (line.itemType !== undefined) {
    if (!(ITEM_TYPES as readonly string[]).includes(line.itemType)) {
      throw new VismaInputError(
        `${path}.itemType must be one of ${ITEM_TYPES.join(', ')}; received ${JSON.stringify(line.itemType)}.`,
        `${path}.itemType`,
      );
    }
    out.itemType = { value: line.itemType };
  }
  if (line.subaccount !== undefined) {
    out.subaccount = segmentsToWire(line.subaccount, `${path}.subaccount`);
  }
  return out as unknown as CustomerInvoiceLinesUpdateDto;
}

/** The one place a subaccount goes out bare: neither the array nor its items are wrapped. */
function segmentsToWire(segments: SubaccountSegmentInput[], path: string): Array<{ segmentId: number; segmentValue: string }> {
  if (!Array.isArray(segments)) {
    throw new VismaInputError(`${path} must be an array of segments.`, path);
  }
  return segments.map((segment, index) => {
    const at = `${path}[${index}]`;
    if (!isInt32(segment?.segmentId)) {
      throw new VismaInputError(`${at}.segmentId must be an integer.`, `${at}.segmentId`);
    }
    if (typeof segment.value !== 'string') {
      throw new VismaInputError(`${at}.value must be a string.`, `${at}.value`);
    }
    return { segmentId: segment.segmentId, segmentValue: segment.value };
  });
}

function addressToWire(address: AddressInput, path: string): SalesInvoiceAddressUpdateDto | undefined {
  const out: Record<string, unknown> = {};
  putBoolean(out, 'overrideAddress', address.overridden, `${path}.overridden`);
  for (const [from, to] of ADDRESS_STRINGS) putString(out, to, address[from], `${path}.${from}`);
  return Object.keys(out).length === 0 ? undefined : out;
}

function contactToWire(contact: InvoiceContactInput, path: string): SalesInvoiceContactUpdateDto | undefined {
  const out: Record<string, unknown> = {};
  putBoolean(out, 'overrideContact', contact.overridden, `${path}.overridden`);
  for (const [from, to] of CONTACT_STRINGS) putString(out, to, contact[from], `${path}.${from}`);
  return Object.keys(out).length === 0 ? undefined : out;
}

function putString(out: Record<string, unknown>, key: string, value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string') {
    throw new VismaInputError(`${field} must be a string.`, field);
  }
  out[key] = { value };
}

function putDate(out: Record<string, unknown>, key: string, value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !isLocalDate(value)) {
    throw new VismaInputError(`${field} must be a calendar date YYYY-MM-DD; received ${JSON.stringify(value)}.`, field);
  }
  out[key] = { value };
}

function putBoolean(out: Record<string, unknown>, key: string, value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'boolean') {
    throw new VismaInputError(`${field} must be a boolean.`, field);
  }
  out[key] = { value };
}

function putInteger(out: Record<string, unknown>, key: string, value: unknown, field: string): void {
  if (value === undefined) return;
  if (!isInt32(value)) {
    throw new VismaInputError(`${field} must be a 32-bit integer; received ${JSON.stringify(value)}.`, field);
  }
  out[key] = { value };
}

function putDecimal(out: Record<string, unknown>, key: string, value: unknown, field: string): void {
  if (value === undefined) return;
  const problem = typeof value === 'string' ? decimalWriteProblem(value) : 'is not a decimal string';
  if (problem !== null) {
    throw new VismaInputError(`${field} ${JSON.stringify(value)} ${problem}.`, field);
  }
  out[key] = { value: Number(value) };
}

function requireLineNumber(lineNumber: unknown, path: string): void {
  if (!isInt32(lineNumber) || lineNumber < 1) {
    throw new VismaInputError(`${path}.lineNumber must be a positive integer.`, `${path}.lineNumber`);
  }
}

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= INT32_MAX;
}

// ---------------------------------------------------------------------------------------------
// Wire → domain input (the inverse). Used by tests to prove the mapping loses nothing, and by
// anything that must read a body this client wrote (an idempotent create's journal, say).
// Decimals come back in canonical form ("1.50" went out as 1.5 and comes back as "1.5").
// ---------------------------------------------------------------------------------------------

export function draftFromWire(dto: CustomerInvoiceUpdateDto): InvoiceDraft {
  const header = headerFromWire(dto);
  return {
    ...header,
    customerNumber: header.customerNumber ?? '',
    lines: (dto.invoiceLines ?? []).map((line) => lineFromWire(line)),
  };
}

export function patchFromWire(dto: CustomerInvoiceUpdateDto): InvoicePatch {
  const patch: InvoicePatch = headerFromWire(dto);
  if (dto.invoiceLines !== undefined) {
    patch.lineChanges = dto.invoiceLines.map(lineChangeFromWire);
  }
  return patch;
}

function headerFromWire(dto: CustomerInvoiceUpdateDto): InvoiceHeaderInput {
  const source = dto as Record<string, Value<unknown> | undefined>;
  const out: Record<string, unknown> = {};
  for (const [to, from] of [...HEADER_STRINGS, ...HEADER_DATES, ...HEADER_BOOLEANS, ...HEADER_INTEGERS]) {
    takeValue(out, to, source[from]);
  }
  for (const [to, from] of HEADER_DECIMALS) takeDecimal(out, to, source[from]);
  const address = dto.billingAddress?.value;
  if (address !== undefined) {
    const result: Record<string, unknown> = {};
    takeValue(result, 'overridden', address.overrideAddress);
    for (const [to, from] of ADDRESS_STRINGS) takeValue(result, to, address[from]);
    out.billingAddress = result;
  }
  const contact = dto.invoiceContact?.value;
  if (contact !== undefined) {
    const result: Record<string, unknown> = {};
    takeValue(result, 'overridden', contact.overrideContact);
    for (const [to, from] of CONTACT_STRINGS) takeValue(result, to, contact[from]);
    out.invoiceContact = result;
  }
  return out;
}

function lineChangeFromWire(dto: CustomerInvoiceLinesUpdateDto): InvoiceLineChange {
  const lineNumber = dto.lineNumber?.value;
  if (dto.operation === 'Delete') {
    return { operation: 'Delete', lineNumber: lineNumber ?? 0 };
  }
  if (dto.operation === 'Update') {
    return { operation: 'Update', lineNumber: lineNumber ?? 0, line: lineFromWire(dto) };
  }
  return lineNumber === undefined
    ? { operation: 'Insert', line: lineFromWire(dto) }
    : { operation: 'Insert', lineNumber, line: lineFromWire(dto) };
}

function lineFromWire(dto: CustomerInvoiceLinesUpdateDto): InvoiceLineInput {
  const source = dto as unknown as Record<string, Value<unknown> | undefined>;
  const out: Record<string, unknown> = {};
  for (const [to, from] of [...LINE_STRINGS, ...LINE_DATES, ...LINE_BOOLEANS, ...LINE_INTEGERS]) {
    takeValue(out, to, source[from]);
  }
  for (const [to, from] of LINE_DECIMALS) takeDecimal(out, to, source[from]);
  if (dto.itemType !== undefined) out.itemType = dto.itemType.value;
  if (dto.subaccount !== undefined) {
    out.subaccount = dto.subaccount.map((segment) => ({ segmentId: segment.segmentId, value: segment.segmentValue }));
  }
  return out;
}

function takeValue(out: Record<string, unknown>, key: string, wrapped: Value<unknown> | undefined): void {
  if (wrapped !== undefined) out[key] = wrapped.value;
}

function takeDecimal(out: Record<string, unknown>, key: string, wrapped: Value<unknown> | undefined): void {
  if (wrapped !== undefined) out[key] = canonicalDecimal(String(wrapped.value)) ?? String(wrapped.value);
}
