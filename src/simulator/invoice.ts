/**
 * The simulator's stored form of an invoice and the calculations Visma performs on every
 * write: line amounts, discounts, VAT per VAT code, document totals and balance (CONTRACT §2,
 * §3). Amounts are exact decimals (see decimal.ts); `*InCurrency` is the document currency and
 * the plain twin is the base currency (NOK), converted line by line so totals add up exactly.
 */
import { CURRENCY_BY_ID, VAT_BY_ID } from './catalogue';
import { add, div, mul, percentOf, round2, ZERO, type Dec } from './decimal';

export type InvoiceStatusName =
  'Hold' | 'Balanced' | 'Voided' | 'Scheduled' | 'Open' | 'Closed' | 'PendingPrint' | 'PendingEmail' | 'CreditHold' | 'CcHold' | 'Reserved';

/** Statuses of documents that have been released to the ledger and can no longer be edited. */
export const RELEASED_STATUSES: ReadonlySet<InvoiceStatusName> = new Set(['Open', 'Closed', 'Voided', 'Reserved']);

export interface SegmentValue {
  segmentId: number;
  value: string;
}

export interface LineRecord {
  lineNumber: number;
  inventoryNumber: string | null;
  lineType: string | null;
  description: string | null;
  quantity: Dec;
  uom: string | null;
  unitPriceInCurrency: Dec;
  /** Set when the line amount was typed rather than computed. */
  manualAmountInCurrency: Dec | null;
  discountPercent: Dec;
  discountAmountInCurrency: Dec;
  /** The discount amount was typed; the percent follows from it instead of the other way. */
  manualDiscount: boolean;
  discountCode: string | null;
  accountNumber: string;
  vatCodeId: string;
  subaccount: SegmentValue[];
  branchNumber: string | null;
  taskId: string | null;
  salesperson: string | null;
  itemType: 'Service' | 'MaterialCost' | 'OtherCost' | null;
  typeOfWork: string | null;
  isRotRutDeductible: boolean;
  startDate: string | null;
  endDate: string | null;
  termStartDate: string | null;
  termEndDate: string | null;
  deferralSchedule: number | null;
  deferralCode: string | null;
  note: string | null;
  // Computed by recompute():
  amountInCurrency: Dec;
  amount: Dec;
  unitPrice: Dec;
  discountAmount: Dec;
}

export interface ApplicationRecord {
  docType: string;
  refNbr: string;
  amountPaid: Dec;
  applicationDate: string;
  paymentRef: string;
}

export interface AttachmentRecord {
  id: string;
  name: string;
  revision: number;
}

export interface AddressRecord {
  addressId: number;
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  postalCode: string | null;
  city: string | null;
  countryId: string | null;
  county: string | null;
  overrideAddress: boolean;
}

export interface ContactRecord {
  contactId: number;
  businessName: string | null;
  attention: string | null;
  email: string | null;
  phone1: string | null;
  overrideContact: boolean;
}

export interface TaxRecord {
  vatCodeId: string;
  taxableAmountInCurrency: Dec;
  vatAmountInCurrency: Dec;
  taxableAmount: Dec;
  vatAmount: Dec;
}

export interface Totals {
  detailTotal: Dec;
  detailTotalInCurrency: Dec;
  discountTotal: Dec;
  discountTotalInCurrency: Dec;
  vatTaxableTotal: Dec;
  vatTaxableTotalInCurrency: Dec;
  vatExemptTotal: Dec;
  vatExemptTotalInCurrency: Dec;
  vatTotal: Dec;
  vatTotalInCurrency: Dec;
  amount: Dec;
  amountInCurrency: Dec;
  balance: Dec;
  balanceInCurrency: Dec;
  taxes: TaxRecord[];
}

export interface InvoiceRecord {
  referenceNumber: string;
  status: InvoiceStatusName;
  customerNumber: string;
  childCustomerNumber: string | null;
  documentDate: string;
  documentDueDate: string;
  cashDiscountDate: string | null;
  origInvoiceDate: string | null;
  startDate: string | null;
  endDate: string | null;
  postPeriod: string;
  financialPeriod: string;
  closedFinancialPeriod: string | null;
  currencyId: string;
  exchangeRate: Dec;
  creditTermsId: string;
  paymentMethodId: string | null;
  vatZoneId: string | null;
  locationId: string | null;
  branchNumber: string | null;
  projectId: string | null;
  contactId: number | null;
  salesPersonId: string | null;
  legacySalesPersonId: number | null;
  invoiceText: string | null;
  note: string | null;
  externalReference: string | null;
  paymentReference: string | null;
  customerRefNumber: string | null;
  customerProject: string | null;
  accountingCostRef: string | null;
  originatorDocRef: string | null;
  contractDocRef: string | null;
  cashAccount: string | null;
  sendToAutoInvoice: boolean;
  isRotRutDeductible: boolean;
  dontPrint: boolean;
  dontEmail: boolean;
  revoked: boolean;
  excludeDebtCollection: boolean;
  directDebitMandateId: string | null;
  debtCollection: { caseNumber: string | null; caseType: string | null; caseStatus: string | null; caseUrl: string | null } | null;
  invoiceAddress: AddressRecord;
  invoiceContact: ContactRecord;
  dunningLevel: number | null;
  dunningLetterDate: string | null;
  applications: ApplicationRecord[];
  attachments: AttachmentRecord[];
  lines: LineRecord[];
  totals: Totals;
  createdMs: number;
  lastModifiedMs: number;
  /** Row version: the 8-byte counter behind timeStamp and the ETag. */
  version: bigint;
}

