import DataLoader from 'dataloader';
import type { CallOptions, VismaApi } from '../visma/api';
import { VismaNotFoundError } from '../visma/errors';
import type { CustomerInvoice } from '../visma/model';
import { Semaphore } from './semaphore';

export type InvoiceLoader = DataLoader<string, CustomerInvoice | null>;

/**
 * Invoices by reference number for one request. Visma has no batch GET, so a batch becomes
 * parallel single GETs; a 404 is a null (the invoice does not exist), any other failure fails
 * only its own key. Results come back in key order, as DataLoader requires. At most
 * `concurrency` GETs are in flight, so a router's `_entities` call with many representations
 * does not burst Visma's per-company rate limit (CONTRACT §7).
 */
export function createInvoiceLoader(visma: VismaApi, options: CallOptions, concurrency: number): InvoiceLoader {
  const semaphore = new Semaphore(concurrency);
  return new DataLoader<string, CustomerInvoice | null>((referenceNumbers) =>
    Promise.all(referenceNumbers.map((referenceNumber) => semaphore.run(() => getOrNull(visma, referenceNumber, options)))),
  );
}

async function getOrNull(visma: VismaApi, referenceNumber: string, options: CallOptions): Promise<CustomerInvoice | null | Error> {
  try {
    return await visma.getInvoice(referenceNumber, options);
  } catch (error) {
    if (error instanceof VismaNotFoundError) {
      return null;
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
