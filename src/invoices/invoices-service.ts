import { createOnce, type IdempotentCreator } from '../idempotency';
import type { CallOptions, VismaApi } from '../visma/api';
import { VismaNotFoundError, isVismaError } from '../visma/errors';
import type { ActionResult, Customer, CustomerInvoice, InvoiceDraft, InvoiceLineChange } from '../visma/model';
import { InvoiceNotFoundError, ReadBackError, WritePlannedError, type Write } from './errors';
import { fetchInvoiceWindow, type InvoiceWindow, type WindowRequest } from './invoice-window';
import type { InvoiceChangeEvent, InvoiceChangeFilter, InvoiceChangeHub, SubscribeHooks } from './invoice-changes';
import { RequestBudget, budgetedUpstream } from './request-budget';
import { createRequestLoaders, type RequestLoaders } from './request-loaders';
import type { UpstreamPageSize } from './upstream-page-size';
import { planCreate, planLineChanges, planRelease } from './write-plan';
import { checkIdempotencyKey, requireVersionForInsert } from './write-rules';

/** Whether the service's writes go to Visma, or stop after their rules with the calls they would make (a dry run). */
export type WriteMode = 'send' | 'plan';

export interface InvoicesSettings {
  /** GETs of single invoices in flight per request (INVOICE_LOOKUP_CONCURRENCY); per-parent lists share the bound. */
  invoiceLookupConcurrency: number;
  /** GETs of customers in flight per request (CUSTOMER_LOOKUP_CONCURRENCY). */
  customerLookupConcurrency: number;
  /** Upstream calls one request may make, cache hits included (MAX_UPSTREAM_CALLS_PER_OPERATION). */
  maxUpstreamCalls: number;
  /** Invoices one request may read (MAX_INVOICES_PER_OPERATION). */
  maxInvoices: number;
  /** Lines of the invoices one request may read (MAX_INVOICE_LINES_PER_OPERATION). */
  maxInvoiceLines: number;
}

/** What every request's service shares: made once per server. */
export interface InvoicesDeps {
  /** Visma, in production through the upstream cache. */
  upstream: VismaApi;
  idempotency: IdempotentCreator;
  /** What Visma's page-size cap was last seen to be: learned by one request, used by the next. */
  pageSize: UpstreamPageSize;
  settings: InvoicesSettings;
  /** Live changes for subscriptions (docs/subscriptions.md); absent where nothing serves them. */
  changes?: InvoiceChangeHub;
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
 *
 * Every upstream call draws from the request's budget (`RequestBudget`): one over
 * `maxUpstreamCalls` is not sent and fails only what asked for it; every read takes its invoices
 * from `maxInvoices` before it is made. A write's read-back is counted but never refused.
 */
export class InvoicesService {
  private readonly loaders: RequestLoaders;
  private readonly budget: RequestBudget;
  /** The upstream through the budget: every call of the request but the read-backs goes through it. */
  private readonly upstream: VismaApi;

  constructor(
    private readonly deps: InvoicesDeps,
    private readonly call: CallOptions,
    /** 'plan': every write checks its rules, then throws `WritePlannedError` instead of calling Visma. Reads are unchanged. */
    private readonly writes: WriteMode = 'send',
  ) {
    this.budget = new RequestBudget({
      maxUpstreamCalls: deps.settings.maxUpstreamCalls,
      maxInvoices: deps.settings.maxInvoices,
      maxInvoiceLines: deps.settings.maxInvoiceLines,
    });
    this.upstream = budgetedUpstream(deps.upstream, this.budget);
    this.loaders = createRequestLoaders(this.upstream, call, {
      invoiceConcurrency: deps.settings.invoiceLookupConcurrency,
      customerConcurrency: deps.settings.customerLookupConcurrency,
    });
  }

  /**
   * The same request's service for a dry run: reads as this one does; every write checks its rules
   * and stops with the calls it would make (`WritePlannedError`), sending nothing.
   */
  planning(): InvoicesService {
    return new InvoicesService(this.deps, this.call, 'plan');
  }

  /** What the request has spent so far: upstream calls (cache hits included) and invoices read. */
  spent(): { upstreamCalls: number; invoices: number } {
    return { upstreamCalls: this.budget.upstreamCalls, invoices: this.budget.invoicesRead };
  }

  /** The invoice, or null when Visma has no such invoice. */
  async getInvoice(referenceNumber: string): Promise<CustomerInvoice | null> {
    this.budget.reserveInvoices(1);
    let invoice: CustomerInvoice | null = null;
    try {
      invoice = await this.loaders.invoice.load(referenceNumber);
      return invoice;
    } finally {
      if (invoice === null) this.budget.returnInvoices(1);
    }
  }

  /** The customer, or null when Visma has no such customer. */
  getCustomer(number: string): Promise<Customer | null> {
    return this.loaders.customer.load(number);
  }

