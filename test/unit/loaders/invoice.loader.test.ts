import { createInvoiceLoader } from '../../../src/loaders/invoice.loader';
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
    const loader = createInvoiceLoader(fake, OPTIONS);
    await Promise.all([loader.load('3'), loader.load('1'), loader.load('3')]);
    expect(fake.calls).toEqual([
      { method: 'getInvoice', referenceNumber: '3', options: OPTIONS },
      { method: 'getInvoice', referenceNumber: '1', options: OPTIONS },
    ]);
  });

  it('returns results in key order', async () => {
    const loader = createInvoiceLoader(visma(), OPTIONS);
    const invoices = await loader.loadMany(['2', '3', '1']);
    expect(invoices.map((invoice) => (invoice as { referenceNumber: string }).referenceNumber)).toEqual(['2', '3', '1']);
  });

  it('gives null for an invoice Visma does not have', async () => {
    await expect(createInvoiceLoader(visma(), OPTIONS).load('404')).resolves.toBeNull();
  });

  it('fails only the key whose call failed', async () => {
    const fake = visma();
    fake.failNext.set('getInvoice', new VismaUnavailableError('503'));
    const loader = createInvoiceLoader(fake, OPTIONS);
    const [first, second] = await loader.loadMany(['1', '2']);
    expect(first).toBeInstanceOf(VismaUnavailableError);
    expect(second).toMatchObject({ referenceNumber: '2' });
  });

  it('serves a primed invoice without a call', async () => {
    const fake = visma();
    const loader = createInvoiceLoader(fake, OPTIONS);
    loader.prime('9', makeInvoice({ referenceNumber: '9' }));
    await expect(loader.load('9')).resolves.toMatchObject({ referenceNumber: '9' });
    expect(fake.calls).toEqual([]);
  });
});
