import DataLoader from 'dataloader';
import type { CallOptions, VismaApi } from '../visma/api';
import { VismaNotFoundError } from '../visma/errors';
import type { Customer } from '../visma/model';
import { Semaphore } from './semaphore';

export type CustomerLoader = DataLoader<string, Customer | null>;

/**
 * Customers by number for one request: deduplicated by DataLoader, and at most `concurrency`
 * `GET /v1/customer/{number}` calls in flight, so a page over many customers does not burst
 * Visma's per-company rate limit (CONTRACT §7). A 404 is a null.
 */
export function createCustomerLoader(visma: VismaApi, options: CallOptions, concurrency: number): CustomerLoader {
  const semaphore = new Semaphore(concurrency);
  return new DataLoader<string, Customer | null>((numbers) =>
    Promise.all(numbers.map((number) => semaphore.run(() => getOrNull(visma, number, options)))),
  );
}

async function getOrNull(visma: VismaApi, number: string, options: CallOptions): Promise<Customer | null | Error> {
  try {
    return await visma.getCustomer(number, options);
  } catch (error) {
    if (error instanceof VismaNotFoundError) {
      return null;
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
