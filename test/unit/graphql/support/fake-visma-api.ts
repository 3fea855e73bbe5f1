import type { CallOptions, Created, RateLimitState, Updated, VismaApi, WriteOptions } from '../../../../src/visma/api';
import { VismaNotFoundError } from '../../../../src/visma/errors';
import type {
  ActionResult,
  Customer,
  CustomerInvoice,
  InvoiceDraft,
  InvoiceLine,
  InvoiceListQuery,
  InvoicePage,
  InvoicePatch,
} from '../../../../src/visma/model';

export type FakeCall =
  | { method: 'getInvoice'; referenceNumber: string; options: CallOptions | undefined }
  | { method: 'listInvoices'; query: InvoiceListQuery; options: CallOptions | undefined }
  | { method: 'createInvoice'; draft: InvoiceDraft; options: CallOptions | undefined }
  | { method: 'updateInvoice'; referenceNumber: string; patch: InvoicePatch; options: WriteOptions | undefined }
  | { method: 'releaseInvoice'; referenceNumber: string; options: WriteOptions | undefined }
  | { method: 'getCustomer'; number: string; options: CallOptions | undefined };

/**
 * An in-memory VismaApi for unit tests: it keeps invoices and customers as domain objects,
 * pages like Visma (silent cap at `maxPageSize`, totals only on non-empty pages), records
 * every call, and fails a call on demand.
 */
export class FakeVismaApi implements VismaApi {
  readonly calls: FakeCall[] = [];
  invoices: CustomerInvoice[] = [];
  customers = new Map<string, Customer>();
  maxPageSize = 1000;
  /** Thrown (once) by the next call of that method. */
  readonly failNext = new Map<FakeCall['method'], Error>();
  /** Makes getCustomer wait until `release()` is called, to observe concurrency. */
  customerGate: { wait: Promise<void>; release: () => void } | undefined;
  inFlightCustomers = 0;
  maxInFlightCustomers = 0;
  private nextNumber = 900_000;

  async getInvoice(referenceNumber: string, options?: CallOptions): Promise<CustomerInvoice> {
    this.calls.push({ method: 'getInvoice', referenceNumber, options });
    this.throwIfFailing('getInvoice');
    const found = this.invoices.find((invoice) => invoice.referenceNumber === referenceNumber);
    if (found === undefined) {
      throw new VismaNotFoundError(`invoice ${referenceNumber} not found`, { status: 404 });
    }
    return structuredClone(found);
  }

  async listInvoices(query: InvoiceListQuery, options?: CallOptions): Promise<InvoicePage> {
    this.calls.push({ method: 'listInvoices', query, options });
    this.throwIfFailing('listInvoices');
    const matching = this.invoices.filter(
      (invoice) =>
        (query.filter?.status === undefined || invoice.status === query.filter.status) &&
        (query.filter?.customerNumber === undefined || invoice.customer?.number === query.filter.customerNumber),
    );
    const pageSize = Math.min(query.pageSize, this.maxPageSize);
    const start = (query.pageNumber - 1) * pageSize;
    const rows = matching.slice(start, start + pageSize).map((invoice) => structuredClone(invoice));
    return {
      invoices: rows,
      totalCount: rows.length === 0 ? null : matching.length,
      maxPageSize: rows.length === 0 ? null : this.maxPageSize,
    };
  }

  async createInvoice(draft: InvoiceDraft, options?: CallOptions): Promise<Created> {
    this.calls.push({ method: 'createInvoice', draft, options });
    this.throwIfFailing('createInvoice');
    const referenceNumber = draft.referenceNumber ?? String((this.nextNumber += 1));
    this.invoices.push(
      makeInvoice({
        referenceNumber,
        customer: { number: draft.customerNumber, name: this.customers.get(draft.customerNumber)?.name ?? null },
        invoiceText: draft.invoiceText ?? null,
        status: 'Balanced',
        version: 'v1',
      }),
    );
    return { referenceNumber, version: 'v1' };
  }

  async updateInvoice(referenceNumber: string, patch: InvoicePatch, options?: WriteOptions): Promise<Updated> {
    this.calls.push({ method: 'updateInvoice', referenceNumber, patch, options });
    this.throwIfFailing('updateInvoice');
    await this.getStored(referenceNumber);
    return { version: 'v2' };
  }

  async releaseInvoice(referenceNumber: string, options?: WriteOptions): Promise<ActionResult> {
    this.calls.push({ method: 'releaseInvoice', referenceNumber, options });
    this.throwIfFailing('releaseInvoice');
    const invoice = await this.getStored(referenceNumber);
    invoice.status = 'Open';
    return { actionId: 'action-1', result: 'Done' };
  }

