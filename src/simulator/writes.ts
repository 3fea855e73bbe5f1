/**
 * The write operations: POST (v1 and v2) creates, PUT changes only what was sent, and the
 * release action (CONTRACT §3, §5, §6). Each write is applied to a copy and committed only
 * when the whole body is valid, so a 400 never leaves a half-applied invoice behind.
 */
import { randomUUID } from 'node:crypto';
import {
  ACCOUNT_BY_NUMBER,
  BRANCH_BY_NUMBER,
  COUNTRY_BY_ID,
  CURRENCY_BY_ID,
  CUSTOMER_BY_NUMBER,
  ITEM_BY_NUMBER,
  PAYMENT_METHOD_BY_ID,
  PROJECT_BY_ID,
  SALESPERSON_BY_ID,
  SEGMENT_BY_ID,
  TERMS_BY_ID,
  VAT_BY_ID,
  VAT_ZONE_BY_ID,
  DEFAULT_SALES_ACCOUNT,
  DEFAULT_VAT_CODE,
  type DemoCustomer,
} from './catalogue';
import { addDays, formatDate, periodOf } from './dates';
import { fromInt, ZERO, type Dec } from './decimal';
import { empty, json, visMessage, type Reply } from './http';
import { isReleased, recompute, type InvoiceRecord, type LineRecord } from './invoice';
import { etagOf, TASK_IDS, timeStampOf } from './render';
import { blankInvoice, itemPriceIn, newLine } from './seed';
import type { RequestContext } from './server';
import { parseWriteDto, WriteDtoError, type BodyDate, type Fields, type Operation, type Segment, type Value } from './write-dto';

/** A business-rule failure; becomes `{"message":"VismaId: …. <operation> Error: <detail>"}`. */
class RuleError extends Error {}

const str = (value: Value | undefined): string | null => (typeof value === 'string' && value !== '' ? value : null);
const date = (value: Value | undefined): BodyDate | null => (value !== null && typeof value === 'object' && 'date' in value ? value : null);
const decimal = (value: Value | undefined): Dec | null => (typeof value === 'bigint' ? value : null);
/** The company-local day of a sent date; a date sent as null clears the field. */
const dayOrNull = (value: Value): string | null => date(value)?.date ?? null;

function lookup<T>(map: ReadonlyMap<string, T>, value: string, what: string): T {
  const found = map.get(value);
  if (found === undefined) throw new RuleError(`${what} '${value}' cannot be found in the system.`);
  return found;
}

/** A reference that may be cleared: null or an empty string clears it, anything else must exist. */
function optionalLookup<T, K extends keyof T>(map: ReadonlyMap<string, T>, value: Value, what: string, key: K): T[K] | null {
  const text = str(value);
  return text === null ? null : lookup(map, text, what)[key];
}

function customerFor(number: string): DemoCustomer {
  const customer = lookup(CUSTOMER_BY_NUMBER, number, 'Customer');
  if (customer.status === 'Inactive') throw new RuleError(`Customer '${number}' is inactive.`);
  return customer;
}

/** `postPeriod` is MMYYYY on the write DTO although the read DTO shows YYYYMM (CONTRACT §8.7). */
function postPeriodFromWrite(text: string): string {
  if (!/^(0[1-9]|1[0-2])\d{4}$/.test(text)) throw new RuleError(`postPeriod '${text}' must be in the format MMYYYY.`);
  return text.slice(2) + text.slice(0, 2);
}

function financialPeriodFromWrite(text: string): string {
  if (!/^\d{4}(0[1-9]|1[0-2])$/.test(text)) throw new RuleError(`financialPeriod '${text}' must be in the format YYYYMM.`);
  return text;
}

function checkSegments(segments: Segment[]): { segmentId: number; value: string }[] {
  const seen = new Set<number>();
  return segments.map((sent) => {
    const segment = SEGMENT_BY_ID.get(sent.segmentId);
    if (!segment) throw new RuleError(`Subaccount segment ${sent.segmentId} does not exist.`);
    if (seen.has(sent.segmentId)) throw new RuleError(`Subaccount segment ${sent.segmentId} is given twice.`);
    seen.add(sent.segmentId);
    if (!new RegExp(`^\\d{${segment.length}}$`).test(sent.segmentValue)) {
      throw new RuleError(`${segment.description} '${sent.segmentValue}' of Subaccount does not exist.`);
    }
    return { segmentId: sent.segmentId, value: sent.segmentValue };
  });
}

