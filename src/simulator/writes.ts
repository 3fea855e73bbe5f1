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
import { parseWriteDto, WriteDtoError, type BodyDate, type Fields, type Segment, type Value } from './write-dto';

/** A business-rule failure; becomes `{"message":"VismaId: …. <operation> Error: <detail>"}`. */
class RuleError extends Error {}

const str = (v: Value | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);
const date = (v: Value | undefined): BodyDate | null => (v !== null && typeof v === 'object' && 'date' in v ? v : null);
const decimal = (v: Value | undefined): Dec | null => (typeof v === 'bigint' ? v : null);

function lookup<T>(map: ReadonlyMap<string, T>, value: string, what: string): T {
  const found = map.get(value);
  if (found === undefined) throw new RuleError(`${what} '${value}' cannot be found in the system.`);
  return found;
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
  return segments.map((s) => {
    const segment = SEGMENT_BY_ID.get(s.segmentId);
    if (!segment) throw new RuleError(`Subaccount segment ${s.segmentId} does not exist.`);
    if (seen.has(s.segmentId)) throw new RuleError(`Subaccount segment ${s.segmentId} is given twice.`);
    seen.add(s.segmentId);
    if (!new RegExp(`^\\d{${segment.length}}$`).test(s.segmentValue)) {
      throw new RuleError(`${segment.description} '${s.segmentValue}' of Subaccount does not exist.`);
    }
    return { segmentId: s.segmentId, value: s.segmentValue };
  });
}

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

/** Applies the sent fields of one line. Item defaults come first, so explicit fields win over them. */
function applyLineFields(line: LineRecord, f: Fields, currencyId: string): void {
  const inventoryNumber = f.get('inventoryNumber');
  if (inventoryNumber !== undefined) {
    const number = str(inventoryNumber);
    if (number === null) {
      line.inventoryNumber = null;
      line.lineType = 'MI';
    } else {
      applyItemDefaults(line, number, currencyId);
    }
  }
  for (const [name, value] of f) {
    switch (name) {
      case 'operation':
      case 'lineNumber':
      case 'inventoryNumber':
        break;
      case 'description':
        line.description = value as string | null;
        break;
      case 'quantity':
        line.quantity = value as Dec;
        break;
      case 'unitPriceInCurrency':
        line.unitPriceInCurrency = value as Dec;
        break;
      case 'manualAmountInCurrency':
        line.manualAmountInCurrency = value as Dec;
        break;
      case 'uom': {
        const uom = str(value);
        if (line.inventoryNumber !== null && uom !== null) {
          const item = ITEM_BY_NUMBER.get(line.inventoryNumber);
          if (item && item.uom.toUpperCase() !== uom.toUpperCase()) {
            throw new RuleError(`Unit of measure '${uom}' is not defined for inventory item '${item.number}'.`);
          }
        }
        line.uom = uom === null ? line.uom : uom.toUpperCase();
        break;
      }
      case 'accountNumber':
        line.accountNumber = lookup(ACCOUNT_BY_NUMBER, str(value) ?? '', 'Account').number;
        break;
      case 'vatCodeId':
        line.vatCodeId = lookup(VAT_BY_ID, str(value) ?? '', 'VAT category').id;
        break;
      case 'discountPercent': {
        const pct = value as Dec;
        if (pct < ZERO || pct > fromInt(100)) throw new RuleError('discountPercent must be between 0 and 100.');
        line.discountPercent = pct;
        if (!f.has('discountAmountInCurrency')) line.manualDiscount = false;
        break;
      }
      case 'discountAmountInCurrency':
        line.discountAmountInCurrency = value as Dec;
        // A typed amount wins unless a percent came in the same body (then the percent rules).
        if (!f.has('discountPercent')) line.manualDiscount = true;
        break;
      case 'manualDiscount':
        line.manualDiscount = value as boolean;
        break;
      case 'discountCode':
        line.discountCode = str(value);
        break;
      case 'subaccount':
        line.subaccount = checkSegments(value as Segment[]);
        break;
      case 'branchNumber': {
        const b = str(value);
        line.branchNumber = b === null ? null : lookup(BRANCH_BY_NUMBER, b, 'Branch').number;
        break;
      }
      case 'taskId': {
        const t = str(value);
        if (t !== null && !TASK_IDS.has(t)) throw new RuleError(`Project task '${t}' cannot be found in the system.`);
        line.taskId = t;
        break;
      }
      case 'salesperson': {
        const s = str(value);
        line.salesperson = s === null ? null : lookup(SALESPERSON_BY_ID, s, 'Salesperson').id;
        break;
      }
      case 'itemType':
        line.itemType = value as LineRecord['itemType'];
        break;
      case 'typeOfWork':
        line.typeOfWork = str(value);
        break;
      case 'domesticServicesDeductible':
        line.isRotRutDeductible = value === true;
        break;
      case 'startDate':
        line.startDate = date(value)?.date ?? null;
        break;
      case 'endDate':
        line.endDate = date(value)?.date ?? null;
        break;
      case 'termStartDate':
        line.termStartDate = date(value)?.date ?? null;
        break;
      case 'termEndDate':
        line.termEndDate = date(value)?.date ?? null;
        break;
      case 'deferralSchedule':
        line.deferralSchedule = value as number;
        break;
      case 'deferralCode':
        line.deferralCode = str(value);
        break;
      case 'note':
        line.note = str(value);
        break;
      default:
        throw new Error(`unhandled line field ${name}`);
    }
  }
}