  async getCustomer(number: string, options?: CallOptions): Promise<Customer> {
    this.calls.push({ method: 'getCustomer', number, options });
    this.inFlightCustomers += 1;
    this.maxInFlightCustomers = Math.max(this.maxInFlightCustomers, this.inFlightCustomers);
    try {
      await this.customerGate?.wait;
      this.throwIfFailing('getCustomer');
      const found = this.customers.get(number);
      if (found === undefined) {
        throw new VismaNotFoundError(`customer ${number} not found`, { status: 404 });
      }
      return structuredClone(found);
    } finally {
      this.inFlightCustomers -= 1;
    }
  }

  rateLimit(): RateLimitState | null {
    return null;
  }

  countOf(method: FakeCall['method']): number {
    return this.calls.filter((call) => call.method === method).length;
  }

  private async getStored(referenceNumber: string): Promise<CustomerInvoice> {
    const found = this.invoices.find((invoice) => invoice.referenceNumber === referenceNumber);
    if (found === undefined) {
      throw new VismaNotFoundError(`invoice ${referenceNumber} not found`, { status: 404 });
    }
    return found;
  }

  private throwIfFailing(method: FakeCall['method']): void {
    const error = this.failNext.get(method);
    if (error !== undefined) {
      this.failNext.delete(method);
      throw error;
    }
  }
}

/** A domain invoice with every field empty, then the given ones. */
export function makeInvoice(overrides: Partial<CustomerInvoice> & { referenceNumber: string }): CustomerInvoice {
  return {
    documentType: 'Invoice',
    status: 'Open',
    hold: false,
    version: null,
    customer: null,
    childCustomer: null,
    documentDate: null,
    documentDueDate: null,
    origInvoiceDate: null,
    cashDiscountDate: null,
    startDate: null,
    endDate: null,
    dunningLetterDate: null,
    dunningLetterLevel: null,
    postPeriod: null,
    financialPeriod: null,
    closedFinancialPeriod: null,
    currencyId: null,
    exchangeRate: null,
    amount: null,
    amountInCurrency: null,
    balance: null,
    balanceInCurrency: null,
    cashDiscount: null,
    cashDiscountInCurrency: null,
    detailTotal: null,
    detailTotalInCurrency: null,
    discountTotal: null,
    discountTotalInCurrency: null,
    vatTaxableTotal: null,
    vatTaxableTotalInCurrency: null,
    vatExemptTotal: null,
    vatExemptTotalInCurrency: null,
    vatTotal: null,
    vatTotalInCurrency: null,
    roundingDiff: null,
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
    creditTerms: null,
    paymentMethod: null,
    customerVatZone: null,
    salesPerson: null,
    legacySalesPersonId: null,
    legacySalesPersonDescription: null,
    location: null,
    branch: null,
    project: null,
    account: null,
    subaccount: null,
    contact: null,
    invoiceAddress: null,
    invoiceContact: null,
    directDebitMandate: null,
    debtCollection: null,
    excludeDebtCollection: null,
    sendToAutoInvoice: null,
    isRotRutDeductible: null,
    dontPrint: null,
    dontEmail: null,
    revoked: null,
    createdDateTime: null,
    lastModifiedDateTime: null,
    taxDetails: [],
    attachments: [],
    applications: [],
    lines: [],
    ...overrides,
  };
}

/** A domain invoice line with every field empty, then the given ones. */
export function makeLine(lineNumber: number | null, overrides: Partial<InvoiceLine> = {}): InvoiceLine {
  return {
    lineNumber,
    lineType: null,
    inventoryNumber: null,
    description: null,
    quantity: null,
    uom: null,
    unitPrice: null,
    unitPriceInCurrency: null,
    manualAmount: null,
    manualAmountInCurrency: null,
    amount: null,
    amountInCurrency: null,
    cost: null,
    discountPercent: null,
    discountAmount: null,
    discountAmountInCurrency: null,
    manualDiscount: null,
    discountCode: null,
    account: null,
    subaccount: null,
    vatCode: null,
    branch: null,
    projectTask: null,
    seller: null,
    salesperson: null,
    itemType: null,
    typeOfWork: null,
    isRotRutDeductible: null,
    deductibleAmount: null,
    startDate: null,
    endDate: null,
    termStartDate: null,
    termEndDate: null,
    deferralSchedule: null,
    deferralCode: null,
    salesOrderShipmentNumber: null,
    salesOrderType: null,
    salesOrderNumber: null,
    note: null,
    externalLink: null,
    attachments: [],
    ...overrides,
  };
}

export function makeCustomer(number: string, overrides: Partial<Customer> = {}): Customer {
  return {
    internalId: Number(number) || null,
    number,
    name: `Customer ${number}`,
    status: 'Active',
    currencyId: 'NOK',
    creditTerms: { id: '30D', description: '30 days' },
    mainAddress: null,
    mainContact: { name: 'Kari', email: `${number}@example.test`, phone: '+47 1234' },
    vatZone: null,
    createdDateTime: null,
    lastModifiedDateTime: null,
    version: 'c1',
    ...overrides,
  };
}
