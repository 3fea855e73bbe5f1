import { CachingVismaApi, type CacheEvent } from '../../../src/upstream-cache';
import type { InvoicePage, UnreadableInvoice } from '../../../src/visma/model';
import { FakeClock, FakeVisma, invoice } from './fakes';

const FULL = { applications: true, attachments: true, taxDetails: true, invoiceAddress: true, dunningInformation: true };
// Whatever byte bound the cache takes, these tests hold a few small entries.
const ROOMY = { maxBytes: 64 * 1024 * 1024 };

function setUp(pollPageSize = 1000) {
  const clock = new FakeClock();
  const visma = new FakeVisma();
  const events: CacheEvent[] = [];
  const warnings: string[] = [];
  const api = new CachingVismaApi(visma, {
    enabled: true,
    freshnessMs: 10_000,
    maxEntries: 100,
    maxAgeMs: 300_000,
    pollPageSize,
    auth: { mode: 'client_credentials', scope: 'cc:tenant-1' },
    timers: clock,
    onEvent: (event) => events.push(event),
    warn: (_fields, message) => warnings.push(message),
    ...ROOMY,
  });
  return { clock, visma, api, events, warnings };
}

const unreadable = (position: number, referenceNumber: string | null): UnreadableInvoice => ({
  position,
  referenceNumber,
  reason: `Visma sent "10000-01-30T00:00:00" for invoices[${position}].documentDueDate; expected an ISO 8601 date-time.`,
});

describe('the change poll over an invoice the client cannot read', () => {
  it('succeeds, evicts that invoice, keeps the others and goes on polling', async () => {
    const { clock, visma, api, events, warnings } = setUp();
    await api.getInvoice('000001');
    await api.getInvoice('000002');
    visma.changes = { invoices: [invoice('000003', 'v2')], unreadable: [unreadable(0, '000001')], totalCount: 2, maxPageSize: 1000 };

    await clock.advance(5_000);
    await api.getInvoice('000001');
    await api.getInvoice('000002');

    expect(events.filter((event) => event.startsWith('poll'))).toEqual(['poll']);
    expect(warnings).toEqual([]);
    // 000001 read again from Visma (its copy was evicted), 000002 still served from the cache.
    expect(visma.reads().map((call) => call.argument)).toEqual(['000001', '000002', '000001']);
    await clock.advance(5_000);
    expect(visma.polls()).toHaveLength(2);
  });

  it('counts unreadable items in the page, so a page they fill is an overflow', async () => {
    const { clock, visma, api, events } = setUp(2);
    await api.getInvoice('000001');
    visma.changes = { invoices: [invoice('000002', 'v2')], unreadable: [unreadable(1, '000003')], totalCount: null, maxPageSize: 1000 };

    await clock.advance(5_000);

    expect(events).toContain('poll_overflow');
  });

  it('drops the credential’s cache when it cannot even name the unreadable invoice, and polls again once something is cached', async () => {
    const { clock, visma, api, events, warnings } = setUp();
    await api.getInvoice('000001');
    visma.changes = { invoices: [], unreadable: [unreadable(0, null)], totalCount: 1, maxPageSize: 1000 };

    await clock.advance(5_000);
    await api.getInvoice('000001');
    visma.changes = { invoices: [], totalCount: 0, maxPageSize: 1000 };
    await clock.advance(5_000);

    expect(warnings).toEqual([
      'upstream cache: the change poll saw an invoice it cannot read or name; dropping the cache of this credential',
    ]);
    expect(visma.count('getInvoice')).toBe(2);
    expect(events.filter((event) => event.startsWith('poll'))).toEqual(['poll', 'poll']);
  });
});

describe('a list page holding an invoice the client cannot read', () => {
  it('evicts the cached copy of that invoice: Visma no longer holds it readable', async () => {
    const { visma, api } = setUp();
    await api.getInvoice('000001');
    const page: InvoicePage = { invoices: [invoice('000002')], unreadable: [unreadable(0, '000001')], totalCount: 2, maxPageSize: 1000 };
    visma.listInvoices = () => Promise.resolve(page);

    await api.listInvoices({ pageNumber: 1, pageSize: 2, expand: FULL });
    await api.getInvoice('000001');

    expect(visma.count('getInvoice')).toBe(2);
  });
});