  /** A window of the invoices matching a filter (Visma's paging rules: `invoice-window.ts`). */
  async listInvoices(request: InvoiceListRequest): Promise<InvoiceWindow> {
    const { filter, offset, count } = request;
    // Taken before the pages are read, so a window over the limit costs no call; what a short page did not fill is given back.
    this.budget.reserveInvoices(count);
    const fetch = (): Promise<InvoiceWindow> => fetchInvoiceWindow(this.upstream, { filter, offset, count }, this.deps.pageSize, this.call);
    let window: InvoiceWindow;
    try {
      window = request.perParent === true ? await this.loaders.invoiceLists.run(fetch) : await fetch();
    } catch (error) {
      this.budget.returnInvoices(count);
      throw error;
    }
    // Every row the window holds is answered, an unreadable one as an error in its place.
    this.budget.returnInvoices(count - window.rows.length);
    for (const invoice of window.invoices) {
      this.prime(invoice);
    }
    return window;
  }

  /**
   * Creates the invoice and returns it as Visma stored it. With an idempotency key the create is
   * safe to retry (`IdempotentCreator`); without one it is sent once and never repeated, and one
   * that may have been applied without a success coming back fails as `outcome_unknown` (`createOnce`).
   */
  async createInvoice(input: InvoiceDraft, idempotencyKey?: string): Promise<CustomerInvoice> {
    if (idempotencyKey !== undefined) {
      checkIdempotencyKey(idempotencyKey, input);
    }
    if (this.writes === 'plan') {
      const looksUpFirst = this.deps.idempotency.looksUpBeforeFirstCreate;
      throw new WritePlannedError(planCreate(input, idempotencyKey === undefined ? undefined : { key: idempotencyKey, looksUpFirst }));
    }
    const created =
      idempotencyKey === undefined
        ? await createOnce(this.upstream, input, this.call)
        : await this.deps.idempotency.create(this.upstream, idempotencyKey, input, this.call);
    return this.readBack(created.referenceNumber, 'created');
  }

  /** Applies the line changes in order (with If-Match when a version is expected) and returns the invoice. */
  async updateInvoiceLines(referenceNumber: string, lineChanges: InvoiceLineChange[], expectedVersion?: string): Promise<CustomerInvoice> {
    requireVersionForInsert(lineChanges, expectedVersion);
    if (this.writes === 'plan') throw new WritePlannedError(planLineChanges(referenceNumber, lineChanges, expectedVersion));
    await this.existing(referenceNumber, () =>
      this.upstream.updateInvoice(referenceNumber, { lineChanges }, { ...this.call, ifMatch: expectedVersion }),
    );
    return this.readBack(referenceNumber, 'updated');
  }

  /** Releases the invoice (with If-Match when a version is expected) and returns Visma's answer with the invoice. */
  async releaseInvoice(referenceNumber: string, expectedVersion?: string): Promise<ReleasedInvoice> {
    if (this.writes === 'plan') throw new WritePlannedError(planRelease(referenceNumber, expectedVersion));
    const action = await this.existing(referenceNumber, () =>
      this.upstream.releaseInvoice(referenceNumber, { ...this.call, ifMatch: expectedVersion }),
    );
    return { action, invoice: await this.readBack(referenceNumber, 'released') };
  }

  /**
   * Reads the invoice from Visma after a write, never from this request's loader (which may hold
   * it as it was before), and puts the new state there for the rest of the request. A Visma
   * failure becomes a `ReadBackError`: the write itself succeeded. It is counted in the budget
   * but never refused by it: refusing would hide that the write happened.
   */
  async readBack(referenceNumber: string, write: Write): Promise<CustomerInvoice> {
    let invoice: CustomerInvoice;
    this.budget.recordCall();
    this.budget.recordInvoices(1);
    try {
      invoice = await this.deps.upstream.getInvoice(referenceNumber, this.call);
      this.budget.recordLines(invoice.lines.length);
    } catch (error) {
      if (isVismaError(error)) {
        throw new ReadBackError(referenceNumber, write, error);
      }
      throw error;
    }
    this.loaders.invoice.clear(referenceNumber).prime(referenceNumber, invoice);
    return invoice;
  }

  /**
   * The changes of the invoices matching `filter` as they happen, each with the invoice as it now
   * is (InvoiceChangeHub), for as long as the caller reads them. Throws the hub's
   * SubscriptionLimitExceededError when this replica holds as many subscriptions as it may.
   */
  watchChanges(filter: InvoiceChangeFilter, hooks: SubscribeHooks = {}): AsyncIterableIterator<InvoiceChangeEvent> {
    if (this.deps.changes === undefined) throw new Error('This server was built without a change hub.');
    return this.deps.changes.subscribe(filter, this.call, hooks);
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
