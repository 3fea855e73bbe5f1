import {
  CachingVismaApi,
  LocalInvalidationHub,
  type CacheEvent,
  type InvoiceChange,
  type UpstreamCacheOptions,
} from '../../../src/upstream-cache';
import type { CustomerInvoice, InvoiceListQuery } from '../../../src/visma/model';
import { CACHE_OPTIONS, FakeClock, FakeVisma, invoice } from './fakes';

const SCOPE = CACHE_OPTIONS.auth.scope;
const FULL = { applications: true, attachments: true, taxDetails: true, invoiceAddress: true, dunningInformation: true };
const OPEN: InvoiceListQuery = { filter: { status: 'Open' }, pageNumber: 1, pageSize: 50, expand: FULL };
const ALL: InvoiceListQuery = { pageNumber: 1, pageSize: 50, expand: FULL };
const WEBHOOKS = { pollIntervalMs: 60_000, healthyForMs: 120_000 };

function setUp(overrides: Partial<UpstreamCacheOptions> = {}, clock = new FakeClock()) {
  const visma = new FakeVisma();
  const changes: InvoiceChange[] = [];
  const events: CacheEvent[] = [];
  const api = new CachingVismaApi(visma, {
    ...CACHE_OPTIONS,
    timers: clock,
    webhooks: WEBHOOKS,
    onChange: (change) => changes.push(change),
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { clock, visma, api, changes, events };
}

const open = (referenceNumber: string, version: string, extra: Partial<CustomerInvoice> = {}) =>
  invoice(referenceNumber, version, { status: 'Open', customer: { number: '10000', name: 'N' }, ...extra });

describe('webhook hints in the upstream cache', () => {
  it('reads a held invoice again, so the next read is the new version without a Visma call, and reports the change', async () => {
    const { clock, visma, api, changes } = setUp();
    visma.invoices.set('000001', open('000001', 'v1'));
    await api.getInvoice('000001');
    visma.invoices.set('000001', open('000001', 'v2'));
    await api.hint('000001', 'UPDATED');
    expect((await api.getInvoice('000001')).version).toBe('v2');
    expect(visma.count('getInvoice')).toBe(2);
    expect(changes).toEqual([{ scope: SCOPE, referenceNumber: '000001', kind: 'UPDATED', source: 'webhook', observedAt: clock.time }]);
  });

  it('spends no call on an invoice it does not hold, and still reports it', async () => {
    const { visma, api, changes, events } = setUp();
    await api.hint('000009', 'STATUS_CHANGED');
    expect(visma.calls).toHaveLength(0);
    expect(events).toEqual(['hint']);
    expect(changes.map(({ kind, source }) => [kind, source])).toEqual([['STATUS_CHANGED', 'webhook']]);
  });

  it('shares its read with concurrent readers of the invoice', async () => {
    const { visma, api } = setUp();
    await api.getInvoice('000001');
    visma.hold = true;
    const hinted = api.hint('000001', 'UPDATED');
    const reader = api.getInvoice('000001');
    expect(visma.waiting()).toHaveLength(1);
    visma.waiting()[0]!.release();
    await Promise.all([hinted, reader]);
    expect(visma.count('getInvoice')).toBe(2);
  });

  it('updates a list holding the invoice in place when no field the list filters on changed', async () => {
    const { visma, api } = setUp();
    visma.invoices.set('000001', open('000001', 'v1'));
    visma.invoices.set('000002', open('000002', 'v1'));
    await api.listInvoices(OPEN);
    await api.listInvoices(ALL);
    visma.invoices.set('000001', open('000001', 'v2', { invoiceText: 'edited' }));
    await api.hint('000001', 'UPDATED');
    const page = await api.listInvoices(OPEN);
    const all = await api.listInvoices(ALL);
    expect(visma.count('listInvoices')).toBe(2);
    expect(page.invoices.map((each) => each.version)).toEqual(['v2', 'v1']);
    expect(all.invoices[0]!.invoiceText).toBe('edited');
  });

  it('drops the lists a change may move the invoice in or out of', async () => {
    const { visma, api } = setUp();
    visma.invoices.set('000001', open('000001', 'v1'));
    await api.listInvoices(OPEN);
    await api.listInvoices(ALL);
    visma.invoices.set('000001', open('000001', 'v2', { status: 'Closed' }));
    await api.hint('000001', 'STATUS_CHANGED');
    await api.listInvoices(OPEN);
    await api.listInvoices(ALL);
    // The status tab is read again; the unfiltered list only had the row replaced.
    expect(visma.count('listInvoices')).toBe(3);
  });

  it('reports an UPDATED whose read shows no change since creation as CREATED', async () => {
    const { visma, api, changes } = setUp();
    await api.getInvoice('000001');
    visma.invoices.set('000001', open('000001', 'v1', { createdDateTime: 't', lastModifiedDateTime: 't' }));
    await api.hint('000001', 'UPDATED');
    expect(changes[0]!.kind).toBe('CREATED');
  });

  it('tells the other replicas: their copy goes, and their poll slows down too', async () => {
    const clock = new FakeClock();
    const hub = new LocalInvalidationHub();
    const a = setUp({ bus: hub.connect() }, clock);
    const b = setUp({ bus: hub.connect() }, clock);
    await b.api.getInvoice('000001');
    await b.api.listInvoices(ALL);
    expect(b.api.webhooksHealthy()).toBe(false);
    await a.api.hint('000001', 'UPDATED');
    expect(b.api.webhooksHealthy()).toBe(true);
    await b.api.getInvoice('000001');
    expect(b.visma.count('getInvoice')).toBe(2);
    expect(b.changes).toEqual([]);
  });

  describe('the change poll while webhooks are healthy', () => {
    it('polls at the slower interval while deliveries arrive, and keeps serving between its polls', async () => {
      const { clock, visma, api, events } = setUp();
      await api.getInvoice('000001');
      await clock.advance(5_000);
      expect(visma.polls()).toHaveLength(1);
      for (let second = 0; second < 120; second += 10) {
        api.webhookDelivered();
        await clock.advance(10_000);
      }
      // 120 s at one poll a minute instead of 24 at one per 5 s.
      expect(visma.polls().length).toBeLessThanOrEqual(3);
      expect(events).toContain('poll_deferred');
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(1);
    });

    it('goes back to the normal interval, and the normal bound, once deliveries stop', async () => {
      const { clock, visma, api } = setUp();
      await api.getInvoice('000001');
      api.webhookDelivered();
      await clock.advance(60_000);
      const slow = visma.polls().length;
      await clock.advance(120_000);
      expect(api.webhooksHealthy()).toBe(false);
      const before = visma.polls().length;
      await clock.advance(30_000);
      expect(visma.polls().length - before).toBeGreaterThanOrEqual(5);
      expect(slow).toBeLessThanOrEqual(2);
    });

    it('serves nothing past the normal bound when webhooks are not configured, deliveries or not', async () => {
      const { clock, visma, api } = setUp({ webhooks: undefined });
      await api.getInvoice('000001');
      api.webhookDelivered();
      expect(api.webhooksHealthy()).toBe(false);
      await clock.advance(30_000);
      expect(visma.polls().length).toBeGreaterThanOrEqual(5);
    });
  });
});