/** For fields another step applies: the line's inventoryNumber and operation, the header's customer and lines. */
const handledElsewhere = (): void => undefined;

// ---------------------------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------------------------

/** How one sent field changes a line; `fields` is the whole sent line, for fields that depend on each other. */
type LineFieldSetter = (line: LineRecord, value: Value, fields: Fields) => void;

function applyItemDefaults(line: LineRecord, inventoryNumber: string, currencyId: string): void {
  const item = lookup(ITEM_BY_NUMBER, inventoryNumber, 'Inventory item');
  line.inventoryNumber = item.number;
  line.description = item.description;
  line.uom = item.uom;
  line.unitPriceInCurrency = itemPriceIn(item, currencyId);
  line.accountNumber = item.accountNumber;
  line.vatCodeId = item.vatCodeId;
  line.itemType = item.itemType;
  line.lineType = item.lineType;
}

/** An item fills the line's defaults; clearing the item turns the line into a description-only line. */
function applyInventoryNumber(line: LineRecord, fields: Fields, currencyId: string): void {
  const inventoryNumber = fields.get('inventoryNumber');
  if (inventoryNumber === undefined) return;
  const number = str(inventoryNumber);
  if (number === null) {
    line.inventoryNumber = null;
    line.lineType = 'MI';
  } else {
    applyItemDefaults(line, number, currencyId);
  }
}

function setUom(line: LineRecord, value: Value): void {
  const uom = str(value);
  if (line.inventoryNumber !== null && uom !== null) {
    const item = ITEM_BY_NUMBER.get(line.inventoryNumber);
    if (item && item.uom.toUpperCase() !== uom.toUpperCase()) {
      throw new RuleError(`Unit of measure '${uom}' is not defined for inventory item '${item.number}'.`);
    }
  }
  line.uom = uom === null ? line.uom : uom.toUpperCase();
}

function setDiscountPercent(line: LineRecord, value: Value, fields: Fields): void {
  const percent = value as Dec;
  if (percent < ZERO || percent > fromInt(100)) throw new RuleError('discountPercent must be between 0 and 100.');
  line.discountPercent = percent;
  if (!fields.has('discountAmountInCurrency')) line.manualDiscount = false;
}

function setDiscountAmount(line: LineRecord, value: Value, fields: Fields): void {
  line.discountAmountInCurrency = value as Dec;
  // A typed amount wins unless a percent came in the same body (then the percent rules).
  if (!fields.has('discountPercent')) line.manualDiscount = true;
}

function setTaskId(line: LineRecord, value: Value): void {
  const taskId = str(value);
  if (taskId !== null && !TASK_IDS.has(taskId)) throw new RuleError(`Project task '${taskId}' cannot be found in the system.`);
  line.taskId = taskId;
}

const LINE_FIELD_SETTERS: ReadonlyMap<string, LineFieldSetter> = new Map(
  Object.entries<LineFieldSetter>({
    operation: handledElsewhere,
    lineNumber: handledElsewhere,
    inventoryNumber: handledElsewhere,
    description: (line, value) => {
      line.description = value as string | null;
    },
    quantity: (line, value) => {
      line.quantity = value as Dec;
    },
    unitPriceInCurrency: (line, value) => {
      line.unitPriceInCurrency = value as Dec;
    },
    manualAmountInCurrency: (line, value) => {
      line.manualAmountInCurrency = value as Dec;
    },
    uom: setUom,
    accountNumber: (line, value) => {
      line.accountNumber = lookup(ACCOUNT_BY_NUMBER, str(value) ?? '', 'Account').number;
    },
    vatCodeId: (line, value) => {
      line.vatCodeId = lookup(VAT_BY_ID, str(value) ?? '', 'VAT category').id;
    },
    discountPercent: setDiscountPercent,
    discountAmountInCurrency: setDiscountAmount,
    manualDiscount: (line, value) => {
      line.manualDiscount = value as boolean;
    },
    discountCode: (line, value) => {
      line.discountCode = str(value);
    },
    subaccount: (line, value) => {
      line.subaccount = checkSegments(value as Segment[]);
    },
    branchNumber: (line, value) => {
      line.branchNumber = optionalLookup(BRANCH_BY_NUMBER, value, 'Branch', 'number');
    },
    taskId: setTaskId,
    salesperson: (line, value) => {
      line.salesperson = optionalLookup(SALESPERSON_BY_ID, value, 'Salesperson', 'id');
    },
    itemType: (line, value) => {
      line.itemType = value as LineRecord['itemType'];
    },
    typeOfWork: (line, value) => {
      line.typeOfWork = str(value);
    },
    domesticServicesDeductible: (line, value) => {
      line.isRotRutDeductible = value === true;
    },
    startDate: (line, value) => {
      line.startDate = dayOrNull(value);
    },
    endDate: (line, value) => {
      line.endDate = dayOrNull(value);
    },
    termStartDate: (line, value) => {
      line.termStartDate = dayOrNull(value);
    },
    termEndDate: (line, value) => {
      line.termEndDate = dayOrNull(value);
    },
    deferralSchedule: (line, value) => {
      line.deferralSchedule = value as number;
    },
    deferralCode: (line, value) => {
      line.deferralCode = str(value);
    },
    note: (line, value) => {
      line.note = str(value);
    },
  }),
);

