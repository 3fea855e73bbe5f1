import type { CallOptions, VismaApi } from '../visma/api';
import { createCustomerLoader, type CustomerLoader } from './customer-loader';
import { createInvoiceLoader, type InvoiceLoader } from './invoice-loader';
import { Semaphore } from './semaphore';

export interface RequestLoaders {
  invoice: InvoiceLoader;
  customer: CustomerLoader;
  /**
   * Slots for invoice list calls that fan out per parent, such as `Customer.invoices` for every
   * customer a router's `_entities` call names: as many at once as invoice look-ups.
   */
  invoiceLists: Semaphore;
}

export interface LoaderSettings {
  customerConcurrency: number;
  invoiceConcurrency: number;
}

/**
 * The loaders of one request. Made by its invoices service and nowhere else: their caches hold
 * Visma data for the request's lifetime only, so no request sees another's data. Each is made on
 * its first use: a request that reads one invoice has no use for the customer loader or the list
 * slots, and every request would pay for them (bench/README.md, "Levers").
 */
export function createRequestLoaders(visma: VismaApi, options: CallOptions, settings: LoaderSettings): RequestLoaders {
  return new LazyLoaders(visma, options, settings);
}

// A class rather than an object literal with getters: V8 builds a literal's accessors at run time for every object.
class LazyLoaders implements RequestLoaders {
  private invoiceLoader: InvoiceLoader | undefined;
  private customerLoader: CustomerLoader | undefined;
  private listSlots: Semaphore | undefined;

  constructor(
    private readonly visma: VismaApi,
    private readonly options: CallOptions,
    private readonly settings: LoaderSettings,
  ) {}

  get invoice(): InvoiceLoader {
    return (this.invoiceLoader ??= createInvoiceLoader(this.visma, this.options, this.settings.invoiceConcurrency));
  }

  get customer(): CustomerLoader {
    return (this.customerLoader ??= createCustomerLoader(this.visma, this.options, this.settings.customerConcurrency));
  }

  get invoiceLists(): Semaphore {
    return (this.listSlots ??= new Semaphore(this.settings.invoiceConcurrency));
  }
}
