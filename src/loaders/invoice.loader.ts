import DataLoader from 'dataloader';
import type { CallOptions, VismaApi } from '../visma/api';
import { VismaNotFoundError } from '../visma/errors';
import type { CustomerInvoice } from '../visma/model';

export type InvoiceLoader = DataLoader<string, CustomerInvoice | null>;

/**
 * Invoices by reference number for one request. Visma has no batch GET, so a batch becomes
 * parallel single GETs; a 404 is a null (the invoice does not exist), any other failure fails
 * only its own key. Results come back in key order, as DataLoader requires.
 */
export function createInvoiceLoader(visma: VismaApi, options: CallOptions): InvoiceLoader {
  return new DataLoader<string, CustomerInvoice | null>((referenceNumbers) =>
    Promise.all(referenceNumbers.map((referenceNumber) => getOrNull(visma, referenceNumber, options))),
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
