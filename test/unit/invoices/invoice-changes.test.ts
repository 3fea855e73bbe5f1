import {
  InvoiceChangeHub,
  InvoicesService,
  SlowConsumerError,
  SubscriptionLimitExceededError,
  type InvoiceChangeEvent,
  type InvoiceChangeHint,
} from '../../../src/invoices';
import { FakeVismaApi, makeInvoice } from '../graphql/support/fake-visma-api';
import { depsFor } from './support';

const SCOPE = 'cc:tenant';

function setup(limits: { subscriptions?: number; queued?: number } = {}): { visma: FakeVismaApi; hub: InvoiceChangeHub } {
  const visma = new FakeVismaApi();
  visma.invoices = [
    makeInvoice({ referenceNumber: '1', customer: { number: 'C1', name: 'One' }, status: 'Balanced', version: 'v1' }),
    makeInvoice({ referenceNumber: '2', customer: { number: 'C2', name: 'Two' }, status: 'Balanced', version: 'v1' }),
  ];
  const deps = depsFor(visma);
  const hub = new InvoiceChangeHub({
    service: (call) => new InvoicesService(deps, call),
    scopeOf: () => SCOPE,
    maxSubscriptions: limits.subscriptions ?? 10,
    maxQueuedEvents: limits.queued ?? 50,
    deadlineMs: 5_000,
    now: Date.now,
  });
  deps.changes = hub;
  return { visma, hub };
}

function hint(referenceNumber: string, overrides: Partial<InvoiceChangeHint> = {}): InvoiceChangeHint {
  return { scope: SCOPE, referenceNumber, kind: 'UPDATED', observedAt: Date.now(), remote: false, ...overrides };
}

function change(visma: FakeVismaApi, referenceNumber: string, fields: { version: string; status?: string }): void {
  const index = visma.invoices.findIndex((invoice) => invoice.referenceNumber === referenceNumber);
  visma.invoices[index] = { ...visma.invoices[index]!, ...fields };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
const reads = (visma: FakeVismaApi): string[] =>
  visma.calls.filter((call) => call.method === 'getInvoice').map((call) => (call as { referenceNumber: string }).referenceNumber);

/** What the iterator has ready now, without waiting for more. */
async function drain(iterator: AsyncIterableIterator<InvoiceChangeEvent>): Promise<InvoiceChangeEvent[]> {
  const taken: InvoiceChangeEvent[] = [];
  for (;;) {
    const next = await Promise.race([iterator.next(), settle().then(() => undefined)]);
    if (next === undefined || next.done === true) return taken;
    taken.push(next.value);
  }
}

describe('InvoiceChangeHub', () => {
  it('reads a changed invoice once for every subscriber it may concern, and never for one whose invoice filter excludes it', async () => {
    const { visma, hub } = setup();
    const one = hub.subscribe({ referenceNumber: '1' }, {});
    const byCustomer = hub.subscribe({ customerNumber: 'C1' }, {});
    const other = hub.subscribe({ referenceNumber: '2' }, {});
    await settle();
    visma.calls.length = 0;
    change(visma, '1', { version: 'v2' });
    hub.accept(hint('1'));
    await settle();
    expect(reads(visma)).toEqual(['1']);
    expect((await drain(one)).map((event) => event.invoice.version)).toEqual(['v2']);
    expect((await drain(byCustomer)).map((event) => event.referenceNumber)).toEqual(['1']);
    expect(await drain(other)).toEqual([]);
  });

  it('gives each state once however often it is hinted (a write, its webhook, a poll), and a new state again', async () => {
    const { visma, hub } = setup();
    const subscriber = hub.subscribe({ customerNumber: 'C1' }, {});
    change(visma, '1', { version: 'v2' });
    hub.accept(hint('1', { kind: 'UPDATED' }));
    await settle();
    hub.accept(hint('1', { kind: 'STATUS_CHANGED' }));
    await settle();
    hub.accept(hint('1'));
    await settle();
    change(visma, '1', { version: 'v3' });
    hub.accept(hint('1'));
    await settle();
    expect((await drain(subscriber)).map((event) => [event.kind, event.invoice.version])).toEqual([
      ['UPDATED', 'v2'],
      ['UPDATED', 'v3'],
    ]);
  });

  it('starts a subscriber to one invoice from the invoice as it is, so a late report of an older change is not given', async () => {
    const { hub } = setup();
    const subscriber = hub.subscribe({ referenceNumber: '1' }, {});
    await settle();
    hub.accept(hint('1'));
    await settle();
    expect(await drain(subscriber)).toEqual([]);
  });

  it('makes a burst of hints for one invoice cost at most two reads, and reads another replica’s change from Visma itself', async () => {
    const { visma, hub } = setup();
    hub.subscribe({ customerNumber: 'C1' }, {});
    for (let i = 0; i < 10; i += 1) hub.accept(hint('1', { remote: i === 9 }));
    await settle();
    const got = visma.calls.filter((call) => call.method === 'getInvoice');
    expect(got).toHaveLength(2);
    expect(got[1]?.options?.fresh).toBe(true);
  });

  it('filters on status and customer with the invoice as it is after the change', async () => {
    const { visma, hub } = setup();
    const open = hub.subscribe({ status: 'Open' }, {});
    const otherCustomer = hub.subscribe({ customerNumber: 'C2' }, {});
    change(visma, '1', { version: 'v2', status: 'Balanced' });
    hub.accept(hint('1'));
    await settle();
    change(visma, '1', { version: 'v3', status: 'Open' });
    hub.accept(hint('1', { kind: 'STATUS_CHANGED' }));
    await settle();
    expect((await drain(open)).map((event) => [event.kind, event.invoice.status])).toEqual([['STATUS_CHANGED', 'Open']]);
    expect(await drain(otherCustomer)).toEqual([]);
  });

  it('refuses a subscriber past maxSubscriptions, and takes one again once another has gone', async () => {
    const { hub } = setup({ subscriptions: 2 });
    const first = hub.subscribe({}, {});
    hub.subscribe({}, {});
    expect(() => hub.subscribe({}, {})).toThrow(SubscriptionLimitExceededError);
    await first.return?.();
    expect(hub.size).toBe(1);
    expect(() => hub.subscribe({}, {})).not.toThrow();
  });

  it('ends a subscriber that lets more than maxQueuedEvents wait with a SlowConsumerError, tells its transport once, and keeps nothing of it', async () => {
    const { visma, hub } = setup({ queued: 3 });
    let told = 0;
    const slow = hub.subscribe({ customerNumber: 'C1' }, {}, { onSlowConsumer: () => (told += 1) });
    for (let version = 2; version <= 6; version += 1) {
      change(visma, '1', { version: `v${version}` });
      hub.accept(hint('1'));
      await settle();
    }
    expect(told).toBe(1);
    expect(hub.size).toBe(0);
    await expect(slow.next()).rejects.toBeInstanceOf(SlowConsumerError);
    expect(await slow.next()).toEqual({ done: true, value: undefined });
  });

  it('gives each event a service of its own holding the invoice, and ends every stream when it closes', async () => {
    const { visma, hub } = setup();
    const subscriber = hub.subscribe({ customerNumber: 'C1' }, { requestId: 'sub-1' });
    change(visma, '1', { version: 'v2' });
    hub.accept(hint('1'));
    await settle();
    const [event] = await drain(subscriber);
    visma.calls.length = 0;
    expect((await event!.invoices.getInvoice('1'))?.version).toBe('v2');
    expect(visma.calls).toEqual([]);
    hub.close();
    expect(await subscriber.next()).toEqual({ done: true, value: undefined });
  });
});