export function isReleased(invoice: Pick<InvoiceRecord, 'status'>): boolean {
  return RELEASED_STATUSES.has(invoice.status);
}

export function exchangeRateOf(currencyId: string): Dec {
  const currency = CURRENCY_BY_ID.get(currencyId);
  if (!currency) throw new Error(`unknown currency ${currencyId}`);
  return currency.rate;
}

/** Recomputes a line's derived amounts in place. */
export function computeLine(line: LineRecord, exchangeRate: Dec): void {
  const gross = round2(mul(line.quantity, line.unitPriceInCurrency));
  if (line.manualDiscount) {
    // The amount was typed; Visma derives the percent from it.
    line.discountPercent = gross === ZERO ? ZERO : div(line.discountAmountInCurrency * 100n, gross);
  } else {
    line.discountAmountInCurrency = round2(percentOf(gross, line.discountPercent));
  }
  line.amountInCurrency = line.manualAmountInCurrency ?? gross - line.discountAmountInCurrency;
  line.amount = round2(mul(line.amountInCurrency, exchangeRate));
  line.unitPrice = mul(line.unitPriceInCurrency, exchangeRate);
  line.discountAmount = round2(mul(line.discountAmountInCurrency, exchangeRate));
}

export function emptyTotals(): Totals {
  return {
    detailTotal: ZERO,
    detailTotalInCurrency: ZERO,
    discountTotal: ZERO,
    discountTotalInCurrency: ZERO,
    vatTaxableTotal: ZERO,
    vatTaxableTotalInCurrency: ZERO,
    vatExemptTotal: ZERO,
    vatExemptTotalInCurrency: ZERO,
    vatTotal: ZERO,
    vatTotalInCurrency: ZERO,
    amount: ZERO,
    amountInCurrency: ZERO,
    balance: ZERO,
    balanceInCurrency: ZERO,
    taxes: [],
  };
}

/** Computes every line and sums the lines' amounts per VAT code. */
function computeLinesAndTaxes(lines: LineRecord[], exchangeRate: Dec): Map<string, TaxRecord> {
  const taxes = new Map<string, TaxRecord>();
  for (const line of lines) {
    computeLine(line, exchangeRate);
    const tax = taxes.get(line.vatCodeId) ?? {
      vatCodeId: line.vatCodeId,
      taxableAmountInCurrency: ZERO,
      vatAmountInCurrency: ZERO,
      taxableAmount: ZERO,
      vatAmount: ZERO,
    };
    tax.taxableAmountInCurrency += line.amountInCurrency;
    tax.taxableAmount += line.amount;
    taxes.set(line.vatCodeId, tax);
  }
  return taxes;
}

/** The VAT of each code on its taxable sum, added to the taxable or exempt totals and the VAT total. */
function addVat(totals: Totals, taxes: Iterable<TaxRecord>, exchangeRate: Dec): void {
  for (const tax of taxes) {
    const vat = VAT_BY_ID.get(tax.vatCodeId);
    if (!vat) throw new Error(`unknown VAT code ${tax.vatCodeId}`);
    tax.vatAmountInCurrency = round2(percentOf(tax.taxableAmountInCurrency, vat.rate));
    tax.vatAmount = round2(mul(tax.vatAmountInCurrency, exchangeRate));
    if (vat.exempt) {
      totals.vatExemptTotal += tax.taxableAmount;
      totals.vatExemptTotalInCurrency += tax.taxableAmountInCurrency;
    } else {
      totals.vatTaxableTotal += tax.taxableAmount;
      totals.vatTaxableTotalInCurrency += tax.taxableAmountInCurrency;
    }
    totals.vatTotal += tax.vatAmount;
    totals.vatTotalInCurrency += tax.vatAmountInCurrency;
  }
}

/** What is left to pay: nothing on a closed or voided invoice, else the amount less the payments. */
function setBalance(invoice: InvoiceRecord, totals: Totals): void {
  const paidInCurrency = add(...invoice.applications.map((application) => application.amountPaid));
  if (invoice.status === 'Closed' || invoice.status === 'Voided') {
    totals.balanceInCurrency = ZERO;
  } else {
    totals.balanceInCurrency = totals.amountInCurrency - paidInCurrency;
  }
  totals.balance =
    totals.balanceInCurrency === totals.amountInCurrency ? totals.amount : round2(mul(totals.balanceInCurrency, invoice.exchangeRate));
}

/**
 * Recomputes every line and the document totals. VAT is computed once per VAT code on the
 * sum of its lines (not per line), which is how Visma fills `taxDetails`.
 */
export function recompute(invoice: InvoiceRecord): void {
  const rate = invoice.exchangeRate;
  const taxes = computeLinesAndTaxes(invoice.lines, rate);
  const totals = emptyTotals();
  addVat(totals, taxes.values(), rate);
  totals.taxes = [...taxes.values()].sort((left, right) => left.vatCodeId.localeCompare(right.vatCodeId));
  totals.detailTotal = add(...invoice.lines.map((line) => line.amount));
  totals.detailTotalInCurrency = add(...invoice.lines.map((line) => line.amountInCurrency));
  totals.discountTotal = add(...invoice.lines.map((line) => line.discountAmount));
  totals.discountTotalInCurrency = add(...invoice.lines.map((line) => line.discountAmountInCurrency));
  totals.amount = totals.detailTotal + totals.vatTotal;
  totals.amountInCurrency = totals.detailTotalInCurrency + totals.vatTotalInCurrency;
  setBalance(invoice, totals);
  invoice.totals = totals;
}