/** Applies the sent fields of one line. Item defaults come first, so explicit fields win over them. */
function applyLineFields(line: LineRecord, fields: Fields, currencyId: string): void {
  applyInventoryNumber(line, fields, currencyId);
  for (const [name, value] of fields) {
    const setter = LINE_FIELD_SETTERS.get(name);
    if (setter === undefined) throw new Error(`unhandled line field ${name}`);
    setter(line, value, fields);
  }
}

function insertLine(inv: InvoiceRecord, fields: Fields, path: string): void {
  if (str(fields.get('inventoryNumber')) === null && str(fields.get('description')) === null) {
    // FORUM-LINE: a line needs an inventory item or at least a description.
    throw new RuleError(`${path}: a line needs an inventoryNumber or a description.`);
  }
  // Insert always appends with the next number; a supplied lineNumber is ignored (CONTRACT §8.6).
  const lineNumber = inv.lines.reduce((max, line) => Math.max(max, line.lineNumber), 0) + 1;
  const line = newLine(lineNumber, {
    accountNumber: DEFAULT_SALES_ACCOUNT,
    vatCodeId: DEFAULT_VAT_CODE,
    lineType: 'MI',
    branchNumber: inv.branchNumber,
  });
  applyLineFields(line, fields, inv.currencyId);
  inv.lines.push(line);
}

/** One entry of `invoiceLines`: Insert appends; Update and Delete name an existing line by number. */
function applyLine(inv: InvoiceRecord, fields: Fields, index: number, creating: boolean): void {
  const path = `invoiceLines[${index}]`;
  // The write DTO's parser admits only the three operation names.
  const operation = fields.get('operation') as Operation | undefined;
  if (operation === undefined) throw new RuleError(`${path}.operation is required (Insert, Update or Delete).`);
  if (operation === 'Insert') {
    insertLine(inv, fields, path);
    return;
  }
  if (creating) throw new RuleError(`${path}: only Insert is possible on a new invoice, received ${operation}.`);
  const lineNumber = fields.get('lineNumber');
  if (typeof lineNumber !== 'number') throw new RuleError(`${path}.lineNumber is required for ${operation}.`);
  const position = inv.lines.findIndex((line) => line.lineNumber === lineNumber);
  if (position < 0) throw new RuleError(`${path}: line ${lineNumber} does not exist on invoice ${inv.referenceNumber}.`);
  if (operation === 'Delete') inv.lines.splice(position, 1);
  else applyLineFields(inv.lines[position] as LineRecord, fields, inv.currencyId);
}

function applyLines(inv: InvoiceRecord, lines: Fields[], creating: boolean): void {
  lines.forEach((fields, index) => applyLine(inv, fields, index, creating));
}

function sentLines(fields: Fields): Fields[] {
  return (fields.get('invoiceLines') as Fields[] | undefined) ?? [];
}

// ---------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------

