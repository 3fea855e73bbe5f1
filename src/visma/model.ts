/**
 * The gateway's own view of Visma's CustomerInvoice resource: clean names, no `{ value }`
 * wrappers, no list `metadata`, no `errorInfo`. The Visma client returns these and takes
 * these; everything about the wire format stays in `wire.ts` and `mapping/`.
 *
 * Conventions shared by every type here:
 * - `null` means Visma sent nothing (a missing key or `null`).
 * - `Decimal` is the exact decimal text of a number Visma sent (`"1250.5"`), never a float
 *   that went through arithmetic.
 * - `LocalDate` is `YYYY-MM-DD`; Visma sends date-only fields as midnight date-times.
 * - `Instant` is an ISO 8601 date-time with an explicit offset. Visma sends many without a
 *   zone; those are read in the company's configured time zone.
 * - Closed sets (status, document type, ...) keep Visma's spelling. A value Visma adds later
 *   passes through as a plain string; the layers above decide how to degrade.
 */

export type Decimal = string;
export type LocalDate = string;
export type Instant = string;

export const INVOICE_STATUSES = [
  'Hold',
  'Balanced',
  'Voided',
  'Scheduled',
  'Open',
  'Closed',
  'PendingPrint',
  'PendingEmail',
  'CreditHold',
  'CcHold',
  'Reserved',
] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const DOCUMENT_TYPES = [
  'Invoice',
  'DebitNote',
  'CreditNote',
  'Payment',
  'VoidPayment',
  'Prepayment',
  'Refund',
  'FinCharge',
  'SmallBalanceWo',
  'SmallCreditWo',
  'CashSale',
  'CashReturn',
  'Undefined',
  'NoUpdate',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const ACCOUNT_TYPES = ['Asset', 'Liability', 'Income', 'Expense'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const ITEM_TYPES = ['Service', 'MaterialCost', 'OtherCost'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const ROT_RUT_TYPES = ['Rut', 'Rot'] as const;
export type RotRutType = (typeof ROT_RUT_TYPES)[number];

export const ACTION_RESULTS = ['Queued', 'InProcess', 'Failed', 'Done'] as const;
export type ActionResultStatus = (typeof ACTION_RESULTS)[number];

export const CUSTOMER_STATUSES = ['Active', 'OnHold', 'CreditHold', 'Inactive', 'OneTime'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** A value of a closed Visma set, or a value Visma added after this code was written. */
export type Open<T extends string> = T | (string & { readonly __unrecognised?: never });

export interface IdDescription {
  id: string | null;
  description: string | null;
}

export interface NumberName {
  number: string | null;
  name: string | null;
}

export interface Account {
  number: string | null;
  description: string | null;
  type: Open<AccountType> | null;
  active: boolean | null;
  externalCode1: string | null;
  externalCode2: string | null;
}

export interface SubaccountSegment {
  segmentId: number | null;
  description: string | null;
  value: string | null;
  valueDescription: string | null;
}

export interface Subaccount {
  number: string | null;
  id: number | null;
  description: string | null;
  active: boolean | null;
  lastModifiedDateTime: Instant | null;
  segments: SubaccountSegment[];
}

export interface Project {
  internalId: number | null;
  id: string | null;
  description: string | null;
}

export interface Location {
  id: string | null;
  name: string | null;
  countryId: string | null;
}

export interface Address {
  addressId: number | null;
  line1: string | null;
  line2: string | null;
  line3: string | null;
  postalCode: string | null;
  city: string | null;
  country: { id: string | null; name: string | null } | null;
  county: { id: string | null; name: string | null } | null;
  overridden: boolean | null;
}

export interface InvoiceContact {
  contactId: number | null;
  businessName: string | null;
  attention: string | null;
  email: string | null;
  phone: string | null;
  overridden: boolean | null;
}

export interface Attachment {
  id: string | null;
  name: string | null;
  revision: number | null;
}

export interface TaxDetail {
  taxId: string | null;
  recordId: number | null;
  vat: { number: string | null; description: string | null } | null;
  vatRate: Decimal | null;
  taxableAmount: Decimal | null;
  vatAmount: Decimal | null;
  expenseAmount: Decimal | null;
}

/** A payment or credit applied to the invoice (Visma's `ArAdjustDto`). */
export interface InvoiceApplication {
  documentType: string | null;
  customerNumber: string | null;
  referenceNumber: string | null;
  amountPaid: Decimal | null;
  cashDiscountTaken: Decimal | null;
  balance: Decimal | null;
  pendingPpd: boolean | null;
  released: boolean | null;
  hold: boolean | null;
  voided: boolean | null;
  ppdCreditMemoReferenceNumber: string | null;
  paymentReference: string | null;
  status: string | null;
  applicationDate: LocalDate | null;
  applicationPeriod: string | null;
  invoiceText: string | null;
}

export interface DirectDebitMandate {
  id: string | null;
  mandateId: string | null;
  description: string | null;
}

export interface DebtCollection {
  caseNumber: string | null;
  caseType: string | null;
  caseStatus: string | null;
  caseUrl: string | null;
}

export interface WorkType {
  rutRotType: Open<RotRutType> | null;
  description: string | null;
  xmlTag: string | null;
}

export interface InvoiceLine {
  lineNumber: number | null;
  lineType: string | null;
  inventoryNumber: string | null;
  description: string | null;
  quantity: Decimal | null;
  uom: string | null;
  unitPrice: Decimal | null;
  unitPriceInCurrency: Decimal | null;
  manualAmount: Decimal | null;
  manualAmountInCurrency: Decimal | null;
  amount: Decimal | null;
  amountInCurrency: Decimal | null;
  cost: Decimal | null;
  discountPercent: Decimal | null;
  discountAmount: Decimal | null;
  discountAmountInCurrency: Decimal | null;
  manualDiscount: boolean | null;
  discountCode: string | null;
  account: Account | null;
  subaccount: Subaccount | null;
  vatCode: IdDescription | null;
  branch: NumberName | null;
  projectTask: Project | null;
  seller: IdDescription | null;
  /** Deprecated by Visma in favour of `seller`. */
  salesperson: string | null;
  itemType: Open<ItemType> | null;
  typeOfWork: WorkType | null;
  isRotRutDeductible: boolean | null;
  deductibleAmount: Decimal | null;
  startDate: LocalDate | null;
  endDate: LocalDate | null;
  termStartDate: LocalDate | null;
  termEndDate: LocalDate | null;
  deferralSchedule: number | null;
  deferralCode: string | null;
  salesOrderShipmentNumber: string | null;
  salesOrderType: string | null;
  salesOrderNumber: string | null;
  note: string | null;
  externalLink: string | null;
  attachments: Attachment[];
}

export interface CustomerInvoice {
  referenceNumber: string;
  documentType: Open<DocumentType> | null;
  status: Open<InvoiceStatus> | null;
  hold: boolean | null;
  /** Visma's `timeStamp`, equal to the ETag: the version for optimistic concurrency. */
  version: string | null;
  customer: NumberName | null;
  childCustomer: NumberName | null;
  documentDate: LocalDate | null;
  documentDueDate: LocalDate | null;
  origInvoiceDate: LocalDate | null;
  cashDiscountDate: LocalDate | null;
  startDate: LocalDate | null;
  endDate: LocalDate | null;
  dunningLetterDate: LocalDate | null;
  dunningLetterLevel: number | null;
  postPeriod: string | null;
  financialPeriod: string | null;
  closedFinancialPeriod: string | null;
  currencyId: string | null;
  exchangeRate: Decimal | null;
  amount: Decimal | null;
  amountInCurrency: Decimal | null;
  balance: Decimal | null;
  balanceInCurrency: Decimal | null;
  cashDiscount: Decimal | null;
  cashDiscountInCurrency: Decimal | null;
  detailTotal: Decimal | null;
  detailTotalInCurrency: Decimal | null;
  discountTotal: Decimal | null;
  discountTotalInCurrency: Decimal | null;
  vatTaxableTotal: Decimal | null;
  vatTaxableTotalInCurrency: Decimal | null;
  vatExemptTotal: Decimal | null;
  vatExemptTotalInCurrency: Decimal | null;
  vatTotal: Decimal | null;
  vatTotalInCurrency: Decimal | null;
  roundingDiff: Decimal | null;
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
  creditTerms: IdDescription | null;
  paymentMethod: IdDescription | null;
  customerVatZone: IdDescription | null;
  salesPerson: IdDescription | null;
  /** Deprecated by Visma (`salesPersonID`, `salesPersonDescr`) in favour of `salesPerson`. */
  legacySalesPersonId: number | null;
  legacySalesPersonDescription: string | null;
  location: Location | null;
  branch: NumberName | null;
  project: Project | null;
  account: Account | null;
  subaccount: Subaccount | null;
  contact: { id: number | null; name: string | null } | null;
  invoiceAddress: Address | null;
  invoiceContact: InvoiceContact | null;
  directDebitMandate: DirectDebitMandate | null;
  debtCollection: DebtCollection | null;
  excludeDebtCollection: boolean | null;
  sendToAutoInvoice: boolean | null;
  isRotRutDeductible: boolean | null;
  dontPrint: boolean | null;
  dontEmail: boolean | null;
  revoked: boolean | null;
  createdDateTime: Instant | null;
  lastModifiedDateTime: Instant | null;
  taxDetails: TaxDetail[];
  attachments: Attachment[];
  applications: InvoiceApplication[];
  lines: InvoiceLine[];
}

/**
 * An item of a list page that could not be read (see `VismaUnreadableRecordError`): the page
 * keeps its place, so offsets counted over Visma's pages stay right.
 */
export interface UnreadableInvoice {
  /** Zero-based position of the item in the page as Visma sent it. */
  position: number;
  /** The item's referenceNumber when that much could be read, else null. */
  referenceNumber: string | null;
  /** What could not be read, naming the field and the value sent: for logs, not for callers. */
  reason: string;
}

export interface InvoicePage {
  /** The items that could be read, in Visma's order, without the unreadable ones. */
  invoices: CustomerInvoice[];
  /**
   * The items that could not be read, by position; absent when every item was read. A page's
   * length is `invoices.length + unreadable.length` (`pageItems`).
   */
  unreadable?: UnreadableInvoice[];
  /** From the first item's `metadata`; null on an empty page, where Visma sends no metadata. */
  totalCount: number | null;
  /**
   * `metadata.maxPageSize`: the largest page Visma will serve for this endpoint (the spec's
   * `pageSize` help says the cap is reported there; whether it can also echo a smaller applied
   * size is not documented, so callers compare it with what they asked for). Null on an empty page.
   */
  maxPageSize: number | null;
}

/**
 * The page's items in Visma's order, unreadable ones in their places: what paging counts (a
 * short page ends the list, a window is sliced by position) must count these too.
 */
export function pageItems(page: InvoicePage): Array<CustomerInvoice | UnreadableInvoice> {
  const unreadable = page.unreadable ?? [];
  if (unreadable.length === 0) return page.invoices;
  const items: Array<CustomerInvoice | UnreadableInvoice> = [];
  const byPosition = new Map(unreadable.map((item) => [item.position, item]));
  let next = 0;
  for (let position = 0; position < page.invoices.length + unreadable.length; position += 1) {
    const bad = byPosition.get(position);
    const invoice = bad === undefined ? page.invoices[next++] : undefined;
    // A position past the readable ones (unreadable positions out of order) keeps the page's length.
    items.push(bad ?? invoice ?? { position, referenceNumber: null, reason: 'no item at this position' });
  }
  return items;
}

/** True for an item `pageItems` marks as unreadable. */
export function isUnreadable(item: CustomerInvoice | UnreadableInvoice): item is UnreadableInvoice {
  return 'reason' in item;
}

export const DATE_OPERATORS = ['>', '<', '>=', '<='] as const;
export type DateOperator = (typeof DATE_OPERATORS)[number];

/**
 * One Visma date condition. Visma takes exactly one operator per date filter. `value` is a
 * date (`YYYY-MM-DD`), a company-local date-time (`YYYY-MM-DDTHH:mm:ss`), or an instant with
 * an offset, which the client converts to company time: Visma compares in the company's own time.
 */
export interface DateCondition {
  operator: DateOperator;
  value: string;
}

export interface InvoiceListFilter {
  status?: InvoiceStatus;
  documentType?: DocumentType;
  customerNumber?: string;
  financialPeriod?: string;
  closedFinancialPeriod?: string;
  released?: boolean;
  dunningLevel?: number;
  externalReference?: string;
  paymentReference?: string;
  customerRefNumber?: string;
  branch?: string;
  project?: string;
  lastModifiedDateTime?: DateCondition;
  createdDateTime?: DateCondition;
  documentDate?: DateCondition;
  documentDueDate?: DateCondition;
  dunningLetterDateTime?: DateCondition;
}

export interface InvoiceListQuery {
  filter?: InvoiceListFilter;
  /** 1-based. */
  pageNumber: number;
  pageSize: number;
  /** Ask Visma to fill `applications`, `attachments`, `taxDetails`, `invoiceAddress`. */
  expand?: { applications?: boolean; attachments?: boolean; taxDetails?: boolean; invoiceAddress?: boolean; dunningInformation?: boolean };
}

export interface SubaccountSegmentInput {
  segmentId: number;
  value: string;
}

/** Fields of a line that can be written. Omitted (undefined) fields are left unchanged. */
export interface InvoiceLineInput {
  inventoryNumber?: string;
  description?: string;
  quantity?: Decimal;
  unitPriceInCurrency?: Decimal;
  manualAmountInCurrency?: Decimal;
  uom?: string;
  accountNumber?: string;
  subaccount?: SubaccountSegmentInput[];
  vatCodeId?: string;
  discountPercent?: Decimal;
  discountAmountInCurrency?: Decimal;
  manualDiscount?: boolean;
  discountCode?: string;
  branchNumber?: string;
  taskId?: string;
  salesperson?: string;
  itemType?: ItemType;
  isRotRutDeductible?: boolean;
  startDate?: LocalDate;
  endDate?: LocalDate;
  termStartDate?: LocalDate;
  termEndDate?: LocalDate;
  deferralSchedule?: number;
  deferralCode?: string;
  note?: string;
}

export type InvoiceLineChange =
  | { operation: 'Insert'; lineNumber?: number; line: InvoiceLineInput }
  | { operation: 'Update'; lineNumber: number; line: InvoiceLineInput }
  | { operation: 'Delete'; lineNumber: number };

export interface AddressInput {
  overridden?: boolean;
  line1?: string;
  line2?: string;
  line3?: string;
  postalCode?: string;
  city?: string;
  countryId?: string;
  county?: string;
}

export interface InvoiceContactInput {
  overridden?: boolean;
  name?: string;
  attention?: string;
  email?: string;
  phone?: string;
}

/** Header fields that can be written. Omitted (undefined) fields are left unchanged. */
export interface InvoiceHeaderInput {
  referenceNumber?: string;
  customerNumber?: string;
  childCustomerNumber?: string;
  documentDate?: LocalDate;
  documentDueDate?: LocalDate;
  cashDiscountDate?: LocalDate;
  origInvoiceDate?: LocalDate;
  startDate?: LocalDate;
  endDate?: LocalDate;
  financialPeriod?: string;
  currencyId?: string;
  exchangeRate?: Decimal;
  invoiceText?: string;
  note?: string;
  externalReference?: string;
  paymentReference?: string;
  customerRefNumber?: string;
  customerProject?: string;
  accountingCostRef?: string;
  originatorDocRef?: string;
  contractDocRef?: string;
  creditTermsId?: string;
  paymentMethodId?: string;
  customerVatZoneId?: string;
  locationId?: string;
  branchNumber?: string;
  project?: string;
  contactId?: number;
  salesperson?: string;
  cashAccount?: string;
  hold?: boolean;
  sendToAutoInvoice?: boolean;
  dontPrint?: boolean;
  dontEmail?: boolean;
  excludeDebtCollection?: boolean;
  /** Use the supplied `referenceNumber` instead of the number series. */
  overrideNumberSeries?: boolean;
  billingAddress?: AddressInput;
  invoiceContact?: InvoiceContactInput;
}

export interface InvoiceDraft extends InvoiceHeaderInput {
  customerNumber: string;
  lines: InvoiceLineInput[];
}

export interface InvoicePatch extends InvoiceHeaderInput {
  lineChanges?: InvoiceLineChange[];
}

export interface ActionResult {
  actionId: string | null;
  result: Open<ActionResultStatus> | null;
}

export interface Customer {
  internalId: number | null;
  number: string;
  name: string | null;
  status: Open<CustomerStatus> | null;
  currencyId: string | null;
  creditTerms: IdDescription | null;
  mainAddress: Address | null;
  mainContact: { name: string | null; email: string | null; phone: string | null } | null;
  vatZone: IdDescription | null;
  createdDateTime: Instant | null;
  lastModifiedDateTime: Instant | null;
  version: string | null;
}
