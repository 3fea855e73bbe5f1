import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import {
  CachingVismaApi,
  LocalInvalidationHub,
  type CacheEvent,
  type CacheStore,
  type UpstreamCacheOptions,
} from '../../../src/upstream-cache';
import { VismaResponseTooLargeError, VismaTimeoutError, VismaUnavailableError } from '../../../src/visma/errors';
import type { InvoiceListQuery } from '../../../src/visma/model';
import { CACHE_OPTIONS, FakeClock, FakeVisma, invoice, settle } from './fakes';

const FULL = { applications: true, attachments: true, taxDetails: true, invoiceAddress: true, dunningInformation: true };
const LIST: InvoiceListQuery = { filter: { status: 'Open' }, pageNumber: 1, pageSize: 50, expand: FULL };

function setUp(overrides: Partial<UpstreamCacheOptions> = {}, clock = new FakeClock()) {
  const visma = new FakeVisma();
  const events: CacheEvent[] = [];
  const warnings: string[] = [];
  const api = new CachingVismaApi(visma, {
    ...CACHE_OPTIONS,
    timers: clock,
    onEvent: (event) => events.push(event),
    warn: (_fields, message) => warnings.push(message),
    ...overrides,
  });
  return { clock, visma, api, events, warnings };
}

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('CachingVismaApi', () => {
  describe('the cache', () => {
    it('answers a repeated read with one Visma call', async () => {
      const { visma, api, events } = setUp();
      const first = await api.getInvoice('000001');
      const second = await api.getInvoice('000001');
      expect(second).toBe(first);
      expect(visma.count('getInvoice')).toBe(1);
      expect(events).toEqual(['miss', 'hit']);
    });

    it('keeps list pages, keyed by the whole query whatever order its fields were built in', async () => {
      const { visma, api } = setUp();
      visma.invoices.set('000001', invoice('000001'));
      await api.listInvoices({ pageNumber: 1, pageSize: 50, filter: { status: 'Open', customerNumber: '10' }, expand: FULL });
      await api.listInvoices({ expand: FULL, filter: { customerNumber: '10', status: 'Open' }, pageSize: 50, pageNumber: 1 });
      await api.listInvoices({ expand: FULL, filter: { customerNumber: '10', status: 'Open' }, pageSize: 50, pageNumber: 2 });
      expect(visma.count('listInvoices')).toBe(2);
    });

    it('seeds single invoices from a list only when every part was expanded', async () => {
      const { visma, api } = setUp();
      visma.invoices.set('000001', invoice('000001'));
      visma.invoices.set('000002', invoice('000002'));
      await api.listInvoices({ pageNumber: 1, pageSize: 1, expand: { ...FULL, dunningInformation: false } });
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(1);
      await api.listInvoices({ pageNumber: 1, pageSize: 2, expand: FULL });
      await api.getInvoice('000002');
      expect(visma.count('getInvoice')).toBe(1);
    });

    it('hands out frozen values, so one request cannot change another one’s answer', async () => {
      const { api } = setUp();
      const cached = await api.getInvoice('000001');
      expect(() => {
        (cached as { invoiceText: string | null }).invoiceText = 'changed';
      }).toThrow(TypeError);
    });

    it('holds at most maxEntries, evicting the least recently used', async () => {
      const { visma, api } = setUp({ maxEntries: 2 });
      await api.getInvoice('000001');
      await api.getInvoice('000002');
      await api.getInvoice('000001');
      await api.getInvoice('000003');
      expect(api.size).toBe(2);
      await api.getInvoice('000001');
      await api.getInvoice('000002');
      expect(visma.calls.map((call) => call.argument)).toEqual(['000001', '000002', '000003', '000002']);
    });

    it('serves nothing with CACHE_ENABLED=false: every read is a Visma call, and nothing is polled', async () => {
      const { clock, visma, api } = setUp({ enabled: false });
      await api.getInvoice('000001');
      await api.getInvoice('000001');
      await api.listInvoices(LIST);
      await api.listInvoices(LIST);
      await clock.advance(60_000);
      expect(visma.reads()).toHaveLength(4);
      expect(visma.polls()).toHaveLength(0);
      expect(api.size).toBe(0);
    });

    it('asks Visma itself for a read marked fresh, and does not share it', async () => {
      const { visma, api, events } = setUp();
      await api.listInvoices(LIST);
      await api.listInvoices(LIST, { fresh: true });
      expect(visma.count('listInvoices')).toBe(2);
      expect(events).toEqual(['miss', 'bypass']);
    });

    it('lets customers expire after the freshness bound, polls or not', async () => {
      const { clock, visma, api } = setUp();
      await api.getCustomer('10000');
      await clock.advance(10_000);
      await api.getCustomer('10000');
      expect(visma.count('getCustomer')).toBe(1);
      await clock.advance(1);
      await api.getCustomer('10000');
      expect(visma.count('getCustomer')).toBe(2);
    });

    it('reads an invoice again after the max age even while every poll succeeds (polls cannot see deletions)', async () => {
      const { clock, visma, api } = setUp({ maxAgeMs: 30_000 });
      await api.getInvoice('000001');
      await clock.advance(30_000);
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(1);
      expect(visma.polls().length).toBeGreaterThanOrEqual(5);
      await clock.advance(1);
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(2);
    });
  });

  describe('writes', () => {
    it('evicts the invoice and every list before the write, so the read-back is a Visma call', async () => {
      const { visma, api } = setUp();
      visma.invoices.set('000001', invoice('000001', 'v1'));
      await api.getInvoice('000001');
      await api.listInvoices(LIST);
      await api.updateInvoice('000001', { lineChanges: [] });
      const readBack = await api.getInvoice('000001');
      await api.listInvoices(LIST);
      expect(readBack.version).toBe('v1+');
      expect(visma.calls.map((call) => call.operation)).toEqual([
        'getInvoice',
        'listInvoices',
        'updateInvoice',
        'getInvoice',
        'listInvoices',
      ]);
    });

    it('drops every list on a create, and on a release', async () => {
      const { visma, api } = setUp();
      await api.listInvoices(LIST);
      await api.createInvoice({ customerNumber: '1' } as never);
      await api.listInvoices(LIST);
      await api.releaseInvoice('000001');
      await api.listInvoices(LIST);
      expect(visma.count('listInvoices')).toBe(3);
    });

    it('invalidates even when the write fails: it may have been applied', async () => {
      const { visma, api } = setUp();
      await api.getInvoice('000001');
      jest.spyOn(visma, 'updateInvoice').mockRejectedValueOnce(new VismaUnavailableError('lost', { outcome: 'unknown' }));
      await expect(api.updateInvoice('000001', { lineChanges: [] })).rejects.toThrow('lost');
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(2);
    });

    it('does not let a read issued after a write join a read that started before it, nor cache the older answer', async () => {
      const { visma, api } = setUp();
      visma.invoices.set('000001', invoice('000001', 'v1'));
      visma.hold = true;
      const before = api.getInvoice('000001');
      const staleAnswer = visma.waiting()[0]!;
      staleAnswer.release(); // Visma read v1 ...
      visma.hold = false;
      await api.updateInvoice('000001', { lineChanges: [] }); // ... the write lands before the answer arrives
      visma.hold = true;
      const after = api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(2);
      visma.waiting()[0]!.release();
      expect((await before).version).toBe('v1');
      expect((await after).version).toBe('v1+');
      visma.hold = false;
      expect((await api.getInvoice('000001')).version).toBe('v1+');
      expect(visma.count('getInvoice')).toBe(2);
    });

    it('keeps nothing from a read that ran while a write of the same invoice was in flight', async () => {
      const { visma, api } = setUp();
      visma.invoices.set('000001', invoice('000001', 'v1'));
      visma.hold = true;
      const write = api.updateInvoice('000001', { lineChanges: [] });
      const during = api.getInvoice('000001');
      const [update, read] = visma.waiting();
      read!.release(); // v1: the write has not landed yet
      await during;
      update!.release();
      await write;
      visma.hold = false;
      expect((await api.getInvoice('000001')).version).toBe('v1+');
      expect(visma.count('getInvoice')).toBe(2);
    });

    it('lets a read of another invoice started before the write still be joined and cached', async () => {
      const { visma, api } = setUp();
      visma.hold = true;
      const other = api.getInvoice('000002');
      visma.hold = false;
      await api.updateInvoice('000001', { lineChanges: [] });
      visma.hold = true;
      const joined = api.getInvoice('000002');
      visma.waiting()[0]!.release();
      expect(await joined).toBe(await other);
      visma.hold = false;
      await api.getInvoice('000002');
      expect(visma.count('getInvoice')).toBe(1);
    });
  });

  describe('coalescing', () => {
    it('sends identical reads in flight at the same time once', async () => {
      const { visma, api, events } = setUp({ enabled: false });
      visma.hold = true;
      const reads = [api.getInvoice('000001'), api.getInvoice('000001'), api.getInvoice('000002')];
      expect(visma.count('getInvoice')).toBe(2);
      for (const call of visma.waiting()) call.release();
      const [a, b, c] = await Promise.all(reads);
      expect(a).toBe(b);
      expect(c?.referenceNumber).toBe('000002');
      expect(events).toEqual(['miss', 'coalesced', 'miss']);
    });

    it('runs the shared call with its own signal and no caller deadline', async () => {
      const { visma, api } = setUp();
      visma.hold = true;
      const caller = new AbortController();
      const read = api.getInvoice('000001', { signal: caller.signal, deadline: Date.now() + 60_000, requestId: 'r1' });
      const [call] = visma.waiting();
      expect(call!.options.signal).not.toBe(caller.signal);
      expect(call!.options.deadline).toBeUndefined();
      expect(call!.options.requestId).toBe('r1');
      call!.release();
      await read;
    });

    it('rejects only the wait of a follower that aborts; the others get the answer', async () => {
      const { visma, api } = setUp();
      visma.hold = true;
      const follower = new AbortController();
      const leader = api.getInvoice('000001');
      const followed = failure(api.getInvoice('000001', { signal: follower.signal }));
      follower.abort();
      const error = await followed;
      expect(error).toBeInstanceOf(VismaTimeoutError);
      expect((error as Error).message).toContain('aborted by the caller');
      const [call] = visma.waiting();
      expect(call!.options.signal?.aborted).toBe(false);
      call!.release();
      expect((await leader).referenceNumber).toBe('000001');
    });

    it('does not fail the followers when the first caller aborts', async () => {
      const { visma, api } = setUp();
      visma.hold = true;
      const first = new AbortController();
      const leader = failure(api.getInvoice('000001', { signal: first.signal }));
      const follower = api.getInvoice('000001');
      first.abort();
      expect(await leader).toBeInstanceOf(VismaTimeoutError);
      visma.waiting()[0]!.release();
      expect((await follower).referenceNumber).toBe('000001');
      expect(visma.count('getInvoice')).toBe(1);
    });

    it('gives each caller its own deadline', async () => {
      const { clock, visma, api } = setUp();
      visma.hold = true;
      const short = failure(api.getInvoice('000001', { deadline: clock.now() + 100 }));
      const long = api.getInvoice('000001', { deadline: clock.now() + 5_000 });
      await clock.advance(100);
      expect((await short) as Error).toBeInstanceOf(VismaTimeoutError);
      expect(((await short) as Error).message).toContain('ran out of time');
      visma.waiting()[0]!.release();
      expect((await long).referenceNumber).toBe('000001');
    });

    it('aborts the shared call when every caller has given up, and starts afresh for the next', async () => {
      const { visma, api } = setUp();
      visma.hold = true;
      const a = new AbortController();
      const b = new AbortController();
      const first = failure(api.getInvoice('000001', { signal: a.signal }));
      const second = failure(api.getInvoice('000001', { signal: b.signal }));
      a.abort();
      const [call] = visma.waiting();
      expect(call!.options.signal?.aborted).toBe(false);
      b.abort();
      expect(call!.options.signal?.aborted).toBe(true);
      await first;
      await second;
      const third = api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(2);
      visma.waiting()[1]!.release();
      await third;
    });

    it('shares a failure with every caller and caches nothing of it', async () => {
      const { visma, api } = setUp();
      visma.hold = true;
      const reads = [failure(api.getInvoice('000001')), failure(api.getInvoice('000001'))];
      visma.waiting()[0]!.reject(new VismaUnavailableError('down'));
      expect(await Promise.all(reads)).toEqual([expect.any(VismaUnavailableError), expect.any(VismaUnavailableError)]);
      visma.hold = false;
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(2);
    });

    it('refuses at once a caller that has already given up', async () => {
      const { clock, visma, api } = setUp();
      const aborted = new AbortController();
      aborted.abort();
      await expect(api.getInvoice('000001', { signal: aborted.signal })).rejects.toBeInstanceOf(VismaTimeoutError);
      await expect(api.getInvoice('000001', { deadline: clock.now() })).rejects.toBeInstanceOf(VismaTimeoutError);
      expect(visma.calls).toHaveLength(0);
    });
  });

  describe('passthrough keying', () => {
    const passthrough = { auth: { mode: 'passthrough' } } as const;

    it('shares answers between callers with the same token only', async () => {
      const { visma, api } = setUp(passthrough);
      await api.getInvoice('000001', { accessToken: 'token-a' });
      await api.getInvoice('000001', { accessToken: 'token-a' });
      await api.getInvoice('000001', { accessToken: 'token-b' });
      expect(visma.calls.map((call) => call.options.accessToken)).toEqual(['token-a', 'token-b']);
    });

    it('does not join a read in flight for another token', async () => {
      const { visma, api } = setUp({ ...passthrough, enabled: false });
      visma.hold = true;
      void api.getInvoice('000001', { accessToken: 'token-a' });
      void api.getInvoice('000001', { accessToken: 'token-b' });
      void api.getInvoice('000001', { accessToken: 'token-a' });
      expect(visma.calls.map((call) => call.options.accessToken)).toEqual(['token-a', 'token-b']);
      for (const call of visma.waiting()) call.release();
      await settle();
    });

    it('never keeps a token in its keys, only its SHA-256 digest', async () => {
      const { api } = setUp(passthrough);
      await api.getInvoice('000001', { accessToken: 'secret-token-value' });
      const keys = [...(api as unknown as { store: CacheStore<unknown> }).store.entries()].map(([key]) => key);
      expect(keys).toHaveLength(1);
      expect(keys[0]).not.toContain('secret-token-value');
      expect(keys[0]).toContain(createHash('sha256').update('secret-token-value').digest('hex'));
    });

    it('passes a read without a token straight through', async () => {
      const { visma, api, events } = setUp(passthrough);
      await api.getInvoice('000001');
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(2);
      expect(events).toEqual(['bypass', 'bypass']);
    });

    it('never polls, and lets entries expire after the freshness bound', async () => {
      const { clock, visma, api } = setUp(passthrough);
      await api.getInvoice('000001', { accessToken: 'token-a' });
      await clock.advance(10_000);
      await api.getInvoice('000001', { accessToken: 'token-a' });
      expect(visma.count('getInvoice')).toBe(1);
      await clock.advance(1);
      await api.getInvoice('000001', { accessToken: 'token-a' });
      expect(visma.count('getInvoice')).toBe(2);
      expect(visma.polls()).toHaveLength(0);
    });
  });

  describe('the change poll', () => {
    it('lists changes once per half freshness bound, whatever the read load', async () => {
      const { clock, visma, api } = setUp();
      await api.getInvoice('000001');
      for (let second = 0; second < 20; second += 1) {
        await Promise.all([api.getInvoice('000001'), api.listInvoices(LIST), api.getInvoice('000001')]);
        await clock.advance(1_000);
      }
      expect(visma.polls()).toHaveLength(4);
      expect(visma.reads()).toHaveLength(2);
    });

    it('asks for everything modified since the previous successful poll began, less the margin', async () => {
      const { clock, visma, api } = setUp();
      const firstRead = clock.now();
      await api.getInvoice('000001');
      await clock.advance(5_000);
      const firstPoll = clock.now();
      await clock.advance(5_000);
      const [first, second] = visma.polls().map((call) => call.argument as InvoiceListQuery);
      expect(first!.filter!.lastModifiedDateTime).toEqual({ operator: '>=', value: new Date(firstRead - 5_000).toISOString() });
      expect(second!.filter!.lastModifiedDateTime).toEqual({ operator: '>=', value: new Date(firstPoll - 5_000).toISOString() });
      expect(first).toMatchObject({ pageNumber: 1, pageSize: 1000, expand: FULL });
    });

    it('keeps serving past the bound while polls succeed', async () => {
      const { clock, visma, api } = setUp();
      await api.getInvoice('000001');
      await clock.advance(60_000);
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(1);
    });

    it('replaces an invoice changed elsewhere and drops the lists', async () => {
      const { clock, visma, api } = setUp();
      visma.invoices.set('000001', invoice('000001', 'v1'));
      await api.getInvoice('000001');
      await api.listInvoices(LIST);
      visma.changes = { invoices: [invoice('000001', 'v2', { invoiceText: 'edited' })], totalCount: 1, maxPageSize: 1000 };
      await clock.advance(5_000);
      expect((await api.getInvoice('000001')).invoiceText).toBe('edited');
      await api.listInvoices(LIST);
      expect(visma.reads().map((call) => call.operation)).toEqual(['getInvoice', 'listInvoices', 'listInvoices']);
    });

    it('does not count a version it has already seen or holds as a change (the margin reports it again)', async () => {
      const { clock, visma, api } = setUp();
      visma.invoices.set('000001', invoice('000001', 'v1'));
      await api.getInvoice('000001');
      await api.listInvoices(LIST);
      visma.changes = { invoices: [invoice('000001', 'v1'), invoice('000007', 'v3')], totalCount: 2, maxPageSize: 1000 };
      await clock.advance(5_000); // 000007 is new to it: the lists go
      await api.listInvoices(LIST);
      await clock.advance(5_000); // the same two again: nothing changed
      await api.listInvoices(LIST);
      expect(visma.count('listInvoices') - visma.polls().length).toBe(2);
    });

    it('stops serving when polls fail, and every read goes to Visma until one succeeds', async () => {
      const { clock, visma, api, events, warnings } = setUp();
      await api.getInvoice('000001');
      await clock.advance(5_000);
      visma.failPolls = new VismaUnavailableError('down');
      await clock.advance(10_000); // last success began 10 s ago: still within the bound
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(1);
      await clock.advance(1);
      await api.getInvoice('000001');
      await clock.advance(100);
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(2);
      await clock.advance(10_100);
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(3);
      expect(events).toContain('poll_failed');
      expect(warnings[0]).toContain('change poll failed');
      visma.failPolls = undefined;
      await clock.advance(5_000);
      await clock.advance(9_000);
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(3);
    });

    it('runs its change poll outside the request that started it (no request id or trace carried into later polls)', async () => {
      const requestScope = new AsyncLocalStorage<string>();
      const { visma, api } = setUp({ freshnessMs: 40, pollMarginMs: 0, timers: undefined });
      const seenByPolls: Array<string | undefined> = [];
      const list = visma.listInvoices.bind(visma);
      visma.listInvoices = (query, options) => {
        if (query.filter?.lastModifiedDateTime !== undefined) seenByPolls.push(requestScope.getStore());
        return list(query, options);
      };
      await requestScope.run('request-1', () => api.getInvoice('000001'));
      while (seenByPolls.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      api.close();
      expect(seenByPolls.slice(0, 2)).toEqual([undefined, undefined]);
    });

    it('polls only while something is cached for the credential', async () => {
      const { clock, visma, api } = setUp();
      await clock.advance(20_000);
      expect(visma.polls()).toHaveLength(0);
      await api.getInvoice('000001');
      await clock.advance(5_000);
      expect(visma.polls()).toHaveLength(1);
      await api.updateInvoice('000001', { lineChanges: [] });
      await clock.advance(20_000);
      expect(visma.polls()).toHaveLength(1);
      expect(clock.pending).toBe(0);
    });

    it('drops everything of the credential when the changes do not fit one page', async () => {
      const { clock, visma, api, events } = setUp({ pollPageSize: 2 });
      await api.getInvoice('000001');
      await api.getCustomer('10');
      visma.changes = { invoices: [invoice('000002', 'v2'), invoice('000003', 'v2')], totalCount: 3, maxPageSize: 1000 };
      await clock.advance(5_000);
      expect(events).toContain('poll_overflow');
      await api.getInvoice('000001');
      await api.getCustomer('10');
      expect(visma.count('getInvoice')).toBe(2);
      expect(visma.count('getCustomer')).toBe(1);
    });

    it('drops everything of the credential when the changes are too large for one answer, and polls on (not a failed poll)', async () => {
      const { clock, visma, api, events, warnings } = setUp();
      await api.getInvoice('000001');
      await api.listInvoices(LIST);
      visma.failPolls = new VismaResponseTooLargeError('too large', 33_554_432);
      await clock.advance(5_000);
      expect(events).toContain('poll_overflow');
      expect(events).not.toContain('poll_failed');
      expect(warnings.join('\n')).toContain('too large for one poll answer');
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(2);
      // Read again, cached again, and polled again: the window has moved past the large change.
      visma.failPolls = undefined;
      const polls = visma.polls().length;
      await clock.advance(5_000);
      expect(visma.polls().length).toBe(polls + 1);
      await api.getInvoice('000001');
      expect(visma.count('getInvoice')).toBe(2);
    });

    it('does not keep a read that started before a poll which asked only for later changes', async () => {
      const { clock, visma, api } = setUp({ pollMarginMs: 0 });
      await api.getInvoice('000001');
      await clock.advance(4_000);
      visma.hold = true;
      const slow = api.getInvoice('000002'); // starts before poll 1, which asks from the first read: covered ...
      await clock.advance(6_000); // ... but poll 2 asks from poll 1's start, after the read began
      expect(visma.polls()).toHaveLength(2);
      visma.waiting()[0]!.release();
      await slow;
      visma.hold = false;
      await api.getInvoice('000002');
      expect(visma.count('getInvoice')).toBe(3);
    });

    it('evicts rather than replaces an invoice the gateway itself wrote while the poll was out', async () => {
      const { clock, visma, api } = setUp();
      visma.invoices.set('000001', invoice('000001', 'v1'));
      await api.getInvoice('000001');
      visma.changes = { invoices: [invoice('000001', 'v0-old')], totalCount: 1, maxPageSize: 1000 };
      const update = jest.spyOn(visma, 'listInvoices');
      update.mockImplementationOnce(async (query, options) => {
        await api.updateInvoice('000001', { lineChanges: [] });
        await api.getInvoice('000001');
        return FakeVisma.prototype.listInvoices.call(visma, query, options);
      });
      await clock.advance(5_000);
      expect((await api.getInvoice('000001')).version).toBe('v1+');
    });

    it('stops polling when closed', async () => {
      const { clock, visma, api } = setUp();
      await api.getInvoice('000001');
      api.close();
      await clock.advance(20_000);
      expect(visma.polls()).toHaveLength(0);
    });
  });

  describe('replicas sharing an invalidation bus', () => {
    it('evicts another replica’s copy of an invoice written here, and its lists', async () => {
      const hub = new LocalInvalidationHub();
      const a = setUp({ bus: hub.connect() });
      const b = setUp({ bus: hub.connect() });
      await b.api.getInvoice('000001');
      await b.api.listInvoices(LIST);
      await a.api.updateInvoice('000001', { lineChanges: [] });
      await b.api.getInvoice('000001');
      await b.api.listInvoices(LIST);
      expect(b.visma.reads().map((call) => call.operation)).toEqual(['getInvoice', 'listInvoices', 'getInvoice', 'listInvoices']);
    });

    it('keeps another replica from caching a read that was in flight during the write', async () => {
      const hub = new LocalInvalidationHub();
      const a = setUp({ bus: hub.connect() });
      const b = setUp({ bus: hub.connect() });
      await b.api.getInvoice('000002'); // b knows the credential
      b.visma.hold = true;
      const during = b.api.getInvoice('000001');
      await a.api.updateInvoice('000001', { lineChanges: [] });
      b.visma.waiting()[0]!.release();
      await during;
      b.visma.hold = false;
      await b.api.getInvoice('000001');
      expect(b.visma.count('getInvoice')).toBe(3);
    });

    it('still answers the write when the bus cannot send, with a warning', async () => {
      const { api, warnings } = setUp({
        bus: { publish: () => Promise.reject(new Error('redis down')), subscribe: () => undefined },
      });
      await expect(api.updateInvoice('000001', { lineChanges: [] })).resolves.toEqual({ version: 'v1+' });
      expect(warnings).toEqual([expect.stringContaining('could not tell the other replicas')]);
    });

    it('publishes the credential’s scope and the invoice, never a token', async () => {
      const published: unknown[] = [];
      const { api } = setUp({
        auth: { mode: 'passthrough' },
        bus: { publish: async (message) => void published.push(message), subscribe: () => undefined },
      });
      await api.releaseInvoice('000001', { accessToken: 'token-a' });
      expect(published).toEqual([{ scope: `pt:${createHash('sha256').update('token-a').digest('hex')}`, referenceNumber: '000001' }]);
    });
  });
  describe('replicas sharing the change poll through the bus’s lease', () => {
    const SCOPE = 'cc:tenant-1';

    function fleet(size: number) {
      const clock = new FakeClock();
      const hub = new LocalInvalidationHub(clock.now);
      const replicas = Array.from({ length: size }, () => setUp({ bus: hub.connect() }, clock));
      return { clock, hub, replicas };
    }

    it('spends one Visma poll per interval for the whole fleet, and every replica keeps serving past the bound', async () => {
      const { clock, replicas } = fleet(3);
      for (const { api } of replicas) await api.getInvoice('000001');
      await clock.advance(60_000);
      for (const { api } of replicas) await api.getInvoice('000001');
      const polls = replicas.reduce((sum, { visma }) => sum + visma.polls().length, 0);
      // 60 s at one poll per 5 s: 12, give or take the lease's phase; three replicas alone would make 36.
      expect(polls).toBeGreaterThanOrEqual(12);
      expect(polls).toBeLessThanOrEqual(15);
      for (const { visma } of replicas) expect(visma.count('getInvoice')).toBe(1);
      expect(replicas.flatMap(({ events }) => events)).toContain('poll_shared');
    });

    it('evicts on the other replicas what the leader’s poll saw change, and drops their lists', async () => {
      const { clock, replicas } = fleet(2);
      const [a, b] = [replicas[0]!, replicas[1]!];
      await a.api.getInvoice('000001');
      await b.api.getInvoice('000001');
      await b.api.listInvoices(LIST);
      a.visma.changes = { invoices: [invoice('000001', 'v2')], totalCount: 1, maxPageSize: 1000 };
      await clock.advance(5_000);
      expect(a.visma.polls()).toHaveLength(1);
      expect(b.visma.polls()).toHaveLength(0);
      await b.api.getInvoice('000001');
      await b.api.listInvoices(LIST);
      expect(b.visma.reads().map((call) => call.operation)).toEqual(['getInvoice', 'listInvoices', 'getInvoice', 'listInvoices']);
    });

    it('tells the others of a version it already holds itself: theirs may be older', async () => {
      const { clock, replicas } = fleet(2);
      const [a, b] = [replicas[0]!, replicas[1]!];
      a.visma.invoices.set('000001', invoice('000001', 'v2'));
      await a.api.getInvoice('000001');
      await b.api.getInvoice('000001');
      a.visma.changes = { invoices: [invoice('000001', 'v2')], totalCount: 1, maxPageSize: 1000 };
      await clock.advance(5_000);
      await b.api.getInvoice('000001');
      expect(b.visma.count('getInvoice')).toBe(2);
      await a.api.getInvoice('000001');
      expect(a.visma.count('getInvoice')).toBe(1);
    });

    it('drops everything on the other replicas when the leader’s changes overflow one page', async () => {
      const { clock, replicas } = fleet(2);
      const [a, b] = [replicas[0]!, replicas[1]!];
      await a.api.getInvoice('000001');
      await b.api.getInvoice('000002');
      a.visma.changes = { invoices: [invoice('000009')], totalCount: 5_000, maxPageSize: 1000 };
      await clock.advance(5_000);
      await b.api.getInvoice('000002');
      expect(b.visma.count('getInvoice')).toBe(2);
    });

    it('polls Visma itself after a shared poll that did not reach back to what it holds', async () => {
      const { clock, hub, replicas } = fleet(1);
      const b = replicas[0]!;
      const other = hub.connect();
      await b.api.getInvoice('000001');
      await clock.advance(4_000);
      // Another replica holds the lease and shares a poll whose window starts after b's copy was read.
      await expect(other.claimPoll!(SCOPE, 60_000)).resolves.toBe('lead');
      await other.publish({ scope: SCOPE, poll: { startedAgoMs: 0, windowAgoMs: 1_000, changed: [], overflow: false } });
      await clock.advance(1_000);
      expect(b.visma.polls()).toHaveLength(1);
      expect(b.events).not.toContain('poll_followed');
      // Once its own poll caught up, it follows the lease holder again.
      await clock.advance(5_000);
      expect(b.visma.polls()).toHaveLength(1);
      expect(b.events).toContain('poll_followed');
    });

    it('does not keep serving on a follower whose leader fell silent: its copies age out of the bound', async () => {
      const { clock, hub, replicas } = fleet(1);
      const b = replicas[0]!;
      await hub.connect().claimPoll!(SCOPE, 3_600_000);
      await b.api.getInvoice('000001');
      await clock.advance(10_001);
      await b.api.getInvoice('000001');
      expect(b.visma.polls()).toHaveLength(0);
      expect(b.visma.count('getInvoice')).toBe(2);
    });

    it('drops the copies it holds when the bus reports a gap, and keeps nothing from reads in flight', async () => {
      const { hub, replicas } = fleet(1);
      const b = replicas[0]!;
      await b.api.getInvoice('000001');
      await b.api.listInvoices(LIST);
      b.visma.hold = true;
      const during = b.api.getInvoice('000002');
      hub.gap();
      b.visma.waiting()[0]!.release();
      await during;
      b.visma.hold = false;
      await b.api.getInvoice('000001');
      await b.api.listInvoices(LIST);
      await b.api.getInvoice('000002');
      expect(b.visma.reads().map((call) => call.argument)).toEqual(['000001', LIST, '000002', '000001', LIST, '000002']);
    });
  });
  describe('bounded in bytes', () => {
    /** An invoice whose text makes it weigh about 5 kB. */
    const big = (referenceNumber: string) => invoice(referenceNumber, 'v1', { invoiceText: 'x'.repeat(5_000) });

    /** What one big invoice costs the cache on its own, from a cache of its own. */
    async function weightOfOne(): Promise<number> {
      const { visma, api } = setUp();
      visma.invoices.set('000001', big('000001'));
      await api.getInvoice('000001');
      return api.bytes;
    }

    it('reports the bytes and entries it holds after every change', async () => {
      const held: Array<[number, number]> = [];
      const { visma, api } = setUp({ onHeld: (bytes, entries) => held.push([bytes, entries]) });
      visma.invoices.set('000001', big('000001'));
      await api.getInvoice('000001');
      expect(api.bytes).toBeGreaterThan(5_000);
      expect(held.at(-1)).toEqual([api.bytes, 1]);
      await api.updateInvoice('000001', { lineChanges: [] });
      expect(held.at(-1)).toEqual([0, 0]);
      expect(api.bytes).toBe(0);
    });

    it('counts an invoice once when a list page and its own entry both hold it', async () => {
      const alone = setUp();
      const seeded = setUp();
      for (const { visma } of [alone, seeded]) {
        for (const number of ['000001', '000002', '000003']) visma.invoices.set(number, big(number));
      }
      // Not every part expanded: the page alone, no invoice entries.
      await alone.api.listInvoices({ ...LIST, expand: { ...FULL, dunningInformation: false } });
      await seeded.api.listInvoices(LIST);
      expect([alone.api.size, seeded.api.size]).toEqual([1, 4]);
      expect(alone.api.bytes).toBeGreaterThan(15_000);
      // Three more entries, each only its key and bookkeeping: under a kilobyte apiece.
      expect(seeded.api.bytes - alone.api.bytes).toBeGreaterThan(0);
      expect(seeded.api.bytes - alone.api.bytes).toBeLessThan(3 * 1_000);
    });

    it('evicts the least recently used until it is within maxBytes, and says why', async () => {
      const one = await weightOfOne();
      const evictions: string[] = [];
      const { visma, api } = setUp({
        maxBytes: Math.floor(one * 3.5),
        maxEntryBytes: one * 2,
        onEviction: (reason) => evictions.push(reason),
      });
      for (const number of ['000001', '000002', '000003', '000004']) visma.invoices.set(number, big(number));
      await api.getInvoice('000001');
      await api.getInvoice('000002');
      await api.getInvoice('000003');
      await api.getInvoice('000001');
      await api.getInvoice('000004');
      expect(evictions).toEqual(['bytes']);
      expect(api.bytes).toBeLessThanOrEqual(Math.floor(one * 3.5));
      await api.getInvoice('000001');
      await api.getInvoice('000002');
      expect(visma.calls.map((call) => call.argument)).toEqual(['000001', '000002', '000003', '000004', '000002']);
    });

    it('does not keep an answer bigger than a quarter of maxBytes, nor the invoices of such a list', async () => {
      const one = await weightOfOne();
      const evictions: string[] = [];
      // A quarter of the bound holds one invoice, not a page of three.
      const { visma, api } = setUp({ maxBytes: one * 5, onEviction: (reason) => evictions.push(reason) });
      for (const number of ['000001', '000002', '000003']) visma.invoices.set(number, big(number));
      await api.listInvoices(LIST);
      await api.listInvoices(LIST);
      await api.getInvoice('000002');
      await api.getInvoice('000002');
      expect([visma.count('listInvoices'), visma.count('getInvoice')]).toEqual([2, 1]);
      expect(evictions).toEqual(['too_large', 'too_large']);
      expect(api.size).toBe(1);
    });

    it('counts a polled copy in place of the one it replaces', async () => {
      const { clock, visma, api } = setUp();
      visma.invoices.set('000001', big('000001'));
      await api.getInvoice('000001');
      const before = api.bytes;
      visma.changes = {
        invoices: [invoice('000001', 'v2', { lastModifiedDateTime: '2026-11-25T12:00:01Z', invoiceText: 'x'.repeat(10_000) })],
        totalCount: 1,
        maxPageSize: 1000,
      };
      await clock.advance(5_000);
      expect((await api.getInvoice('000001')).version).toBe('v2');
      expect(api.size).toBe(1);
      expect(api.bytes - before).toBeGreaterThan(4_900);
      expect(api.bytes - before).toBeLessThan(5_100);
    });
  });

  describe('the sweep', () => {
    it('drops a customer once past the freshness bound, though nothing reads it again', async () => {
      const evictions: string[] = [];
      const { clock, api } = setUp({ onEviction: (reason) => evictions.push(reason) });
      await api.getCustomer('10000');
      await clock.advance(10_000);
      expect(api.size).toBe(1);
      await clock.advance(10_000);
      expect([api.size, api.bytes]).toEqual([0, 0]);
      expect(evictions).toEqual(['age']);
    });

    it('keeps a polled invoice past the freshness bound while polls succeed, and drops it within a sweep of the max age', async () => {
      const { clock, visma, api, events } = setUp({ maxAgeMs: 30_000 });
      await api.getInvoice('000001');
      await clock.advance(25_000);
      expect(api.size).toBe(1);
      await api.getInvoice('000001');
      expect(events).toEqual(['miss', 'poll', 'poll', 'poll', 'poll', 'poll', 'hit']);
      // Sweeps every 10 s (the freshness bound): the one at 30 s finds it exactly at the max age, the next drops it.
      await clock.advance(5_000);
      expect(api.size).toBe(1);
      await clock.advance(10_000);
      expect(api.size).toBe(0);
      expect(visma.count('getInvoice')).toBe(1);
    });

    it('stops polling and sweeping once it has dropped the last entry', async () => {
      const { clock, visma, api } = setUp({ maxAgeMs: 30_000 });
      await api.getInvoice('000001');
      await clock.advance(40_000);
      const polls = visma.polls().length;
      await clock.advance(60_000);
      expect(visma.polls()).toHaveLength(polls);
      expect(clock.pending).toBe(0);
    });

    it('drops passthrough entries once past the freshness bound', async () => {
      const { clock, api } = setUp({ auth: { mode: 'passthrough' } });
      await api.getInvoice('000001', { accessToken: 'token-a' });
      await api.listInvoices(LIST, { accessToken: 'token-b' });
      expect(api.size).toBe(2);
      await clock.advance(20_001);
      expect(api.size).toBe(0);
    });

    it('runs at the interval it is given, and not after close', async () => {
      const { clock, api } = setUp({ sweepIntervalMs: 60_000 });
      await api.getCustomer('10000');
      await clock.advance(59_999);
      expect(api.size).toBe(1);
      await clock.advance(1);
      expect(api.size).toBe(0);
      await api.getCustomer('10000');
      api.close();
      expect(clock.pending).toBe(0);
    });
  });
});
