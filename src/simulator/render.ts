/**
 * Read DTOs: an invoice as `CustomerInvoiceDto` JSON, every key present and `null` for what
 * is absent (CONTRACT §2, §2.2), in the spec's key order. Rendering is the simulator's hot
 * path, so each invoice's JSON is cached per row version and per expand mask, without its
 * closing `metadata`; lists splice the per-request metadata onto the cached prefix.
 */
import {
  ACCOUNT_BY_NUMBER,
  BRANCH_BY_NUMBER,
  COUNTRY_BY_ID,
  CREDIT_TERMS,
  CUSTOMER_BY_NUMBER,
  PAYMENT_METHOD_BY_ID,
  PROJECT_BY_ID,
  RECEIVABLES_ACCOUNT,
  SALESPERSON_BY_ID,
  SEGMENT_BY_ID,
  VAT_BY_ID,
  VAT_ZONE_BY_ID,
  type DemoCustomer,
} from './catalogue';
import { formatStamp, renderDate } from './dates';
import { toNumber } from './decimal';
import { type InvoiceRecord, type LineRecord, type SegmentValue } from './invoice';

/** Which optional parts a list request asked for (CONTRACT §4 `expand*`). */
export interface Expand {
  applications: boolean;
  attachments: boolean;
  taxDetails: boolean;
  invoiceAddress: boolean;
  dunningInformation: boolean;
}

export const EXPAND_ALL: Expand = {
  applications: true,
  attachments: true,
  taxDetails: true,
  invoiceAddress: true,
  dunningInformation: true,
};

function maskOf(expand: Expand): number {
  return (
    +expand.applications |
    (+expand.attachments << 1) |
    (+expand.taxDetails << 2) |
    (+expand.invoiceAddress << 3) |
    (+expand.dunningInformation << 4)
  );
}

/** base64 of the 8-byte big-endian row version, like SQL Server's rowversion behind Visma's timeStamp. */
export function timeStampOf(version: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(version);
  return bytes.toString('base64');
}

export function etagOf(version: bigint): string {
  return `"${timeStampOf(version)}"`;
}

const dateOrNull = (date: string | null): string | null => (date === null ? null : renderDate(date));

function accountDto(number: string): Record<string, unknown> {
  const account = ACCOUNT_BY_NUMBER.get(number);
  return {
    type: account?.type ?? null,
    externalCode1: null,
    externalCode2: null,
    active: true,
    number,
    description: account?.description ?? null,
  };
}

const DEFAULT_SEGMENTS: readonly SegmentValue[] = [
  { segmentId: 1, value: '00' },
  { segmentId: 2, value: '000' },
  { segmentId: 3, value: '00' },
];

/** The full segment list of a subaccount: written segments override the defaults. */
export function fullSegments(written: readonly SegmentValue[]): SegmentValue[] {
  return DEFAULT_SEGMENTS.map((fallback) => written.find((segment) => segment.segmentId === fallback.segmentId) ?? fallback);
}

function subaccountDto(written: readonly SegmentValue[]): Record<string, unknown> {
  const segments = fullSegments(written);
  const digits = segments.map((segment) => segment.value).join('');
  return {
    subaccountNumber: segments.map((segment) => segment.value).join('-'),
    subaccountId: 1 + Number(digits),
    description: digits === '0000000' ? 'Default' : `Subaccount ${segments.map((segment) => segment.value).join('-')}`,
    lastModifiedDateTime: '2023-01-02T08:00:00.000',
    active: true,
    segments: segments.map((segment) => ({
      segmentId: segment.segmentId,
      segmentDescription: SEGMENT_BY_ID.get(segment.segmentId)?.description ?? null,
      segmentValue: segment.value,
      segmentValueDescription: null,
    })),
    timeStamp: 'AAAAAAAAA+g=',
    errorInfo: null,
    metadata: null,
  };
}

function branchDto(number: string | null): Record<string, unknown> | null {
  if (number === null) return null;
  return { number, name: BRANCH_BY_NUMBER.get(number)?.name ?? null };
}

