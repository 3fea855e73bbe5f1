/**
 * Deterministic demo invoices: the same seed and count always give the same data, on fixed
 * dates (2024–2025), never relative to today. Invoice 003547 always exists and is unreleased,
 * because the docs' PUT example targets it (CONTRACT §8.6, fixtures/).
 */
import { BRANCHES, CUSTOMERS, ITEMS, PROJECTS, SALESPEOPLE, TERMS_BY_ID, type DemoCustomer, type InventoryItem } from './catalogue';
import { addDays, dateToMs, periodOf } from './dates';
import { dec, div, fromInt, round2, ZERO } from './decimal';
import { exchangeRateOf, emptyTotals, recompute, type InvoiceRecord, type InvoiceStatusName, type LineRecord } from './invoice';
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
    invoiceAddress: {
      addressId: customer.internalId * 10 + 1,
      addressLine1: customer.addressLine1,
      addressLine2: null,
      addressLine3: null,
      postalCode: customer.postalCode,
      city: customer.city,
      countryId: customer.countryId,
      county: null,
      overrideAddress: false,
    },
    invoiceContact: {
      contactId: customer.contactId,
      businessName: customer.name,
      attention: customer.contactName,
      email: customer.email,
      phone1: customer.phone,
      overrideContact: false,
    },
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

function generateLines(random: Random, currencyId: string, count: number): LineRecord[] {
  const lines: LineRecord[] = [];
  for (let i = 1; i <= count; i += 1) {
    const item = random.pick(ITEMS);
    if (random.chance(0.08)) {
      // A description-only line (FORUM-LINE: a description is enough without an item).
      lines.push(
        newLine(i, {
          description: 'Miscellaneous charge',
          lineType: 'MI',
          accountNumber: '3000',
          vatCodeId: '3',
          quantity: fromInt(1),
          unitPriceInCurrency: round2(dec(String(random.int(100, 5000)))),
        }),
      );
      continue;
    }
    lines.push(
      newLine(i, {
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
      }),
    );
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

export function seedInvoices(seed: number, count: number): SeededData {
  const random = createRandom(seed);
  const fixtureNumber = Number(FIXTURE_INVOICE);
  const first = Math.max(1, fixtureNumber - Math.floor(count * 0.9));
  const staged: { invoice: InvoiceRecord; stampMs: number }[] = [];
  const todayMs = dateToMs(DEMO_TODAY);
  for (let i = 0; i < count; i += 1) {
    const number = first + i;
    const referenceNumber = String(number).padStart(6, '0');
    const isFixture = referenceNumber === FIXTURE_INVOICE;
    const documentDate = addDays(FIRST_DAY, Math.floor((i * SPAN_DAYS) / Math.max(1, count)));
    const customer = isFixture ? (CUSTOMERS[0] as DemoCustomer) : pickCustomer(random, i);
    const inv = blankInvoice(referenceNumber, customer, documentDate);
    const ageDays = Math.round((todayMs - dateToMs(documentDate)) / 86_400_000);
    inv.status = isFixture ? 'Balanced' : statusFor(random, ageDays);
    inv.invoiceText = isFixture ? 'Consulting January' : random.pick(TEXTS);
    inv.lines = isFixture
      ? generateLines(random, customer.currencyId, 2)
      : generateLines(random, customer.currencyId, random.chance(0.1) ? random.int(8, 25) : random.int(1, 5));
    if (random.chance(0.2)) inv.externalReference = `EXT-${number}`;
    if (random.chance(0.3)) inv.customerRefNumber = `PO-${random.int(1000, 9999)}`;
    if (random.chance(0.15)) inv.branchNumber = random.pick(BRANCHES).number;
    if (random.chance(0.2)) inv.projectId = random.pick(PROJECTS).id;
    if (random.chance(0.1)) inv.salesPersonId = random.pick(SALESPEOPLE).id;
    if (random.chance(0.1)) inv.note = `Internal note ${number}`;
    if (random.chance(0.08)) {
      inv.attachments = [{ id: uuidFrom(random), name: `invoice-${referenceNumber}.pdf`, revision: 1 }];
    }
    const createdMs = stampAt(documentDate, random);
    let modifiedMs = createdMs + random.int(0, 7_200_000);
    const released = inv.status === 'Open' || inv.status === 'Closed' || inv.status === 'Voided';
    if (released) {
      inv.paymentReference = String(random.int(10_000_000, 99_999_999)) + String(number).padStart(6, '0');
      modifiedMs = stampAt(addDays(documentDate, random.int(0, 3)), random);
    }
    recompute(inv);
    if (inv.status === 'Closed') {
      const paidOn = addDays(inv.documentDueDate, random.int(-10, 20));
      inv.applications = [
        {
          docType: 'Payment',
          refNbr: `PAY${number}`,
          amountPaid: inv.totals.amountInCurrency,
          applicationDate: paidOn,
          paymentRef: inv.paymentReference ?? '',
        },
      ];
      inv.closedFinancialPeriod = periodOf(paidOn);
      modifiedMs = stampAt(paidOn, random);
    } else if (inv.status === 'Open') {
      if (random.chance(0.2)) {
        const part = round2(div(inv.totals.amountInCurrency, fromInt(2)));
        const paidOn = addDays(documentDate, random.int(5, 25));
        inv.applications = [
          { docType: 'Payment', refNbr: `PAY${number}`, amountPaid: part, applicationDate: paidOn, paymentRef: inv.paymentReference ?? '' },
        ];
        modifiedMs = stampAt(paidOn, random);
      }
      const overdueDays = Math.round((todayMs - dateToMs(inv.documentDueDate)) / 86_400_000);
      if (overdueDays > 14) {
        inv.dunningLevel = Math.min(3, 1 + Math.floor(overdueDays / 60));
        inv.dunningLetterDate = addDays(inv.documentDueDate, 14 * inv.dunningLevel);
        modifiedMs = Math.max(modifiedMs, stampAt(inv.dunningLetterDate, random));
        if (inv.dunningLevel === 3 && random.chance(0.5)) {
          inv.debtCollection = {
            caseNumber: `DC-${number}`,
            caseType: 'Collection',
            caseStatus: 'Active',
            caseUrl: `https://collection.example/case/${number}`,
          };
        }
      }
    }
    if (inv.status === 'Voided') inv.applications = [];
    recompute(inv);
    inv.createdMs = createdMs;
    inv.lastModifiedMs = Math.max(createdMs, modifiedMs);
    staged.push({ invoice: inv, stampMs: inv.lastModifiedMs });
  }
  // Row versions grow with the time of the last write, as a database rowversion would.
  let version = 2000n;
  for (const { invoice } of [...staged].sort((a, b) => a.stampMs - b.stampMs)) {
    version += 1n;
    invoice.version = version;
  }
  return {
    invoices: staged.map((s) => s.invoice),
    nextVersion: version + 1n,
    lastAutoNumber: first + count - 1,
  };
}