function applyAddress(inv: InvoiceRecord, fields: Fields): void {
  const address = inv.invoiceAddress;
  for (const [name, value] of fields) {
    const text = value as string | null;
    switch (name) {
      case 'overrideAddress':
        address.overrideAddress = value === true;
        break;
      case 'addressLine1':
        address.addressLine1 = text;
        break;
      case 'addressLine2':
        address.addressLine2 = text;
        break;
      case 'addressLine3':
        address.addressLine3 = text;
        break;
      case 'postalCode':
        address.postalCode = text;
        break;
      case 'city':
        address.city = text;
        break;
      case 'county':
        address.county = text;
        break;
      case 'countryId':
        address.countryId = text === null || text === '' ? null : lookup(COUNTRY_BY_ID, text, 'Country').id;
        break;
      default:
        throw new Error(`unhandled address field ${name}`);
    }
  }
}

function applyContact(inv: InvoiceRecord, fields: Fields): void {
  const contact = inv.invoiceContact;
  for (const [name, value] of fields) {
    const text = value as string | null;
    switch (name) {
      case 'overrideContact':
        contact.overrideContact = value === true;
        break;
      case 'name':
        contact.businessName = text;
        break;
      case 'attention':
        contact.attention = text;
        break;
      case 'email':
        contact.email = text;
        break;
      case 'phone1':
        contact.phone1 = text;
        break;
      default:
        throw new Error(`unhandled contact field ${name}`);
    }
  }
}

/** A new document date moves the cash discount date and both periods with it. */
function applyDocumentDate(inv: InvoiceRecord, fields: Fields): boolean {
  const documentDate = date(fields.get('documentDate'));
  if (!documentDate) return false;
  inv.documentDate = documentDate.date;
  inv.cashDiscountDate = documentDate.date;
  inv.postPeriod = periodOf(documentDate.date);
  inv.financialPeriod = periodOf(documentDate.date);
  return true;
}

function applyCurrency(inv: InvoiceRecord, fields: Fields): void {
  const currencyId = fields.get('currencyId');
  if (currencyId === undefined) return;
  const currency = lookup(CURRENCY_BY_ID, str(currencyId) ?? '', 'Currency');
  inv.currencyId = currency.id;
  inv.exchangeRate = currency.rate;
}

function applyCreditTerms(inv: InvoiceRecord, fields: Fields): boolean {
  const terms = fields.get('creditTermsId');
  if (terms === undefined) return false;
  inv.creditTermsId = lookup(TERMS_BY_ID, str(terms) ?? '', 'Credit terms').id;
  return true;
}

/** How one sent header field changes the invoice; `name` is the field's name as the DTO spells it. */
type HeaderFieldSetter = (inv: InvoiceRecord, value: Value, name: string) => void;

/** Accepted by the DTO, not kept by the simulator. */
const acceptedNotStored = (): void => undefined;

/** Free-text header fields stored under the same name; an empty string clears them. */
type HeaderTextField =
  | 'invoiceText'
  | 'note'
  | 'externalReference'
  | 'paymentReference'
  | 'customerRefNumber'
  | 'customerProject'
  | 'accountingCostRef'
  | 'originatorDocRef'
  | 'contractDocRef'
  | 'cashAccount';
const HEADER_TEXT_FIELDS: readonly HeaderTextField[] = [
  'invoiceText',
  'note',
  'externalReference',
  'paymentReference',
  'customerRefNumber',
  'customerProject',
  'accountingCostRef',
  'originatorDocRef',
  'contractDocRef',
  'cashAccount',
];
/** Header dates that a null clears. */
const HEADER_OPTIONAL_DATES = ['cashDiscountDate', 'origInvoiceDate', 'startDate', 'endDate'] as const;
const HEADER_BOOLEANS = ['dontPrint', 'dontEmail', 'revoked', 'excludeDebtCollection'] as const;
const DEBT_COLLECTION_KEYS = {
  debtCollectionCaseNbr: 'caseNumber',
  debtCollectionCaseStatus: 'caseStatus',
  debtCollectionCaseType: 'caseType',
  debtCollectionCaseUrl: 'caseUrl',
} as const;

/** VAT is always computed from the lines; sent tax lines are checked, not applied. */
function checkTaxDetails(value: Value): void {
  for (const tax of value as Fields[]) {
    const id = str(tax.get('taxId'));
    if (id !== null) lookup(VAT_BY_ID, id, 'Tax');
  }
}