function insertLine(inv: InvoiceRecord, f: Fields, path: string): void {
  if (str(f.get('inventoryNumber')) === null && str(f.get('description')) === null) {
    // FORUM-LINE: a line needs an inventory item or at least a description.
    throw new RuleError(`${path}: a line needs an inventoryNumber or a description.`);
  }
  // Insert always appends with the next number; a supplied lineNumber is ignored (CONTRACT §8.6).
  const lineNumber = inv.lines.reduce((max, l) => Math.max(max, l.lineNumber), 0) + 1;
  const line = newLine(lineNumber, {
    accountNumber: DEFAULT_SALES_ACCOUNT,
    vatCodeId: DEFAULT_VAT_CODE,
    lineType: 'MI',
    branchNumber: inv.branchNumber,
  });
  applyLineFields(line, f, inv.currencyId);
  inv.lines.push(line);
}

function applyLines(inv: InvoiceRecord, lines: Fields[], creating: boolean): void {
  lines.forEach((f, index) => {
    const path = `invoiceLines[${index}]`;
    const operation = f.get('operation');
    if (operation === undefined) throw new RuleError(`${path}.operation is required (Insert, Update or Delete).`);
    if (operation === 'Insert') {
      insertLine(inv, f, path);
      return;
    }
    if (creating) throw new RuleError(`${path}: only Insert is possible on a new invoice, received ${String(operation)}.`);
    const lineNumber = f.get('lineNumber');
    if (typeof lineNumber !== 'number') throw new RuleError(`${path}.lineNumber is required for ${String(operation)}.`);
    const position = inv.lines.findIndex((l) => l.lineNumber === lineNumber);
    if (position < 0) throw new RuleError(`${path}: line ${lineNumber} does not exist on invoice ${inv.referenceNumber}.`);
    if (operation === 'Delete') inv.lines.splice(position, 1);
    else applyLineFields(inv.lines[position] as LineRecord, f, inv.currencyId);
  });
}

function applyAddress(inv: InvoiceRecord, f: Fields): void {
  const a = inv.invoiceAddress;
  for (const [name, value] of f) {
    const text = value as string | null;
    switch (name) {
      case 'overrideAddress':
        a.overrideAddress = value === true;
        break;
      case 'addressLine1':
        a.addressLine1 = text;
        break;
      case 'addressLine2':
        a.addressLine2 = text;
        break;
      case 'addressLine3':
        a.addressLine3 = text;
        break;
      case 'postalCode':
        a.postalCode = text;
        break;
      case 'city':
        a.city = text;
        break;
      case 'county':
        a.county = text;
        break;
      case 'countryId':
        a.countryId = text === null || text === '' ? null : lookup(COUNTRY_BY_ID, text, 'Country').id;
        break;
      default:
        throw new Error(`unhandled address field ${name}`);
    }
  }
}

function applyContact(inv: InvoiceRecord, f: Fields): void {
  const c = inv.invoiceContact;
  for (const [name, value] of f) {
    const text = value as string | null;
    switch (name) {
      case 'overrideContact':
        c.overrideContact = value === true;
        break;
      case 'name':
        c.businessName = text;
        break;
      case 'attention':
        c.attention = text;
        break;
      case 'email':
        c.email = text;
        break;
      case 'phone1':
        c.phone1 = text;
        break;
      default:
        throw new Error(`unhandled contact field ${name}`);
    }
  }
}

