import { createCustomerLoader } from '../../../src/invoices/customer-loader';
import { VismaRateLimitedError } from '../../../src/visma/errors';
import { FakeVismaApi, makeCustomer } from '../graphql/support/fake-visma-api';

const OPTIONS = { requestId: 'req-8' };

function visma(numbers: string[]): FakeVismaApi {
  const fake = new FakeVismaApi();
  for (const number of numbers) {
    fake.customers.set(number, makeCustomer(number));
  }
  return fake;
}

function gate(fake: FakeVismaApi): () => void {
  let release = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    release = resolve;
  });
  fake.customerGate = { wait, release };
  return release;
}

describe('createCustomerLoader', () => {
  it('deduplicates numbers within a request', async () => {
    const fake = visma(['10000', '10001']);
    const loader = createCustomerLoader(fake, OPTIONS, 4);
    await Promise.all(['10000', '10001', '10000', '10001', '10000'].map((number) => loader.load(number)));
    expect(fake.calls.map((call) => call.method === 'getCustomer' && call.number)).toEqual(['10000', '10001']);
  });

  it('returns results in key order', async () => {
    const loader = createCustomerLoader(visma(['1', '2', '3']), OPTIONS, 2);
    const customers = await loader.loadMany(['3', '1', '2']);
    expect(customers.map((customer) => (customer as { number: string }).number)).toEqual(['3', '1', '2']);
  });

  it('gives null for a customer Visma does not have', async () => {
    await expect(createCustomerLoader(visma([]), OPTIONS, 2).load('404')).resolves.toBeNull();
  });

  it('passes other failures to the key that failed', async () => {
    const fake = visma(['1']);
    fake.failNext.set('getCustomer', new VismaRateLimitedError('429', 5));
    await expect(createCustomerLoader(fake, OPTIONS, 2).load('1')).rejects.toBeInstanceOf(VismaRateLimitedError);
  });

  it('keeps at most the configured number of calls in flight', async () => {
    const numbers = ['1', '2', '3', '4', '5', '6', '7'];
    const fake = visma(numbers);
    const release = gate(fake);
    const loader = createCustomerLoader(fake, OPTIONS, 3);
    const all = loader.loadMany(numbers);
    // Let the batch start and every allowed call reach the gate.
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.inFlightCustomers).toBe(3);
    release();
    await all;
    expect(fake.maxInFlightCustomers).toBe(3);
    expect(fake.countOf('getCustomer')).toBe(7);
  });
});