function setExchangeRate(inv: InvoiceRecord, value: Value): void {
  const rate = decimal(value) ?? ZERO;
  if (rate <= ZERO) throw new RuleError('exchangeRate must be greater than 0.');
  inv.exchangeRate = rate;
}

function setLocation(inv: InvoiceRecord, value: Value): void {
  const locationId = str(value);
  if (locationId !== null && locationId !== 'MAIN') throw new RuleError(`Location '${locationId}' cannot be found in the system.`);
  inv.locationId = locationId;
}

/** The contact must be the customer's own; the DTO admits only an integer or null here. */
function setContact(inv: InvoiceRecord, value: Value): void {
  const contactId = value as number | null;
  const customer = CUSTOMER_BY_NUMBER.get(inv.customerNumber);
  if (contactId !== null && contactId !== customer?.contactId) {
    throw new RuleError(`Contact '${contactId}' does not belong to customer '${inv.customerNumber}'.`);
  }
  inv.contactId = contactId;
}

/** The four case fields are one object on the invoice, null while every part is null. */
function setDebtCollection(inv: InvoiceRecord, value: Value, name: string): void {
  const debtCollection = inv.debtCollection ?? { caseNumber: null, caseType: null, caseStatus: null, caseUrl: null };
  debtCollection[DEBT_COLLECTION_KEYS[name as keyof typeof DEBT_COLLECTION_KEYS]] = str(value);
  inv.debtCollection = Object.values(debtCollection).every((part) => part === null) ? null : debtCollection;
}

const HEADER_FIELD_SETTERS: ReadonlyMap<string, HeaderFieldSetter> = new Map<string, HeaderFieldSetter>([
  ...HEADER_TEXT_FIELDS.map((key): [string, HeaderFieldSetter] => [
    key,
    (inv, value) => {
      inv[key] = str(value);
    },
  ]),
  ...HEADER_OPTIONAL_DATES.map((key): [string, HeaderFieldSetter] => [
    key,
    (inv, value) => {
      inv[key] = dayOrNull(value);
    },
  ]),
  ...HEADER_BOOLEANS.map((key): [string, HeaderFieldSetter] => [
    key,
    (inv, value) => {
      inv[key] = value as boolean;
    },
  ]),
  ...Object.keys(DEBT_COLLECTION_KEYS).map((key): [string, HeaderFieldSetter] => [key, setDebtCollection]),
  ...Object.entries<HeaderFieldSetter>({
    documentDate: handledElsewhere,
    currencyId: handledElsewhere,
    creditTermsId: handledElsewhere,
    customerNumber: handledElsewhere,
    referenceNumber: handledElsewhere,
    overrideNumberSeries: handledElsewhere,
    hold: handledElsewhere,
    invoiceLines: handledElsewhere,
    consolidateInvoices: acceptedNotStored,
    rotRutDetails: acceptedNotStored,
    taxDetailLines: (_inv, value) => checkTaxDetails(value),
    exchangeRate: setExchangeRate,
    documentDueDate: (inv, value) => {
      inv.documentDueDate = date(value)?.date ?? inv.documentDueDate;
    },
    postPeriod: (inv, value) => {
      const text = str(value);
      if (text !== null) inv.postPeriod = postPeriodFromWrite(text);
    },
    financialPeriod: (inv, value) => {
      const text = str(value);
      if (text !== null) inv.financialPeriod = financialPeriodFromWrite(text);
    },
    paymentMethodId: (inv, value) => {
      inv.paymentMethodId = optionalLookup(PAYMENT_METHOD_BY_ID, value, 'Payment method', 'id');
    },
    customerVatZoneId: (inv, value) => {
      inv.vatZoneId = optionalLookup(VAT_ZONE_BY_ID, value, 'VAT zone', 'id');
    },
    locationId: setLocation,
    branchNumber: (inv, value) => {
      inv.branchNumber = optionalLookup(BRANCH_BY_NUMBER, value, 'Branch', 'number');
    },
    project: (inv, value) => {
      inv.projectId = optionalLookup(PROJECT_BY_ID, value, 'Project', 'id');
    },
    contact: setContact,
    childCustomerNumber: (inv, value) => {
      inv.childCustomerNumber = optionalLookup(CUSTOMER_BY_NUMBER, value, 'Customer', 'number');
    },
    salesperson: (inv, value) => {
      inv.salesPersonId = optionalLookup(SALESPERSON_BY_ID, value, 'Salesperson', 'id');
    },
    salesPersonID: (inv, value) => {
      inv.legacySalesPersonId = value as number;
    },
    sendToAutoInvoice: (inv, value) => {
      inv.sendToAutoInvoice = value === true;
    },
    domesticServicesDeductibleDocument: (inv, value) => {
      inv.isRotRutDeductible = value === true;
    },
    directDebitMandateId: (inv, value) => {
      inv.directDebitMandateId = value as string | null;
    },
    billingAddress: (inv, value) => applyAddress(inv, value as Fields),
    invoiceContact: (inv, value) => applyContact(inv, value as Fields),
  }),
]);