const TASKS: Record<string, { internalId: number; description: string }> = {
  T01: { internalId: 201, description: 'Analysis' },
  T02: { internalId: 202, description: 'Implementation' },
  T03: { internalId: 203, description: 'Training' },
};
export const TASK_IDS: ReadonlySet<string> = new Set(Object.keys(TASKS));

function lineDto(line: LineRecord): Record<string, unknown> {
  const vat = VAT_BY_ID.get(line.vatCodeId);
  const task = line.taskId === null ? undefined : TASKS[line.taskId];
  const seller = line.salesperson === null ? undefined : SALESPERSON_BY_ID.get(line.salesperson);
  return {
    termStartDate: dateOrNull(line.termStartDate),
    termEndDate: dateOrNull(line.termEndDate),
    isRotRutDeductible: line.isRotRutDeductible,
    itemType: line.itemType,
    typeOfWork: line.typeOfWork === null ? null : { rutRotType: null, description: line.typeOfWork, xmlTag: null },
    deductableAmount: 0,
    attachments: [],
    projectTask: task && line.taskId ? { internalId: task.internalId, id: line.taskId, description: task.description } : null,
    lineType: line.lineType,
    startDate: dateOrNull(line.startDate),
    endDate: dateOrNull(line.endDate),
    soShipmentNbr: null,
    soOrderType: null,
    soOrderNbr: null,
    lineNumber: line.lineNumber,
    inventoryNumber: line.inventoryNumber,
    description: line.description,
    quantity: toNumber(line.quantity),
    unitPrice: toNumber(line.unitPrice),
    unitPriceInCurrency: toNumber(line.unitPriceInCurrency),
    manualAmount: line.manualAmountInCurrency === null ? 0 : toNumber(line.amount),
    manualAmountInCurrency: line.manualAmountInCurrency === null ? 0 : toNumber(line.manualAmountInCurrency),
    amount: toNumber(line.amount),
    cost: 0,
    amountInCurrency: toNumber(line.amountInCurrency),
    account: accountDto(line.accountNumber),
    vatCode: { id: line.vatCodeId, description: vat?.description ?? null },
    uom: line.uom,
    discountPercent: toNumber(line.discountPercent),
    discountAmount: toNumber(line.discountAmount),
    discountAmountInCurrency: toNumber(line.discountAmountInCurrency),
    manualDiscount: line.manualDiscount,
    subaccount: subaccountDto(line.subaccount),
    salesperson: line.salesperson,
    seller: seller ? { id: seller.id, description: seller.description } : null,
    deferralSchedule: line.deferralSchedule,
    deferralCode: line.deferralCode,
    discountCode: line.discountCode,
    note: line.note,
    branchNumber: branchDto(line.branchNumber),
    externalLink: null,
  };
}

function customerOf(number: string | null): DemoCustomer | undefined {
  return number === null ? undefined : CUSTOMER_BY_NUMBER.get(number);
}

const idDescription = (entry: { id: string; description: string } | undefined): { id: string; description: string } | null =>
  entry ? { id: entry.id, description: entry.description } : null;

function contactDto(inv: InvoiceRecord): Record<string, unknown> | null {
  if (inv.contactId === null) return null;
  const customer = customerOf(inv.customerNumber);
  return { id: inv.contactId, name: customer?.contactId === inv.contactId ? customer.contactName : null };
}

function taxDetailsDto(inv: InvoiceRecord): Record<string, unknown>[] {
  return inv.totals.taxes.map((tax, index) => ({
    taxId: tax.vatCodeId,
    recordId: index + 1,
    vatId: { number: tax.vatCodeId, description: VAT_BY_ID.get(tax.vatCodeId)?.description ?? null },
    vatRate: toNumber(VAT_BY_ID.get(tax.vatCodeId)?.rate ?? 0n),
    taxableAmount: toNumber(tax.taxableAmountInCurrency),
    vatAmount: toNumber(tax.vatAmountInCurrency),
    expenseAmount: 0,
  }));
}

