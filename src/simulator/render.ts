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
import { toNumber, type Dec } from './decimal';
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

function maskOf(e: Expand): number {
  return +e.applications | (+e.attachments << 1) | (+e.taxDetails << 2) | (+e.invoiceAddress << 3) | (+e.dunningInformation << 4);
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

const n = (value: Dec): number => toNumber(value);
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
  return DEFAULT_SEGMENTS.map((d) => written.find((w) => w.segmentId === d.segmentId) ?? d);
}

function subaccountDto(written: readonly SegmentValue[]): Record<string, unknown> {
  const segments = fullSegments(written);
  const digits = segments.map((s) => s.value).join('');
  return {
    subaccountNumber: segments.map((s) => s.value).join('-'),
    subaccountId: 1 + Number(digits),
    description: digits === '0000000' ? 'Default' : `Subaccount ${segments.map((s) => s.value).join('-')}`,
    lastModifiedDateTime: '2023-01-02T08:00:00.000',
    active: true,
    segments: segments.map((s) => ({
      segmentId: s.segmentId,
      segmentDescription: SEGMENT_BY_ID.get(s.segmentId)?.description ?? null,
      segmentValue: s.value,
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
    quantity: n(line.quantity),
    unitPrice: n(line.unitPrice),
    unitPriceInCurrency: n(line.unitPriceInCurrency),
    manualAmount: line.manualAmountInCurrency === null ? 0 : n(line.amount),
    manualAmountInCurrency: line.manualAmountInCurrency === null ? 0 : n(line.manualAmountInCurrency),
    amount: n(line.amount),
    cost: 0,
    amountInCurrency: n(line.amountInCurrency),
    account: accountDto(line.accountNumber),
    vatCode: { id: line.vatCodeId, description: vat?.description ?? null },
    uom: line.uom,
    discountPercent: n(line.discountPercent),
    discountAmount: n(line.discountAmount),
    discountAmountInCurrency: n(line.discountAmountInCurrency),
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

/** The invoice as a plain object in spec key order, without `metadata`. */
export function invoiceDto(inv: InvoiceRecord, expand: Expand): Record<string, unknown> {
  const t = inv.totals;
  const customer = customerOf(inv.customerNumber);
  const child = customerOf(inv.childCustomerNumber);
  const terms = CREDIT_TERMS.find((c) => c.id === inv.creditTermsId);
  const zone = inv.vatZoneId === null ? undefined : VAT_ZONE_BY_ID.get(inv.vatZoneId);
  const method = inv.paymentMethodId === null ? undefined : PAYMENT_METHOD_BY_ID.get(inv.paymentMethodId);
  const project = inv.projectId === null ? undefined : PROJECT_BY_ID.get(inv.projectId);
  const salesPerson = inv.salesPersonId === null ? undefined : SALESPERSON_BY_ID.get(inv.salesPersonId);
  const address = inv.invoiceAddress;
  const country = address.countryId === null ? undefined : COUNTRY_BY_ID.get(address.countryId);
  const contact = inv.invoiceContact;
  return {
    creditTerms: terms ? { id: terms.id, description: terms.description } : null,
    documentDueDate: renderDate(inv.documentDueDate),
    cashDiscountDate: dateOrNull(inv.cashDiscountDate),
    externalReference: inv.externalReference,
    isRotRutDeductible: inv.isRotRutDeductible,
    exchangeRate: n(inv.exchangeRate),
    dunningLetterDate: expand.dunningInformation ? dateOrNull(inv.dunningLetterDate) : null,
    dunningLetterLevel: expand.dunningInformation ? inv.dunningLevel : null,
    contact:
      inv.contactId === null ? null : { id: inv.contactId, name: customer?.contactId === inv.contactId ? customer.contactName : null },
    attachments: expand.attachments ? inv.attachments.map((a) => ({ name: a.name, id: a.id, revision: a.revision })) : null,
    taxDetails: expand.taxDetails
      ? t.taxes.map((tax, index) => ({
          taxId: tax.vatCodeId,
          recordId: index + 1,
          vatId: { number: tax.vatCodeId, description: VAT_BY_ID.get(tax.vatCodeId)?.description ?? null },
          vatRate: n(VAT_BY_ID.get(tax.vatCodeId)?.rate ?? 0n),
          taxableAmount: n(tax.taxableAmountInCurrency),
          vatAmount: n(tax.vatAmountInCurrency),
          expenseAmount: 0,
        }))
      : null,
    invoiceLines: inv.lines.map(lineDto),
    sendToAutoInvoice: inv.sendToAutoInvoice,
    roundingDiff: 0,
    customerVatZone: zone ? { id: zone.id, description: zone.description } : null,
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
    discountTotal: n(t.discountTotal),
    discountTotalInCurrency: n(t.discountTotalInCurrency),
    detailTotal: n(t.detailTotal),
    detailTotalInCurrency: n(t.detailTotalInCurrency),
    vatTaxableTotal: n(t.vatTaxableTotal),
    vatTaxableTotalInCurrency: n(t.vatTaxableTotalInCurrency),
    vatExemptTotal: n(t.vatExemptTotal),
    vatExemptTotalInCurrency: n(t.vatExemptTotalInCurrency),
    salesPersonID: inv.legacySalesPersonId,
    salesPersonDescr: inv.legacySalesPersonId === null ? null : (salesPerson?.description ?? null),
    salesPerson: salesPerson ? { id: salesPerson.id, description: salesPerson.description } : null,
    paymentReference: inv.paymentReference,
    invoiceAddress: expand.invoiceAddress
      ? {
          addressId: address.addressId,
          addressLine1: address.addressLine1,
          addressLine2: address.addressLine2,
          addressLine3: address.addressLine3,
          postalCode: address.postalCode,
          city: address.city,
          country:
            address.countryId === null ? null : { id: address.countryId, name: country?.name ?? null, errorInfo: null, metadata: null },
          county: address.county === null ? null : { id: address.county, name: address.county },
          overrideAddress: address.overrideAddress,
        }
      : null,
    invoiceContact: {
      contactId: contact.contactId,
      businessName: contact.businessName,
      attention: contact.attention,
      email: contact.email,
      phone1: contact.phone1,
      overrideContact: contact.overrideContact,
    },
    applications: expand.applications
      ? inv.applications.map((a) => ({
          docType: a.docType,
          customerCD: inv.customerNumber,
          refNbr: a.refNbr,
          amountPaid: n(a.amountPaid),
          cashDiscountTaken: 0,
          balance: n(inv.totals.balanceInCurrency),
          pendingPPD: false,
          released: true,
          hold: false,
          voided: false,
          ppdCrMemoRefNbr: null,
          paymentRef: a.paymentRef,
          status: 'Closed',
          applicationDate: renderDate(a.applicationDate),
          applicationPeriod: a.applicationDate.slice(0, 4) + a.applicationDate.slice(5, 7),
          invoiceText: inv.invoiceText,
        }))
      : null,
    dontPrint: inv.dontPrint,
    dontEmail: inv.dontEmail,
    revoked: inv.revoked,
    customer: { number: inv.customerNumber, name: customer?.name ?? null },
    documentType: 'Invoice',
    referenceNumber: inv.referenceNumber,
    postPeriod: inv.postPeriod,
    financialPeriod: inv.financialPeriod,
    closedFinancialPeriod: inv.closedFinancialPeriod,
    documentDate: renderDate(inv.documentDate),
    origInvoiceDate: dateOrNull(inv.origInvoiceDate),
    status: inv.status,
    currencyId: inv.currencyId,
    amount: n(t.amount),
    amountInCurrency: n(t.amountInCurrency),
    balance: n(t.balance),
    balanceInCurrency: n(t.balanceInCurrency),
    cashDiscount: 0,
    cashDiscountInCurrency: 0,
    paymentMethod: method ? { id: method.id, description: method.description } : null,
    customerRefNumber: inv.customerRefNumber,
    invoiceText: inv.invoiceText,
    lastModifiedDateTime: formatStamp(inv.lastModifiedMs),
    createdDateTime: formatStamp(inv.createdMs),
    note: inv.note,
    vatTotal: n(t.vatTotal),
    vatTotalInCurrency: n(t.vatTotalInCurrency),
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
    const full = JSON.stringify(invoiceDto(inv, expand));
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
