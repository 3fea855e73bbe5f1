import { VismaProtocolError, VismaUnreadableRecordError } from '../errors';
import type {
  Account,
  Address,
  Attachment,
  CustomerInvoice,
  IdDescription,
  InvoiceApplication,
  InvoiceContact,
  InvoiceLine,
  InvoicePage,
  NumberName,
  Project,
  Subaccount,
  TaxDetail,
  UnreadableInvoice,
} from '../model';
import { isUnreadable } from '../model';
import { WireReader, describe, isRecord, unwrap } from './reader';

/**
 * GET /v1/customerinvoice/{referenceNumber} body → domain invoice. `metadata`, `errorInfo` and
 * the artefacts on nested objects (`subaccount.timeStamp`, `country.metadata`, CONTRACT §8.15)
 * are dropped; `timeStamp` becomes `version`. A body that is not an object is a protocol error;
 * an invoice with a field that cannot be read is a `VismaUnreadableRecordError`.
 */
export function invoiceFromWire(dto: unknown, timeZone: string): CustomerInvoice {
  const root = WireReader.root(dto, 'invoice', timeZone);
  try {
    return readInvoice(root);
  } catch (error) {
    if (!(error instanceof VismaProtocolError)) throw error;
    throw new VismaUnreadableRecordError(error.message, referenceNumberOf(dto));
  }
}

/**
 * A list page: a bare JSON array (CONTRACT §4). The total and the applied page size sit in each
 * item's `metadata`; the first item's readable ones are used, and an empty page has none. An
 * item that cannot be read fails only itself: it is left out of `invoices` and listed in
 * `unreadable` by its position, so one bad record never takes its neighbours down.
 */
export function invoicePageFromWire(body: unknown, timeZone: string): InvoicePage {
  const items = unwrap(body);
  if (!Array.isArray(items)) {
    throw new VismaProtocolError(`Visma sent ${describe(items)} for the invoice list; expected a JSON array.`);
  }
  const page = new PageBuilder(timeZone);
  items.forEach((item: unknown, index) => page.add(item, index));
  return page.build();
}

/** Collects a page's items one at a time, so each wire object can die young (src/visma/list-page-sink.ts feeds it as the body arrives). */
export class PageBuilder {
  private readonly invoices: CustomerInvoice[] = [];
  private readonly unreadable: UnreadableInvoice[] = [];
  private metadata: { totalCount: number | null; maxPageSize: number | null } | null = null;

  constructor(private readonly timeZone: string) {}

  add(item: unknown, index: number): void {
    this.metadata ??= metadataOf(item, this.timeZone);
    const read = readItem(item, `invoices[${index}]`, index, this.timeZone);
    if (isUnreadable(read)) this.unreadable.push(read);
    else this.invoices.push(read);
  }

  build(): InvoicePage {
    return {
      invoices: this.invoices,
      ...(this.unreadable.length === 0 ? {} : { unreadable: this.unreadable }),
      totalCount: this.metadata?.totalCount ?? null,
      maxPageSize: this.metadata?.maxPageSize ?? null,
    };
  }
}

/** An item's `metadata`, or null when it has none that can be read (then the next item's is used). */
function metadataOf(item: unknown, timeZone: string): { totalCount: number | null; maxPageSize: number | null } | null {
  try {
    const metadata = WireReader.root(item, 'item', timeZone).object('metadata');
    return metadata === null ? null : { totalCount: metadata.integer('totalCount'), maxPageSize: metadata.integer('maxPageSize') };
  } catch (error) {
    if (error instanceof VismaProtocolError) return null;
    throw error;
  }
}

/**
 * One invoice, or what is known of it when it cannot be read. Only the client's own reading
 * failures (VismaProtocolError) make an item unreadable; anything else is a bug and propagates.
 */