function invoiceAddressDto(inv: InvoiceRecord): Record<string, unknown> {
  const address = inv.invoiceAddress;
  const country = address.countryId === null ? undefined : COUNTRY_BY_ID.get(address.countryId);
  return {
    addressId: address.addressId,
    addressLine1: address.addressLine1,
    addressLine2: address.addressLine2,
    addressLine3: address.addressLine3,
    postalCode: address.postalCode,
    city: address.city,
    country: address.countryId === null ? null : { id: address.countryId, name: country?.name ?? null, errorInfo: null, metadata: null },
    county: address.county === null ? null : { id: address.county, name: address.county },
    overrideAddress: address.overrideAddress,
  };
}

function invoiceContactDto(inv: InvoiceRecord): Record<string, unknown> {
  const contact = inv.invoiceContact;
  return {
    contactId: contact.contactId,
    businessName: contact.businessName,
    attention: contact.attention,
    email: contact.email,
    phone1: contact.phone1,
    overrideContact: contact.overrideContact,
  };
}

/** Payments applied to the invoice; every application is a released, closed payment. */
function applicationsDto(inv: InvoiceRecord): Record<string, unknown>[] {
  return inv.applications.map((application) => ({
    docType: application.docType,
    customerCD: inv.customerNumber,
    refNbr: application.refNbr,
    amountPaid: toNumber(application.amountPaid),
    cashDiscountTaken: 0,
    balance: toNumber(inv.totals.balanceInCurrency),
    pendingPPD: false,
    released: true,
    hold: false,
    voided: false,
    ppdCrMemoRefNbr: null,
    paymentRef: application.paymentRef,
    status: 'Closed',
    applicationDate: renderDate(application.applicationDate),
    applicationPeriod: application.applicationDate.slice(0, 4) + application.applicationDate.slice(5, 7),
    invoiceText: inv.invoiceText,
  }));
}

// The read DTO's keys come in the spec's order, which mixes topics. invoiceDto joins the parts
// below in that order; each part is a run of consecutive keys.

/** From `creditTerms` to `invoiceLines`: terms, dates, dunning, contact and the expandable lists. */
function termsDatesAndListsPart(inv: InvoiceRecord, expand: Expand): Record<string, unknown> {
  return {
    creditTerms: idDescription(CREDIT_TERMS.find((terms) => terms.id === inv.creditTermsId)),
    documentDueDate: renderDate(inv.documentDueDate),
    cashDiscountDate: dateOrNull(inv.cashDiscountDate),
    externalReference: inv.externalReference,
    isRotRutDeductible: inv.isRotRutDeductible,
    exchangeRate: toNumber(inv.exchangeRate),
    dunningLetterDate: expand.dunningInformation ? dateOrNull(inv.dunningLetterDate) : null,
    dunningLetterLevel: expand.dunningInformation ? inv.dunningLevel : null,
    contact: contactDto(inv),
    attachments: expand.attachments
      ? inv.attachments.map((attachment) => ({ name: attachment.name, id: attachment.id, revision: attachment.revision }))
      : null,
    taxDetails: expand.taxDetails ? taxDetailsDto(inv) : null,
    invoiceLines: inv.lines.map(lineDto),
  };
}

