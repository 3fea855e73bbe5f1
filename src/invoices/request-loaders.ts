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
 * Visma data for the request's lifetime only, so no request sees another's data.
 */
export function createRequestLoaders(visma: VismaApi, options: CallOptions, settings: LoaderSettings): RequestLoaders {
  return {
    invoice: createInvoiceLoader(visma, options, settings.invoiceConcurrency),
    customer: createCustomerLoader(visma, options, settings.customerConcurrency),
    invoiceLists: new Semaphore(settings.invoiceConcurrency),
  };
}
