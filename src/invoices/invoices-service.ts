import type { IdempotentCreator } from '../idempotency';
import type { CallOptions, VismaApi } from '../visma/api';
import { VismaNotFoundError, isVismaError } from '../visma/errors';
import type { ActionResult, Customer, CustomerInvoice, InvoiceDraft, InvoiceLineChange } from '../visma/model';
import { InvoiceNotFoundError, ReadBackError, type Write } from './errors';
import { fetchInvoiceWindow, type InvoiceWindow, type WindowRequest } from './invoice-window';
import { createRequestLoaders, type RequestLoaders } from './request-loaders';
import type { UpstreamPageSize } from './upstream-page-size';
import { checkIdempotencyKey, requireVersionForInsert } from './write-rules';

export interface InvoicesSettings {
  /** GETs of single invoices in flight per request (INVOICE_LOOKUP_CONCURRENCY); per-parent lists share the bound. */
  invoiceLookupConcurrency: number;
  /** GETs of customers in flight per request (CUSTOMER_LOOKUP_CONCURRENCY). */
  customerLookupConcurrency: number;
}

/** What every request's service shares: made once per server. */
export interface InvoicesDeps {
  /** Visma, in production through the upstream cache. */
  upstream: VismaApi;
  idempotency: IdempotentCreator;
  /** What Visma's page-size cap was last seen to be: learned by one request, used by the next. */
  pageSize: UpstreamPageSize;
  settings: InvoicesSettings;
}

export interface InvoiceListRequest extends WindowRequest {
  /**
   * One of many lists a request makes, one per parent (`Customer.invoices` for every customer an
   * `_entities` call names): these take turns, as many at once as invoice look-ups.
   */
  perParent?: boolean;
}

export interface ReleasedInvoice {
  /** Visma's answer to the release action. */
  action: ActionResult;
  /** The invoice as it is right after the call. */
  invoice: CustomerInvoice;
}

/**
 * Customer invoices for one request: the only way the GraphQL layer reaches Visma. Every
 * upstream call of the request shares its call options (request id, deadline, abort signal,
 * passthrough token). Reads of single invoices and customers go through the request's loaders,
 * so repeats within the request cost nothing and at most the configured number run at once;
 * listed invoices and the invoices read back after writes prime them.
 *
 * Writes go to Visma, which answers without a body (201 with `Location`, 204, or an action
 * reference; CONTRACT §5), so each reads the invoice back once to return it. Every rule is
 * checked before the first upstream call.
 */
export class InvoicesService {
  private readonly loaders: RequestLoaders;

  constructor(
    private readonly deps: InvoicesDeps,
    private readonly call: CallOptions,
  ) {
    this.loaders = createRequestLoaders(deps.upstream, call, {
      invoiceConcurrency: deps.settings.invoiceLookupConcurrency,
      customerConcurrency: deps.settings.customerLookupConcurrency,
    });
  }

  /** The invoice, or null when Visma has no such invoice. */
  getInvoice(referenceNumber: string): Promise<CustomerInvoice | null> {
    return this.loaders.invoice.load(referenceNumber);
  }

  /** The customer, or null when Visma has no such customer. */
  getCustomer(number: string): Promise<Customer | null> {
    return this.loaders.customer.load(number);
  }

  /** A window of the invoices matching a filter (Visma's paging rules: `invoice-window.ts`). */
  async listInvoices(request: InvoiceListRequest): Promise<InvoiceWindow> {
    const { filter, offset, count } = request;
    const fetch = (): Promise<InvoiceWindow> =>
      fetchInvoiceWindow(this.deps.upstream, { filter, offset, count }, this.deps.pageSize, this.call);
    const window = request.perParent === true ? await this.loaders.invoiceLists.run(fetch) : await fetch();
    for (const invoice of window.invoices) {
      this.prime(invoice);
    }
    return window;
  }

  /**
   * Creates the invoice and returns it as Visma stored it. With an idempotency key the create is
   * safe to retry (`IdempotentCreator`); without one it is sent once and never repeated.
   */
  async createInvoice(input: InvoiceDraft, idempotencyKey?: string): Promise<CustomerInvoice> {
    if (idempotencyKey !== undefined) {
      checkIdempotencyKey(idempotencyKey, input);
    }
    const created =
      idempotencyKey === undefined
        ? await this.deps.upstream.createInvoice(input, this.call)
        : await this.deps.idempotency.create(this.deps.upstream, idempotencyKey, input, this.call);
    return this.readBack(created.referenceNumber, 'created');
  }

  /** Applies the line changes in order (with If-Match when a version is expected) and returns the invoice. */
  async updateInvoiceLines(referenceNumber: string, lineChanges: InvoiceLineChange[], expectedVersion?: string): Promise<CustomerInvoice> {
    requireVersionForInsert(lineChanges, expectedVersion);
    await this.existing(referenceNumber, () =>
      this.deps.upstream.updateInvoice(referenceNumber, { lineChanges }, { ...this.call, ifMatch: expectedVersion }),
    );
    return this.readBack(referenceNumber, 'updated');
  }

  /** Releases the invoice (with If-Match when a version is expected) and returns Visma's answer with the invoice. */
  async releaseInvoice(referenceNumber: string, expectedVersion?: string): Promise<ReleasedInvoice> {
    const action = await this.existing(referenceNumber, () =>
      this.deps.upstream.releaseInvoice(referenceNumber, { ...this.call, ifMatch: expectedVersion }),
    );
    return { action, invoice: await this.readBack(referenceNumber, 'released') };
  }

  /**
   * Reads the invoice from Visma after a write, never from this request's loader (which may hold
   * it as it was before), and puts the new state there for the rest of the request. A Visma
   * failure becomes a `ReadBackError`: the write itself succeeded.
   */
  async readBack(referenceNumber: string, write: Write): Promise<CustomerInvoice> {
    let invoice: CustomerInvoice;
    try {
      invoice = await this.deps.upstream.getInvoice(referenceNumber, this.call);
    } catch (error) {
      if (isVismaError(error)) {
        throw new ReadBackError(referenceNumber, write, error);
      }
      throw error;
    }
    this.loaders.invoice.clear(referenceNumber).prime(referenceNumber, invoice);
    return invoice;
  }

  /** Lets later reads of this invoice in the request use it; one already loaded is kept. */
  prime(invoice: CustomerInvoice): void {
    this.loaders.invoice.prime(invoice.referenceNumber, invoice);
  }

  /** A write's 404 means the invoice does not exist. */
  private async existing<T>(referenceNumber: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof VismaNotFoundError) {
        throw new InvoiceNotFoundError(referenceNumber, { cause: error });
      }
      throw error;
    }
  }
}
