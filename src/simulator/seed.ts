/**
 * Deterministic demo invoices: the same seed and count always give the same data, on fixed
 * dates (2024–2025), never relative to today. Invoice 003547 always exists and is unreleased,
 * because the docs' PUT example targets it (CONTRACT §8.6, fixtures/).
 */
import { BRANCHES, CUSTOMERS, ITEMS, PROJECTS, SALESPEOPLE, TERMS_BY_ID, type DemoCustomer, type InventoryItem } from './catalogue';
import { addDays, dateToMs, periodOf } from './dates';
import { dec, div, fromInt, round2, ZERO, type Dec } from './decimal';
import {
  exchangeRateOf,
  emptyTotals,
  recompute,
  isReleased,
  type AddressRecord,
  type ApplicationRecord,
  type ContactRecord,
  type InvoiceRecord,
  type InvoiceStatusName,
  type LineRecord,
} from './invoice';
import { createRandom, type Random } from './prng';

export const FIXTURE_INVOICE = '003547';
const FIRST_DAY = '2024-01-02';
const SPAN_DAYS = 728;
/** The demo data's "today": invoices are aged against it, so statuses do not drift with the calendar. */
export const DEMO_TODAY = '2026-01-15';

export interface SeededData {
  invoices: InvoiceRecord[];
  /** The next row version to hand out. */
  nextVersion: bigint;
  /** The last number the automatic number series handed out. */
  lastAutoNumber: number;
}