/** From `sendToAutoInvoice` to `hold`: delivery flags, references, mandate, debt collection, the row version. */
function referencesPart(inv: InvoiceRecord): Record<string, unknown> {
  const child = customerOf(inv.childCustomerNumber);
  const zone = inv.vatZoneId === null ? undefined : VAT_ZONE_BY_ID.get(inv.vatZoneId);
  return {
    sendToAutoInvoice: inv.sendToAutoInvoice,
    roundingDiff: 0,
    customerVatZone: idDescription(zone),
    startDate: dateOrNull(inv.startDate),
    endDate: dateOrNull(inv.endDate),
    accountingCostRef: inv.accountingCostRef,
    originatorDocRef: inv.originatorDocRef,
    contractDocRef: inv.contractDocRef,
    childRecord: inv.childCustomerNumber === null ? null : { number: inv.childCustomerNumber, name: child?.name ?? null },
    directDebitMandate:
      inv.directDebitMandateId === null
        ? null
        : { id: inv.directDebitMandateId, mandateId: `M-${inv.customerNumber}`, mandateDescription: 'Direct debit mandate' },
    excludeDebtCollection: inv.excludeDebtCollection,
    debtCollection: inv.debtCollection === null ? null : { ...inv.debtCollection },
    timeStamp: timeStampOf(inv.version),
    hold: inv.status === 'Hold',
  };
}

/** From `discountTotal` to `applications`: detail totals, salesperson, payment reference, address, contact, payments. */
function totalsAndPartiesPart(inv: InvoiceRecord, expand: Expand): Record<string, unknown> {
  const totals = inv.totals;
  const salesPerson = inv.salesPersonId === null ? undefined : SALESPERSON_BY_ID.get(inv.salesPersonId);
  return {
    discountTotal: toNumber(totals.discountTotal),
    discountTotalInCurrency: toNumber(totals.discountTotalInCurrency),
    detailTotal: toNumber(totals.detailTotal),
    detailTotalInCurrency: toNumber(totals.detailTotalInCurrency),
    vatTaxableTotal: toNumber(totals.vatTaxableTotal),
    vatTaxableTotalInCurrency: toNumber(totals.vatTaxableTotalInCurrency),
    vatExemptTotal: toNumber(totals.vatExemptTotal),
    vatExemptTotalInCurrency: toNumber(totals.vatExemptTotalInCurrency),
    salesPersonID: inv.legacySalesPersonId,
    salesPersonDescr: inv.legacySalesPersonId === null ? null : (salesPerson?.description ?? null),
    salesPerson: idDescription(salesPerson),
    paymentReference: inv.paymentReference,
    invoiceAddress: expand.invoiceAddress ? invoiceAddressDto(inv) : null,
    invoiceContact: invoiceContactDto(inv),
    applications: expand.applications ? applicationsDto(inv) : null,
  };
}

/** From `dontPrint` to `vatTotalInCurrency`: the document's identity, status, amounts and audit stamps. */
function documentPart(inv: InvoiceRecord): Record<string, unknown> {
  const totals = inv.totals;
  const method = inv.paymentMethodId === null ? undefined : PAYMENT_METHOD_BY_ID.get(inv.paymentMethodId);
  return {
    dontPrint: inv.dontPrint,
    dontEmail: inv.dontEmail,
    revoked: inv.revoked,
    customer: { number: inv.customerNumber, name: customerOf(inv.customerNumber)?.name ?? null },
    documentType: 'Invoice',
    referenceNumber: inv.referenceNumber,
    postPeriod: inv.postPeriod,
    financialPeriod: inv.financialPeriod,
    closedFinancialPeriod: inv.closedFinancialPeriod,
    documentDate: renderDate(inv.documentDate),
    origInvoiceDate: dateOrNull(inv.origInvoiceDate),
    status: inv.status,
    currencyId: inv.currencyId,
    amount: toNumber(totals.amount),
    amountInCurrency: toNumber(totals.amountInCurrency),
    balance: toNumber(totals.balance),
    balanceInCurrency: toNumber(totals.balanceInCurrency),
    cashDiscount: 0,
    cashDiscountInCurrency: 0,
    paymentMethod: idDescription(method),
    customerRefNumber: inv.customerRefNumber,
    invoiceText: inv.invoiceText,
    lastModifiedDateTime: formatStamp(inv.lastModifiedMs),
    createdDateTime: formatStamp(inv.createdMs),
    note: inv.note,
    vatTotal: toNumber(totals.vatTotal),
    vatTotalInCurrency: toNumber(totals.vatTotalInCurrency),
  };
}