/** Header fields other than customer, number, hold and lines. Derived dates follow unless sent. */
function applyHeader(inv: InvoiceRecord, fields: Fields): void {
  const documentDateSent = applyDocumentDate(inv, fields);
  applyCurrency(inv, fields);
  const termsSent = applyCreditTerms(inv, fields);
  if (documentDateSent || termsSent) {
    inv.documentDueDate = addDays(inv.documentDate, TERMS_BY_ID.get(inv.creditTermsId)?.days ?? 30);
  }
  for (const [name, value] of fields) {
    const setter = HEADER_FIELD_SETTERS.get(name);
    if (setter === undefined) throw new Error(`unhandled header field ${name}`);
    setter(inv, value, name);
  }
}

function parseBody(ctx: RequestContext): Fields {
  return parseWriteDto(ctx.body, { rejectUnknown: ctx.company.settings.unknownFields === 'reject' });
}

function writeFailure(operation: string, error: unknown): Reply {
  if (error instanceof WriteDtoError || error instanceof RuleError) {
    return visMessage(400, `${operation} Error: ${error.message}`);
  }
  throw error;
}

function referenceNumberFor(ctx: RequestContext, fields: Fields): string {
  const { settings, store } = ctx.company;
  const supplied = str(fields.get('referenceNumber'))?.trim() ?? null;
  const override = fields.get('overrideNumberSeries') === true;
  if (settings.numbering === 'auto' && !override) return store.nextAutoNumber();
  if (supplied === null) {
    throw new RuleError(
      settings.numbering === 'manual'
        ? 'referenceNumber is required: the company numbers invoices manually.'
        : 'referenceNumber is required when overrideNumberSeries is true.',
    );
  }
  if (supplied.length > 15) throw new RuleError(`referenceNumber '${supplied}' is longer than 15 characters.`);
  if (store.has(supplied)) throw new RuleError(`Another document with the number '${supplied}' already exists.`);
  return supplied;
}

/** POST /v1 and /v2: 201, empty body, absolute Location, ETag (CONTRACT §5). */
export function createInvoice(ctx: RequestContext): Reply {
  const operation = 'Error creating document.';
  try {
    const fields = parseBody(ctx);
    const customerNumber = str(fields.get('customerNumber'));
    if (customerNumber === null) throw new RuleError('customerNumber is required.');
    const customer = customerFor(customerNumber);
    const documentDate = date(fields.get('documentDate'))?.date ?? formatDate(ctx.localNowMs);
    // Number last: a body that fails validation must not consume a number of the series.
    const draft = blankInvoice('', customer, documentDate);
    applyHeader(draft, fields);
    applyLines(draft, sentLines(fields), true);
    const hold = fields.get('hold');
    draft.status = hold === undefined ? ctx.company.settings.statusOnCreate : hold === true ? 'Hold' : 'Balanced';
    draft.referenceNumber = referenceNumberFor(ctx, fields);
    recompute(draft);
    draft.createdMs = ctx.localNowMs;
    ctx.company.store.touch(draft, ctx.localNowMs);
    ctx.company.store.insert(draft);
    ctx.company.webhooks.emit(draft.referenceNumber, 'Changed');
    return empty(201, {
      Location: `${ctx.publicUrl}/v1/customerinvoice/${encodeURIComponent(draft.referenceNumber)}`,
      ETag: etagOf(draft.version),
    });
  } catch (error) {
    return writeFailure(operation, error);
  }
}

/**
 * If-Match as DOC-ETAG describes it: quoted or bare, weak prefix tolerated, `*` matches any.
 * Returns true when the header is absent or matches the current version.
 */