function readItem(item: unknown, path: string, position: number, timeZone: string): CustomerInvoice | UnreadableInvoice {
  try {
    return readInvoice(WireReader.root(item, path, timeZone));
  } catch (error) {
    if (!(error instanceof VismaProtocolError)) throw error;
    return { position, referenceNumber: referenceNumberOf(item), reason: error.message };
  }
}

/** The item's referenceNumber when it is plain text (or a number), however wrapped; else null. */
function referenceNumberOf(item: unknown): string | null {
  const record = unwrap(item);
  if (!isRecord(record)) return null;
  const value = unwrap(record['referenceNumber']);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function readInvoice(r: WireReader): CustomerInvoice {
  const referenceNumber = r.string('referenceNumber');
  if (referenceNumber === null || referenceNumber === '') {
    throw new VismaProtocolError(`Visma sent an invoice without a referenceNumber (${r.path}).`);
  }
  return {
    referenceNumber,
    documentType: r.string('documentType'),
    status: r.string('status'),
    hold: r.boolean('hold'),
    version: r.string('timeStamp'),
    customer: numberName(r.object('customer')),
    childCustomer: numberName(r.object('childRecord')),
    documentDate: r.date('documentDate'),
    documentDueDate: r.date('documentDueDate'),
    origInvoiceDate: r.date('origInvoiceDate'),
    cashDiscountDate: r.date('cashDiscountDate'),
    startDate: r.date('startDate'),
    endDate: r.date('endDate'),
    dunningLetterDate: r.date('dunningLetterDate'),
    dunningLetterLevel: r.integer('dunningLetterLevel'),
    postPeriod: r.string('postPeriod'),
    financialPeriod: r.string('financialPeriod'),
    closedFinancialPeriod: r.string('closedFinancialPeriod'),
    currencyId: r.string('currencyId'),
    exchangeRate: r.decimal('exchangeRate'),
    amount: r.decimal('amount'),
    amountInCurrency: r.decimal('amountInCurrency'),
    balance: r.decimal('balance'),
    balanceInCurrency: r.decimal('balanceInCurrency'),
    cashDiscount: r.decimal('cashDiscount'),
    cashDiscountInCurrency: r.decimal('cashDiscountInCurrency'),
    detailTotal: r.decimal('detailTotal'),
    detailTotalInCurrency: r.decimal('detailTotalInCurrency'),
    discountTotal: r.decimal('discountTotal'),
    discountTotalInCurrency: r.decimal('discountTotalInCurrency'),
    vatTaxableTotal: r.decimal('vatTaxableTotal'),
    vatTaxableTotalInCurrency: r.decimal('vatTaxableTotalInCurrency'),
    vatExemptTotal: r.decimal('vatExemptTotal'),
    vatExemptTotalInCurrency: r.decimal('vatExemptTotalInCurrency'),
    vatTotal: r.decimal('vatTotal'),
    vatTotalInCurrency: r.decimal('vatTotalInCurrency'),
    roundingDiff: r.decimal('roundingDiff'),
    invoiceText: r.string('invoiceText'),
    note: r.string('note'),
    externalReference: r.string('externalReference'),
    paymentReference: r.string('paymentReference'),
    customerRefNumber: r.string('customerRefNumber'),
    customerProject: r.string('customerProject'),
    accountingCostRef: r.string('accountingCostRef'),
    originatorDocRef: r.string('originatorDocRef'),
    contractDocRef: r.string('contractDocRef'),
    cashAccount: r.string('cashAccount'),
    creditTerms: idDescription(r.object('creditTerms')),
    paymentMethod: idDescription(r.object('paymentMethod')),
    customerVatZone: idDescription(r.object('customerVatZone')),
    salesPerson: idDescription(r.object('salesPerson')),
    legacySalesPersonId: r.integer('salesPersonID'),
    legacySalesPersonDescription: r.string('salesPersonDescr'),
    location: mapObject(r.object('location'), (o) => ({
      id: o.string('id'),
      name: o.string('name'),
      countryId: o.string('countryId'),
    })),
    branch: numberName(r.object('branchNumber')),
    project: project(r.object('project')),
    account: account(r.object('account')),
    subaccount: subaccount(r.object('subaccount')),
    contact: mapObject(r.object('contact'), (o) => ({ id: o.integer('id'), name: o.string('name') })),
    invoiceAddress: addressFromWire(r.object('invoiceAddress')),
    invoiceContact: invoiceContact(r.object('invoiceContact')),
    directDebitMandate: mapObject(r.object('directDebitMandate'), (o) => ({
      id: o.string('id'),
      mandateId: o.string('mandateId'),
      description: o.string('mandateDescription'),
    })),
    debtCollection: mapObject(r.object('debtCollection'), (o) => ({
      caseNumber: o.string('caseNumber'),
      caseType: o.string('caseType'),
      caseStatus: o.string('caseStatus'),
      caseUrl: o.string('caseUrl'),
    })),
    excludeDebtCollection: r.boolean('excludeDebtCollection'),
    sendToAutoInvoice: r.boolean('sendToAutoInvoice'),
    isRotRutDeductible: r.boolean('isRotRutDeductible'),
    dontPrint: r.boolean('dontPrint'),
    dontEmail: r.boolean('dontEmail'),
    revoked: r.boolean('revoked'),
    createdDateTime: r.instant('createdDateTime'),
    lastModifiedDateTime: r.instant('lastModifiedDateTime'),
    taxDetails: r.objects('taxDetails').map(taxDetail),
    attachments: r.objects('attachments').map(attachment),
    applications: r.objects('applications').map(application),
    lines: r.objects('invoiceLines').map(line),
  };
}

function line(r: WireReader): InvoiceLine {
  return {
    lineNumber: r.integer('lineNumber'),
    lineType: r.string('lineType'),
    inventoryNumber: r.string('inventoryNumber'),
    description: r.string('description'),
    quantity: r.decimal('quantity'),
    uom: r.string('uom'),
    unitPrice: r.decimal('unitPrice'),
    unitPriceInCurrency: r.decimal('unitPriceInCurrency'),
    manualAmount: r.decimal('manualAmount'),
    manualAmountInCurrency: r.decimal('manualAmountInCurrency'),
    amount: r.decimal('amount'),
    amountInCurrency: r.decimal('amountInCurrency'),
    cost: r.decimal('cost'),
    discountPercent: r.decimal('discountPercent'),
    discountAmount: r.decimal('discountAmount'),
    discountAmountInCurrency: r.decimal('discountAmountInCurrency'),
    manualDiscount: r.boolean('manualDiscount'),
    discountCode: r.string('discountCode'),
    account: account(r.object('account')),
    subaccount: subaccount(r.object('subaccount')),
    vatCode: idDescription(r.object('vatCode')),
    branch: numberName(r.object('branchNumber')),
    projectTask: project(r.object('projectTask')),
    seller: idDescription(r.object('seller')),
    salesperson: r.string('salesperson'),
    itemType: r.string('itemType'),
    typeOfWork: mapObject(r.object('typeOfWork'), (o) => ({
      rutRotType: o.string('rutRotType'),
      description: o.string('description'),
      xmlTag: o.string('xmlTag'),
    })),
    isRotRutDeductible: r.boolean('isRotRutDeductible'),
    deductibleAmount: r.decimal('deductableAmount'),
    startDate: r.date('startDate'),
    endDate: r.date('endDate'),
    termStartDate: r.date('termStartDate'),
    termEndDate: r.date('termEndDate'),
    deferralSchedule: r.integer('deferralSchedule'),
    deferralCode: r.string('deferralCode'),
    salesOrderShipmentNumber: r.string('soShipmentNbr'),
    salesOrderType: r.string('soOrderType'),
    salesOrderNumber: r.string('soOrderNbr'),
    note: r.string('note'),
    externalLink: r.string('externalLink'),
    attachments: r.objects('attachments').map(attachment),
  };
}

function taxDetail(r: WireReader): TaxDetail {
  return {
    taxId: r.string('taxId'),
    recordId: r.integer('recordId'),
    vat: mapObject(r.object('vatId'), (o) => ({ number: o.string('number'), description: o.string('description') })),
    vatRate: r.decimal('vatRate'),
    taxableAmount: r.decimal('taxableAmount'),
    vatAmount: r.decimal('vatAmount'),
    expenseAmount: r.decimal('expenseAmount'),
  };
}

function application(r: WireReader): InvoiceApplication {
  return {
    documentType: r.string('docType'),
    customerNumber: r.string('customerCD'),
    referenceNumber: r.string('refNbr'),
    amountPaid: r.decimal('amountPaid'),
    cashDiscountTaken: r.decimal('cashDiscountTaken'),
    balance: r.decimal('balance'),
    pendingPpd: r.boolean('pendingPPD'),
    released: r.boolean('released'),
    hold: r.boolean('hold'),
    voided: r.boolean('voided'),
    ppdCreditMemoReferenceNumber: r.string('ppdCrMemoRefNbr'),
    paymentReference: r.string('paymentRef'),
    status: r.string('status'),
    applicationDate: r.date('applicationDate'),
    applicationPeriod: r.string('applicationPeriod'),
    invoiceText: r.string('invoiceText'),
  };
}

function attachment(r: WireReader): Attachment {
  return { id: r.string('id'), name: r.string('name'), revision: r.integer('revision') };
}

export function idDescription(r: WireReader | null): IdDescription | null {
  return mapObject(r, (o) => ({ id: o.string('id'), description: o.string('description') }));
}

function numberName(r: WireReader | null): NumberName | null {
  return mapObject(r, (o) => ({ number: o.string('number'), name: o.string('name') }));
}

function project(r: WireReader | null): Project | null {
  return mapObject(r, (o) => ({
    internalId: o.integer('internalId'),
    id: o.string('id'),
    description: o.string('description'),
  }));
}

function account(r: WireReader | null): Account | null {
  return mapObject(r, (o) => ({
    number: o.string('number'),
    description: o.string('description'),
    type: o.string('type'),
    active: o.boolean('active'),
    externalCode1: o.string('externalCode1'),
    externalCode2: o.string('externalCode2'),
  }));
}

function subaccount(r: WireReader | null): Subaccount | null {
  return mapObject(r, (o) => ({
    number: o.string('subaccountNumber'),
    id: o.integer('subaccountId'),
    description: o.string('description'),
    active: o.boolean('active'),
    lastModifiedDateTime: o.instant('lastModifiedDateTime'),
    segments: o.objects('segments').map((s) => ({
      segmentId: s.integer('segmentId'),
      description: s.string('segmentDescription'),
      value: s.string('segmentValue'),
      valueDescription: s.string('segmentValueDescription'),
    })),
  }));
}

/** The invoice's `invoiceAddress`, and the customer's addresses, which share its shape. */
export function addressFromWire(r: WireReader | null): Address | null {
  return mapObject(r, (o) => ({
    addressId: o.integer('addressId'),
    line1: o.string('addressLine1'),
    line2: o.string('addressLine2'),
    line3: o.string('addressLine3'),
    postalCode: o.string('postalCode'),
    city: o.string('city'),
    country: mapObject(o.object('country'), (c) => ({ id: c.string('id'), name: c.string('name') })),
    county: mapObject(o.object('county'), (c) => ({ id: c.string('id'), name: c.string('name') })),
    overridden: o.boolean('overrideAddress'),
  }));
}

function invoiceContact(r: WireReader | null): InvoiceContact | null {
  return mapObject(r, (o) => ({
    contactId: o.integer('contactId'),
    businessName: o.string('businessName'),
    attention: o.string('attention'),
    email: o.string('email'),
    phone: o.string('phone1'),
    overridden: o.boolean('overrideContact'),
  }));
}

export function mapObject<T>(r: WireReader | null, map: (r: WireReader) => T): T | null {
  return r === null ? null : map(r);
}