/** From `location` to `errorInfo`: where the document is booked. */
function bookingPart(inv: InvoiceRecord): Record<string, unknown> {
  const customer = customerOf(inv.customerNumber);
  const project = inv.projectId === null ? undefined : PROJECT_BY_ID.get(inv.projectId);
  return {
    location: inv.locationId === null ? null : { countryId: customer?.countryId ?? null, id: inv.locationId, name: 'Primary location' },
    branchNumber: branchDto(inv.branchNumber),
    cashAccount: inv.cashAccount,
    project: project ? { internalId: project.internalId, id: project.id, description: project.description } : null,
    account: accountDto(RECEIVABLES_ACCOUNT),
    subaccount: subaccountDto([]),
    customerProject: inv.customerProject,
    errorInfo: null,
  };
}

/** The invoice as runs of keys that together are the read DTO in spec key order, without `metadata`. */
function invoiceParts(inv: InvoiceRecord, expand: Expand): Record<string, unknown>[] {
  return [termsDatesAndListsPart(inv, expand), referencesPart(inv), totalsAndPartiesPart(inv, expand), documentPart(inv), bookingPart(inv)];
}

/**
 * The JSON of the object that the parts make together, keys in the parts' order. The parts are
 * serialised one by one: merging them first (`{ ...a, ...b }`) made rendering about five times
 * slower in CPU time, because V8 keeps an object built that way with this many keys in dictionary mode.
 */
export function jsonOfParts(parts: readonly Record<string, unknown>[]): string {
  return `{${parts.map((part) => JSON.stringify(part).slice(1, -1)).join(',')}}`;
}

interface CacheEntry {
  version: bigint;
  /** UTF-8 bytes of the JSON without the closing `,"metadata":…}`, per expand mask. */
  byMask: Map<number, Buffer>;
  /** The complete single-GET body. */
  single: Buffer | null;
}

const cache = new WeakMap<InvoiceRecord, CacheEntry>();

function entryFor(inv: InvoiceRecord): CacheEntry {
  let entry = cache.get(inv);
  if (!entry || entry.version !== inv.version) {
    entry = { version: inv.version, byMask: new Map(), single: null };
    cache.set(inv, entry);
  }
  return entry;
}

/**
 * The invoice's JSON bytes without the closing `,"metadata":…}`. Cached until the row
 * version changes, so a list of a thousand invoices is mostly copying cached bytes.
 */
export function invoiceJsonPrefix(inv: InvoiceRecord, expand: Expand): Buffer {
  const entry = entryFor(inv);
  const mask = maskOf(expand);
  let bytes = entry.byMask.get(mask);
  if (bytes === undefined) {
    const full = jsonOfParts(invoiceParts(inv, expand));
    bytes = Buffer.from(full.slice(0, -1), 'utf8');
    entry.byMask.set(mask, bytes);
  }
  return bytes;
}

const SINGLE_TAIL = Buffer.from(',"metadata":null}');

/** GET single: every part expanded; `metadata` is a list-only field and is null here. */
export function invoiceJson(inv: InvoiceRecord): Buffer {
  const entry = entryFor(inv);
  entry.single ??= Buffer.concat([invoiceJsonPrefix(inv, EXPAND_ALL), SINGLE_TAIL]);
  return entry.single;
}

const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');
const COMMA = Buffer.from(',');

/** A list body as chunks to write in order (no large string is ever built). */
export function invoiceListJson(invoices: readonly InvoiceRecord[], expand: Expand, totalCount: number, maxPageSize: number): Buffer[] {
  if (invoices.length === 0) return [OPEN, CLOSE];
  const tail = Buffer.from(`,"metadata":{"totalCount":${totalCount},"maxPageSize":${maxPageSize}}}`);
  const chunks: Buffer[] = [OPEN];
  invoices.forEach((inv, index) => {
    if (index > 0) chunks.push(COMMA);
    chunks.push(invoiceJsonPrefix(inv, expand), tail);
  });
  chunks.push(CLOSE);
  return chunks;
}
