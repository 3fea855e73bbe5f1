import { createInvoiceLoader } from '../../../src/invoices/invoice-loader';
import { VismaUnavailableError } from '../../../src/visma/errors';
import { FakeVismaApi, makeInvoice } from '../graphql/support/fake-visma-api';

const OPTIONS = { requestId: 'req-7', deadline: 1_000 };

describe('createInvoiceLoader', () => {
  function visma(): FakeVismaApi {
    const fake = new FakeVismaApi();
    fake.invoices = ['1', '2', '3'].map((referenceNumber) => makeInvoice({ referenceNumber }));
    return fake;
  }

  it('turns one batch into one GET per distinct number, with the request call options', async () => {
    const fake = visma();
    const loader = createInvoiceLoader(fake, OPTIONS, 4);
    await Promise.all([loader.load('3'), loader.load('1'), loader.load('3')]);
    expect(fake.calls).toEqual([
      { method: 'getInvoice', referenceNumber: '3', options: OPTIONS },
      { method: 'getInvoice', referenceNumber: '1', options: OPTIONS },
    ]);
  });

  it('returns results in key order', async () => {
    const loader = createInvoiceLoader(visma(), OPTIONS, 4);
    const invoices = await loader.loadMany(['2', '3', '1']);
    expect(invoices.map((invoice) => (invoice as { referenceNumber: string }).referenceNumber)).toEqual(['2', '3', '1']);
  });

  it('gives null for an invoice Visma does not have', async () => {
    await expect(createInvoiceLoader(visma(), OPTIONS, 4).load('404')).resolves.toBeNull();
  });

  it('fails only the key whose call failed', async () => {
    const fake = visma();
    fake.failNext.set('getInvoice', new VismaUnavailableError('503'));
    const loader = createInvoiceLoader(fake, OPTIONS, 4);
    const [first, second] = await loader.loadMany(['1', '2']);
    expect(first).toBeInstanceOf(VismaUnavailableError);
    expect(second).toMatchObject({ referenceNumber: '2' });
  });

  it('keeps at most the configured number of GETs in flight', async () => {
    const numbers = ['1', '2', '3', '4', '5', '6', '7'];
    let inFlight = 0;
    let maxInFlight = 0;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fake = new FakeVismaApi();
    fake.invoices = numbers.map((referenceNumber) => makeInvoice({ referenceNumber }));
    const getInvoice = fake.getInvoice.bind(fake);
    fake.getInvoice = async (referenceNumber, options) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await gate;
        return await getInvoice(referenceNumber, options);
      } finally {
        inFlight -= 1;
      }
    };
    const all = createInvoiceLoader(fake, OPTIONS, 3).loadMany(numbers);
    // Let the batch start and every allowed call reach the gate.
    await new Promise((resolve) => setImmediate(resolve));
    expect(inFlight).toBe(3);
    release();
    await all;
    expect(maxInFlight).toBe(3);
    expect(fake.countOf('getInvoice')).toBe(7);
  });

  it('serves a primed invoice without a call', async () => {
    const fake = visma();
    const loader = createInvoiceLoader(fake, OPTIONS, 4);
    loader.prime('9', makeInvoice({ referenceNumber: '9' }));
    await expect(loader.load('9')).resolves.toMatchObject({ referenceNumber: '9' });
    expect(fake.calls).toEqual([]);
  });
});