function uuidFrom(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function newLine(lineNumber: number, fields: Partial<LineRecord> & Pick<LineRecord, 'accountNumber' | 'vatCodeId'>): LineRecord {
  return {
    lineNumber,
    inventoryNumber: null,
    lineType: null,
    description: null,
    quantity: fromInt(1),
    uom: null,
    unitPriceInCurrency: ZERO,
    manualAmountInCurrency: null,
    discountPercent: ZERO,
    discountAmountInCurrency: ZERO,
    manualDiscount: false,
    discountCode: null,
    subaccount: [],
    branchNumber: null,
    taskId: null,
    salesperson: null,
    itemType: null,
    typeOfWork: null,
    isRotRutDeductible: false,
    startDate: null,
    endDate: null,
    termStartDate: null,
    termEndDate: null,
    deferralSchedule: null,
    deferralCode: null,
    note: null,
    amountInCurrency: ZERO,
    amount: ZERO,
    unitPrice: ZERO,
    discountAmount: ZERO,
    ...fields,
  };
}

/** An item's default price in a document currency: the base price converted, to the cent. */
export function itemPriceIn(item: InventoryItem, currencyId: string): bigint {
  return round2(div(item.price, exchangeRateOf(currencyId)));
}

function invoiceAddressOf(customer: DemoCustomer): AddressRecord {
  return {
    addressId: customer.internalId * 10 + 1,
    addressLine1: customer.addressLine1,
    addressLine2: null,
    addressLine3: null,
    postalCode: customer.postalCode,
    city: customer.city,
    countryId: customer.countryId,
    county: null,
    overrideAddress: false,
  };
}

function invoiceContactOf(customer: DemoCustomer): ContactRecord {
  return {
    contactId: customer.contactId,
    businessName: customer.name,
    attention: customer.contactName,
    email: customer.email,
    phone1: customer.phone,
    overrideContact: false,
  };
}

/**
 * A new invoice with the customer's defaults and nothing else. Deliberately one object literal,
 * so every record gets V8's fast shape: built as a spread of shared defaults plus the customer's
 * fields, seeding 20,000 invoices took 2x and filtering them 10x the CPU time.
 */
export function blankInvoice(referenceNumber: string, customer: DemoCustomer, documentDate: string): InvoiceRecord {
  const terms = TERMS_BY_ID.get(customer.creditTermsId);
  return {
    referenceNumber,
    status: 'Balanced',
    customerNumber: customer.number,
    childCustomerNumber: null,
    documentDate,
    documentDueDate: addDays(documentDate, terms?.days ?? 30),
    cashDiscountDate: documentDate,
    origInvoiceDate: documentDate,
    startDate: null,
    endDate: null,
    postPeriod: periodOf(documentDate),
    financialPeriod: periodOf(documentDate),
    closedFinancialPeriod: null,
    currencyId: customer.currencyId,
    exchangeRate: exchangeRateOf(customer.currencyId),
    creditTermsId: customer.creditTermsId,
    paymentMethodId: 'BANK',
    vatZoneId: customer.vatZoneId,
    locationId: 'MAIN',
    branchNumber: '1',
    projectId: null,
    contactId: customer.contactId,
    salesPersonId: null,
    legacySalesPersonId: null,
    invoiceText: null,
    note: null,
    externalReference: null,
    paymentReference: null,
    customerRefNumber: null,
    customerProject: null,
    accountingCostRef: null,
    originatorDocRef: null,
    contractDocRef: null,
    cashAccount: null,
    sendToAutoInvoice: false,
    isRotRutDeductible: false,
    dontPrint: false,
    dontEmail: false,
    revoked: false,
    excludeDebtCollection: false,
    directDebitMandateId: null,
    debtCollection: null,
    invoiceAddress: invoiceAddressOf(customer),
    invoiceContact: invoiceContactOf(customer),
    dunningLevel: null,
    dunningLetterDate: null,
    applications: [],
    attachments: [],
    lines: [],
    totals: emptyTotals(),
    createdMs: 0,
    lastModifiedMs: 0,
    version: 0n,
  };
}

const TEXTS = [
  'Consulting services',
  'Licences and support',
  'Goods delivered',
  'Monthly subscription',
  'Project work',
  'Event tickets',
  'Hardware delivery',
];
const QUANTITIES = ['1', '2', '3', '5', '10', '12', '0.5', '1.5', '7.25', '100', '500'];
const DISCOUNTS = ['5', '10', '12.5'];

/** A description-only line (FORUM-LINE: a description is enough without an item). */
function miscellaneousLine(random: Random, lineNumber: number): LineRecord {
  return newLine(lineNumber, {
    description: 'Miscellaneous charge',
    lineType: 'MI',
    accountNumber: '3000',
    vatCodeId: '3',
    quantity: fromInt(1),
    unitPriceInCurrency: round2(dec(String(random.int(100, 5000)))),
  });
}

function itemLine(random: Random, item: InventoryItem, lineNumber: number, currencyId: string): LineRecord {
  return newLine(lineNumber, {
    inventoryNumber: item.number,
    lineType: item.lineType,
    description: item.description,
    quantity: dec(random.pick(QUANTITIES)),
    uom: item.uom,
    unitPriceInCurrency: itemPriceIn(item, currencyId),
    discountPercent: random.chance(0.15) ? dec(random.pick(DISCOUNTS)) : ZERO,
    accountNumber: item.accountNumber,
    vatCodeId: item.vatCodeId,
    itemType: item.itemType,
    subaccount: random.chance(0.2) ? [{ segmentId: 1, value: random.pick(['10', '20', '30']) }] : [],
    branchNumber: '1',
  });
}

function generateLines(random: Random, currencyId: string, count: number): LineRecord[] {
  const lines: LineRecord[] = [];
  for (let lineNumber = 1; lineNumber <= count; lineNumber += 1) {
    // The item is drawn for every line, used or not: the seeded data depends on the exact sequence of draws.
    const item = random.pick(ITEMS);
    lines.push(random.chance(0.08) ? miscellaneousLine(random, lineNumber) : itemLine(random, item, lineNumber, currencyId));
  }
  return lines;
}

/** Status by age against DEMO_TODAY: old invoices are mostly paid, recent ones still in progress. */
function statusFor(random: Random, ageDays: number): InvoiceStatusName {
  const roll = random.next();
  if (ageDays > 120) return roll < 0.72 ? 'Closed' : roll < 0.9 ? 'Open' : 'Voided';
  if (ageDays > 75) return roll < 0.45 ? 'Closed' : roll < 0.9 ? 'Open' : roll < 0.95 ? 'Voided' : 'Balanced';
  if (roll < 0.35) return 'Open';
  if (roll < 0.55) return 'Balanced';
  if (roll < 0.72) return 'Hold';
  if (roll < 0.8) return 'PendingPrint';
  if (roll < 0.86) return 'PendingEmail';
  if (roll < 0.9) return 'Scheduled';
  if (roll < 0.94) return 'CreditHold';
  return 'Closed';
}

function pickCustomer(random: Random, index: number): DemoCustomer {
  // Customer 10000 (the docs' example customer) gets a large share, so customer filters have depth.
  if (index % 7 === 0) return CUSTOMERS[0] as DemoCustomer;
  return random.pick(CUSTOMERS);
}

function stampAt(date: string, random: Random, minHour = 7, maxHour = 17): number {
  return dateToMs(date) + random.int(minHour, maxHour) * 3_600_000 + random.int(0, 3_599_999);
}

/** Days from one date to another, rounded: how far an invoice is from DEMO_TODAY. */
function daysBetween(fromMs: number, toMs: number): number {
  return Math.round((toMs - fromMs) / 86_400_000);
}

/** The optional details some demo invoices carry, each with its own odds. */
function addDemoDetails(inv: InvoiceRecord, random: Random, number: number): void {
  if (random.chance(0.2)) inv.externalReference = `EXT-${number}`;
  if (random.chance(0.3)) inv.customerRefNumber = `PO-${random.int(1000, 9999)}`;
  if (random.chance(0.15)) inv.branchNumber = random.pick(BRANCHES).number;
  if (random.chance(0.2)) inv.projectId = random.pick(PROJECTS).id;
  if (random.chance(0.1)) inv.salesPersonId = random.pick(SALESPEOPLE).id;
  if (random.chance(0.1)) inv.note = `Internal note ${number}`;
  if (random.chance(0.08)) {
    inv.attachments = [{ id: uuidFrom(random), name: `invoice-${inv.referenceNumber}.pdf`, revision: 1 }];
  }
}

function paymentOf(number: number, amountPaid: Dec, paidOn: string, paymentRef: string): ApplicationRecord {
  return { docType: 'Payment', refNbr: `PAY${number}`, amountPaid, applicationDate: paidOn, paymentRef };
}

/** A closed invoice was paid in full around its due date. Returns the time of that last change. */
function payInFull(inv: InvoiceRecord, random: Random, number: number): number {
  const paidOn = addDays(inv.documentDueDate, random.int(-10, 20));
  inv.applications = [paymentOf(number, inv.totals.amountInCurrency, paidOn, inv.paymentReference ?? '')];
  inv.closedFinancialPeriod = periodOf(paidOn);
  return stampAt(paidOn, random);
}

/** An overdue open invoice has had dunning letters; the worst cases went to debt collection. */
function dun(inv: InvoiceRecord, random: Random, number: number, overdueDays: number, modifiedMs: number): number {
  const dunningLevel = Math.min(3, 1 + Math.floor(overdueDays / 60));
  inv.dunningLevel = dunningLevel;
  inv.dunningLetterDate = addDays(inv.documentDueDate, 14 * dunningLevel);
  const dunnedMs = Math.max(modifiedMs, stampAt(inv.dunningLetterDate, random));
  if (dunningLevel === 3 && random.chance(0.5)) {
    inv.debtCollection = {
      caseNumber: `DC-${number}`,
      caseType: 'Collection',
      caseStatus: 'Active',
      caseUrl: `https://collection.example/case/${number}`,
    };
  }
  return dunnedMs;
}

/** An open invoice may be part paid, and is dunned when overdue. Returns the time of its last change. */
function payInPartOrDun(inv: InvoiceRecord, random: Random, number: number, todayMs: number, modifiedMs: number): number {
  let lastChangeMs = modifiedMs;
  if (random.chance(0.2)) {
    const part = round2(div(inv.totals.amountInCurrency, fromInt(2)));
    const paidOn = addDays(inv.documentDate, random.int(5, 25));
    inv.applications = [paymentOf(number, part, paidOn, inv.paymentReference ?? '')];
    lastChangeMs = stampAt(paidOn, random);
  }
  const overdueDays = daysBetween(dateToMs(inv.documentDueDate), todayMs);
  return overdueDays > 14 ? dun(inv, random, number, overdueDays, lastChangeMs) : lastChangeMs;
}

/**
 * Stamps, payment reference, payments and dunning that follow from the invoice's status.
 * Draws from `random` in a fixed order, so the data set replays exactly.
 */
function settle(inv: InvoiceRecord, random: Random, number: number, todayMs: number): void {
  const createdMs = stampAt(inv.documentDate, random);
  let modifiedMs = createdMs + random.int(0, 7_200_000);
  if (isReleased(inv)) {
    inv.paymentReference = String(random.int(10_000_000, 99_999_999)) + String(number).padStart(6, '0');
    modifiedMs = stampAt(addDays(inv.documentDate, random.int(0, 3)), random);
  }
  recompute(inv);
  if (inv.status === 'Closed') modifiedMs = payInFull(inv, random, number);
  else if (inv.status === 'Open') modifiedMs = payInPartOrDun(inv, random, number, todayMs, modifiedMs);
  if (inv.status === 'Voided') inv.applications = [];
  recompute(inv);
  inv.createdMs = createdMs;
  inv.lastModifiedMs = Math.max(createdMs, modifiedMs);
}

/** The `index`th demo invoice, numbered `number`, dated evenly across the span. The fixture is fixed. */
function seedInvoice(random: Random, index: number, number: number, count: number, todayMs: number): InvoiceRecord {
  const referenceNumber = String(number).padStart(6, '0');
  const isFixture = referenceNumber === FIXTURE_INVOICE;
  const documentDate = addDays(FIRST_DAY, Math.floor((index * SPAN_DAYS) / Math.max(1, count)));
  const customer = isFixture ? (CUSTOMERS[0] as DemoCustomer) : pickCustomer(random, index);
  const inv = blankInvoice(referenceNumber, customer, documentDate);
  inv.status = isFixture ? 'Balanced' : statusFor(random, daysBetween(dateToMs(documentDate), todayMs));
  inv.invoiceText = isFixture ? 'Consulting January' : random.pick(TEXTS);
  const lineCount = isFixture ? 2 : random.chance(0.1) ? random.int(8, 25) : random.int(1, 5);
  inv.lines = generateLines(random, customer.currencyId, lineCount);
  addDemoDetails(inv, random, number);
  settle(inv, random, number, todayMs);
  return inv;
}

export function seedInvoices(seed: number, count: number): SeededData {
  const random = createRandom(seed);
  const first = Math.max(1, Number(FIXTURE_INVOICE) - Math.floor(count * 0.9));
  const todayMs = dateToMs(DEMO_TODAY);
  const invoices: InvoiceRecord[] = [];
  for (let i = 0; i < count; i += 1) invoices.push(seedInvoice(random, i, first + i, count, todayMs));
  // Row versions grow with the time of the last write, as a database rowversion would.
  let version = 2000n;
  for (const invoice of [...invoices].sort((left, right) => left.lastModifiedMs - right.lastModifiedMs)) {
    version += 1n;
    invoice.version = version;
  }
  return { invoices, nextVersion: version + 1n, lastAutoNumber: first + count - 1 };
}