export function ifMatchHolds(header: string | undefined, version: bigint): boolean {
  if (header === undefined) return true;
  const current = timeStampOf(version);
  return header.split(',').some((part) => {
    const tag = part
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1');
    return tag === '*' || tag === current;
  });
}

function preconditionFailed(): Reply {
  return json(412, JSON.stringify({ message: `VismaId: ${randomUUID()}. Customer invoice version does not match with If-Match header.` }));
}

function cloneInvoice(inv: InvoiceRecord): InvoiceRecord {
  return structuredClone(inv);
}

/** PUT: only sent fields change; lines by operation and lineNumber; 204 and the new ETag. */
export function updateInvoice(ctx: RequestContext): Reply {
  const operation = 'Error updating document.';
  const number = ctx.params[0] ?? '';
  const invoice = ctx.company.store.get(number);
  if (!invoice) return visMessage(404, `Customer invoice '${number}' was not found.`);
  if (!ifMatchHolds(ctx.req.headers['if-match'], invoice.version)) return preconditionFailed();
  if (isReleased(invoice)) {
    return visMessage(400, `${operation} Error: Invoice '${number}' is released (status ${invoice.status}) and cannot be edited.`);
  }
  try {
    const fields = parseBody(ctx);
    const copy = cloneInvoice(invoice);
    const referenceNumber = str(fields.get('referenceNumber'));
    if (referenceNumber !== null && referenceNumber !== number) {
      throw new RuleError(`referenceNumber cannot be changed (the document is '${number}').`);
    }
    const customerNumber = str(fields.get('customerNumber'));
    if (customerNumber !== null && customerNumber !== copy.customerNumber) {
      // Decision (docs/simulator.md): an existing invoice keeps its customer; a change would
      // re-default terms, currency and addresses, which the gateway must not rely on.
      throw new RuleError(`The customer of invoice '${number}' cannot be changed.`);
    }
    applyHeader(copy, fields);
    applyLines(copy, sentLines(fields), false);
    const hold = fields.get('hold');
    if (hold !== undefined) copy.status = hold === true ? 'Hold' : 'Balanced';
    recompute(copy);
    const statusChanged = copy.status !== invoice.status;
    Object.assign(invoice, copy);
    ctx.company.store.touch(invoice, ctx.localNowMs);
    ctx.company.webhooks.emit(number, statusChanged ? 'Status Changed' : 'Changed');
    return empty(204, { ETag: etagOf(invoice.version) });
  } catch (error) {
    return writeFailure(operation, error);
  }
}

const RELEASABLE = new Set(['Balanced', 'PendingPrint', 'PendingEmail']);

/**
 * POST …/action/release: 200 `{actionId, actionResult: "Done"}` on success. A refused release
 * is a 400 in the message shape (the spec lists "BadRequest or InternalServerError" on failure).
 */
export function releaseInvoice(ctx: RequestContext): Reply {
  const number = ctx.params[0] ?? '';
  const invoice = ctx.company.store.get(number);
  if (!invoice) return visMessage(404, `Customer invoice '${number}' was not found.`);
  if (!ifMatchHolds(ctx.req.headers['if-match'], invoice.version)) return preconditionFailed();
  if (invoice.status === 'Hold')
    return visMessage(400, `Error releasing document. Error: Invoice '${number}' is on hold and cannot be released.`);
  if (isReleased(invoice)) return visMessage(400, `Error releasing document. Error: Invoice '${number}' is already released.`);
  if (!RELEASABLE.has(invoice.status)) {
    return visMessage(400, `Error releasing document. Error: Invoice '${number}' has status ${invoice.status} and cannot be released.`);
  }
  invoice.status = 'Open';
  recompute(invoice);
  ctx.company.store.touch(invoice, ctx.localNowMs);
  // Release is the document's action button, and it moves the status: Visma's catalogue
  // (CONTRACT §8a) has an event for each, each its own message. Assumed (docs/simulator.md,
  // "Webhooks"): both are sent, the action first, and no Changed.
  ctx.company.webhooks.emit(number, 'Action Triggered');
  ctx.company.webhooks.emit(number, 'Status Changed');
  return json(200, JSON.stringify({ actionId: randomUUID(), actionResult: 'Done' }));
}