/** Header fields other than customer, number, hold and lines. Derived dates follow unless sent. */
function applyHeader(inv: InvoiceRecord, f: Fields): void {
  const documentDate = date(f.get('documentDate'));
  if (documentDate) {
    inv.documentDate = documentDate.date;
    inv.cashDiscountDate = documentDate.date;
    inv.postPeriod = periodOf(documentDate.date);
    inv.financialPeriod = periodOf(documentDate.date);
  }
  const currencyId = f.get('currencyId');
  if (currencyId !== undefined) {
    const currency = lookup(CURRENCY_BY_ID, str(currencyId) ?? '', 'Currency');
    inv.currencyId = currency.id;
    inv.exchangeRate = currency.rate;
  }
  const terms = f.get('creditTermsId');
  if (terms !== undefined) inv.creditTermsId = lookup(TERMS_BY_ID, str(terms) ?? '', 'Credit terms').id;
  if (documentDate || terms !== undefined) {
    inv.documentDueDate = addDays(inv.documentDate, TERMS_BY_ID.get(inv.creditTermsId)?.days ?? 30);
  }
  for (const [name, value] of f) {
    switch (name) {
      case 'documentDate':
      case 'currencyId':
      case 'creditTermsId':
      case 'customerNumber':
      case 'referenceNumber':
      case 'overrideNumberSeries':
      case 'hold':
      case 'invoiceLines':
      case 'consolidateInvoices':
        break;
      case 'taxDetailLines':
        // VAT is always computed from the lines; sent tax lines are checked, not applied.
        for (const tax of value as Fields[]) {
          const id = str(tax.get('taxId'));
          if (id !== null) lookup(VAT_BY_ID, id, 'Tax');
        }
        break;
      case 'rotRutDetails':
        break;
      case 'exchangeRate': {
        const rate = decimal(value) ?? ZERO;
        if (rate <= ZERO) throw new RuleError('exchangeRate must be greater than 0.');
        inv.exchangeRate = rate;
        break;
      }
      case 'documentDueDate':
        inv.documentDueDate = date(value)?.date ?? inv.documentDueDate;
        break;
      case 'cashDiscountDate':
        inv.cashDiscountDate = date(value)?.date ?? null;
        break;
      case 'origInvoiceDate':
        inv.origInvoiceDate = date(value)?.date ?? null;
        break;
      case 'startDate':
        inv.startDate = date(value)?.date ?? null;
        break;
      case 'endDate':
        inv.endDate = date(value)?.date ?? null;
        break;
      case 'postPeriod':
        if (str(value) !== null) inv.postPeriod = postPeriodFromWrite(str(value) ?? '');
        break;
      case 'financialPeriod':
        if (str(value) !== null) inv.financialPeriod = financialPeriodFromWrite(str(value) ?? '');
        break;
      case 'paymentMethodId': {
        const v = str(value);
        inv.paymentMethodId = v === null ? null : lookup(PAYMENT_METHOD_BY_ID, v, 'Payment method').id;
        break;
      }
      case 'customerVatZoneId': {
        const v = str(value);
        inv.vatZoneId = v === null ? null : lookup(VAT_ZONE_BY_ID, v, 'VAT zone').id;
        break;
      }
      case 'locationId': {
        const v = str(value);
        if (v !== null && v !== 'MAIN') throw new RuleError(`Location '${v}' cannot be found in the system.`);
        inv.locationId = v;
        break;
      }
      case 'branchNumber': {
        const v = str(value);
        inv.branchNumber = v === null ? null : lookup(BRANCH_BY_NUMBER, v, 'Branch').number;
        break;
      }
      case 'project': {
        const v = str(value);
        inv.projectId = v === null ? null : lookup(PROJECT_BY_ID, v, 'Project').id;
        break;
      }
      case 'contact': {
        const customer = CUSTOMER_BY_NUMBER.get(inv.customerNumber);
        if (value !== null && value !== customer?.contactId)
          throw new RuleError(`Contact '${String(value)}' does not belong to customer '${inv.customerNumber}'.`);
        inv.contactId = value;
        break;
      }
      case 'childCustomerNumber': {
        const v = str(value);
        inv.childCustomerNumber = v === null ? null : lookup(CUSTOMER_BY_NUMBER, v, 'Customer').number;
        break;
      }
      case 'salesperson': {
        const v = str(value);
        inv.salesPersonId = v === null ? null : lookup(SALESPERSON_BY_ID, v, 'Salesperson').id;
        break;
      }
      case 'salesPersonID':
        inv.legacySalesPersonId = value as number;
        break;
      case 'invoiceText':
        inv.invoiceText = str(value);
        break;
      case 'note':
        inv.note = str(value);
        break;
      case 'externalReference':
        inv.externalReference = str(value);
        break;
      case 'paymentReference':
        inv.paymentReference = str(value);
        break;
      case 'customerRefNumber':
        inv.customerRefNumber = str(value);
        break;
      case 'customerProject':
        inv.customerProject = str(value);
        break;
      case 'accountingCostRef':
        inv.accountingCostRef = str(value);
        break;
      case 'originatorDocRef':
        inv.originatorDocRef = str(value);
        break;
      case 'contractDocRef':
        inv.contractDocRef = str(value);
        break;
      case 'cashAccount':
        inv.cashAccount = str(value);
        break;
      case 'sendToAutoInvoice':
        inv.sendToAutoInvoice = value === true;
        break;
      case 'domesticServicesDeductibleDocument':
        inv.isRotRutDeductible = value === true;
        break;
      case 'dontPrint':
        inv.dontPrint = value as boolean;
        break;
      case 'dontEmail':
        inv.dontEmail = value as boolean;
        break;
      case 'revoked':
        inv.revoked = value as boolean;
        break;
      case 'excludeDebtCollection':
        inv.excludeDebtCollection = value as boolean;
        break;
      case 'directDebitMandateId':
        inv.directDebitMandateId = value as string | null;
        break;
      case 'debtCollectionCaseNbr':
      case 'debtCollectionCaseStatus':
      case 'debtCollectionCaseType':
      case 'debtCollectionCaseUrl': {
        const dc = inv.debtCollection ?? { caseNumber: null, caseType: null, caseStatus: null, caseUrl: null };
        const key = (
          {
            debtCollectionCaseNbr: 'caseNumber',
            debtCollectionCaseStatus: 'caseStatus',
            debtCollectionCaseType: 'caseType',
            debtCollectionCaseUrl: 'caseUrl',
          } as const
        )[name];
        dc[key] = str(value);
        inv.debtCollection = Object.values(dc).every((v) => v === null) ? null : dc;
        break;
      }
      case 'billingAddress':
        applyAddress(inv, value as Fields);
        break;
      case 'invoiceContact':
        applyContact(inv, value as Fields);
        break;
      default:
        throw new Error(`unhandled header field ${name}`);
    }
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

function referenceNumberFor(ctx: RequestContext, f: Fields): string {
  const { settings, store } = ctx.company;
  const supplied = str(f.get('referenceNumber'))?.trim() ?? null;
  const override = f.get('overrideNumberSeries') === true;
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
    const f = parseBody(ctx);
    const customerNumber = str(f.get('customerNumber'));
    if (customerNumber === null) throw new RuleError('customerNumber is required.');
    const customer = customerFor(customerNumber);
    const documentDate = date(f.get('documentDate'))?.date ?? formatDate(ctx.localNowMs);
    // Number last: a body that fails validation must not consume a number of the series.
    const draft = blankInvoice('', customer, documentDate);
    applyHeader(draft, f);
    applyLines(draft, (f.get('invoiceLines') as Fields[] | undefined) ?? [], true);
    const hold = f.get('hold');
    draft.status = hold === undefined ? ctx.company.settings.statusOnCreate : hold === true ? 'Hold' : 'Balanced';
    draft.referenceNumber = referenceNumberFor(ctx, f);
    recompute(draft);
    draft.createdMs = ctx.localNowMs;
    ctx.company.store.touch(draft, ctx.localNowMs);
    ctx.company.store.insert(draft);
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
    const f = parseBody(ctx);
    const copy = cloneInvoice(invoice);
    const referenceNumber = str(f.get('referenceNumber'));
    if (referenceNumber !== null && referenceNumber !== number) {
      throw new RuleError(`referenceNumber cannot be changed (the document is '${number}').`);
    }
    const customerNumber = str(f.get('customerNumber'));
    if (customerNumber !== null && customerNumber !== copy.customerNumber) {
      // Decision (docs/simulator.md): an existing invoice keeps its customer; a change would
      // re-default terms, currency and addresses, which the gateway must not rely on.
      throw new RuleError(`The customer of invoice '${number}' cannot be changed.`);
    }
    applyHeader(copy, f);
    applyLines(copy, (f.get('invoiceLines') as Fields[] | undefined) ?? [], false);
    const hold = f.get('hold');
    if (hold !== undefined) copy.status = hold === true ? 'Hold' : 'Balanced';
    recompute(copy);
    Object.assign(invoice, copy);
    ctx.company.store.touch(invoice, ctx.localNowMs);
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
  return json(200, JSON.stringify({ actionId: randomUUID(), actionResult: 'Done' }));
}
