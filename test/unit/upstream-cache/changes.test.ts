import { CachingVismaApi, LocalInvalidationHub, type InvoiceChange, type UpstreamCacheOptions } from '../../../src/upstream-cache';
import { VismaUnavailableError } from '../../../src/visma/errors';
import type { Created } from '../../../src/visma/api';
import { CACHE_OPTIONS, FakeClock, FakeVisma, invoice } from './fakes';

const SCOPE = CACHE_OPTIONS.auth.scope;

function setUp(overrides: Partial<UpstreamCacheOptions> = {}, clock = new FakeClock()) {
  const visma = new FakeVisma();
  const changes: InvoiceChange[] = [];
  const warnings: string[] = [];
  const api = new CachingVismaApi(visma, {
    ...CACHE_OPTIONS,
    timers: clock,
    onChange: (change) => changes.push(change),
    warn: (_fields, message) => warnings.push(message),
    ...overrides,
  });
  return { clock, visma, api, changes, warnings };
}

const brief = (changes: InvoiceChange[]) => changes.map(({ referenceNumber, kind, source }) => ({ referenceNumber, kind, source }));

describe('the changes the upstream cache reports', () => {
  describe('its own writes', () => {
    it('reports a create as CREATED, an update as UPDATED and a release as STATUS_CHANGED, with the scope and the time', async () => {
      const { clock, api, changes } = setUp();
      await api.createInvoice({ customerNumber: '1' } as never);
      await api.updateInvoice('000001', { lineChanges: [] });
      await api.releaseInvoice('000001');
      expect(changes).toEqual([
        { scope: SCOPE, referenceNumber: '009999', kind: 'CREATED', source: 'write', observedAt: clock.time },
        { scope: SCOPE, referenceNumber: '000001', kind: 'UPDATED', source: 'write', observedAt: clock.time },
        { scope: SCOPE, referenceNumber: '000001', kind: 'STATUS_CHANGED', source: 'write', observedAt: clock.time },
      ]);
    });

    it('reports nothing for a write that failed, nor for a create whose number Visma did not give', async () => {
      const { visma, api, changes } = setUp();
      jest.spyOn(visma, 'updateInvoice').mockRejectedValueOnce(new VismaUnavailableError('lost', { outcome: 'unknown' }));
      await expect(api.updateInvoice('000001', { lineChanges: [] })).rejects.toThrow('lost');
      jest.spyOn(visma, 'createInvoice').mockResolvedValueOnce({ referenceNumber: undefined } as unknown as Created);
      await api.createInvoice({ customerNumber: '1' } as never);
      expect(changes).toEqual([]);
    });

    it('reports once the other replicas have been told, so a subscriber reading anywhere sees the write', async () => {
      const order: string[] = [];
      const { api } = setUp({
        bus: { publish: async () => void order.push('published'), subscribe: () => undefined },
        onChange: () => order.push('reported'),
      });
      await api.updateInvoice('000001', { lineChanges: [] });
      expect(order).toEqual(['published', 'reported']);
    });

    it('still answers the write when the sink throws, with a warning', async () => {
      const { api, warnings } = setUp({
        onChange: () => {
          throw new Error('sink broke');
        },
      });
      await expect(api.updateInvoice('000001', { lineChanges: [] })).resolves.toEqual({ version: 'v1+' });
      expect(warnings).toEqual(['upstream cache: the change sink failed']);
    });
  });

  describe('the change poll', () => {
    it('reports each invoice it finds changed as UPDATED, once per version', async () => {
      const { clock, visma, api, changes } = setUp();
      await api.getInvoice('000001');
      visma.changes = { invoices: [invoice('000001', 'v2'), invoice('000002', 'v7')], totalCount: 2, maxPageSize: 1000 };
      await clock.advance(5_000);
      expect(brief(changes)).toEqual([
        { referenceNumber: '000001', kind: 'UPDATED', source: 'poll' },
        { referenceNumber: '000002', kind: 'UPDATED', source: 'poll' },
      ]);
      // The next poll's margin reports the same versions again: they are not new changes.
      await clock.advance(5_000);
      expect(changes).toHaveLength(2);
      visma.changes = { invoices: [invoice('000001', 'v3')], totalCount: 1, maxPageSize: 1000 };
      await clock.advance(5_000);
      expect(brief(changes.slice(2))).toEqual([{ referenceNumber: '000001', kind: 'UPDATED', source: 'poll' }]);
    });

    it('reports nothing when the changes overflowed one page: it cannot tell which changed', async () => {
      const { clock, visma, api, changes } = setUp({ pollPageSize: 2 });
      await api.getInvoice('000001');
      visma.changes = { invoices: [invoice('000001', 'v2'), invoice('000002', 'v2')], totalCount: 40, maxPageSize: 1000 };
      await clock.advance(5_000);
      expect(changes).toEqual([]);
    });

    it('leaves what another replica’s poll found to that replica, which reports it', async () => {
      const clock = new FakeClock();
      const hub = new LocalInvalidationHub(clock.now);
      const a = setUp({ bus: hub.connect() }, clock);
      const b = setUp({ bus: hub.connect() }, clock);
      await a.api.getInvoice('000001');
      await b.api.getInvoice('000001');
      a.visma.changes = { invoices: [invoice('000001', 'v2')], totalCount: 1, maxPageSize: 1000 };
      await clock.advance(5_000);
      expect(a.visma.polls()).toHaveLength(1);
      expect(brief(a.changes)).toEqual([{ referenceNumber: '000001', kind: 'UPDATED', source: 'poll' }]);
      expect(b.changes).toEqual([]);
    });

    it('reports nothing of another replica’s write: the writer reports it', async () => {
      const hub = new LocalInvalidationHub();
      const a = setUp({ bus: hub.connect() });
      const b = setUp({ bus: hub.connect() });
      await b.api.getInvoice('000001');
      await a.api.updateInvoice('000001', { lineChanges: [] });
      expect(a.changes).toHaveLength(1);
      expect(b.changes).toEqual([]);
    });
  });
});
