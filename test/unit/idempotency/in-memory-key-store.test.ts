import { InMemoryKeyStore, MIN_RETENTION_MS } from '../../../src/idempotency';

const LEASE = { leaseMs: 1_000 };

describe('InMemoryKeyStore', () => {
  let now: number;
  let store: InMemoryKeyStore;

  beforeEach(() => {
    now = 0;
    store = new InMemoryKeyStore({ retentionMs: MIN_RETENTION_MS, maxKeys: 3, now: () => now });
  });

  it('refuses a retention under 24 hours', () => {
    expect(() => new InMemoryKeyStore({ retentionMs: MIN_RETENTION_MS - 1, maxKeys: 3, now: () => now })).toThrow(
      'InMemoryKeyStore retentionMs must be at least 86400000 (24 hours); received 86399999.',
    );
  });

  it('gives a new key to the first claimant and tells the next one it is in flight', async () => {
    await expect(store.claim('k', 'fp', { now, ...LEASE })).resolves.toEqual({ claimed: true, previous: null });
    await expect(store.claim('k', 'fp', { now, ...LEASE })).resolves.toEqual({
      claimed: false,
      record: { state: 'in_flight', fingerprint: 'fp', claimedAt: 0, leaseUntil: 1_000 },
    });
  });

  it('answers a completed key with its invoice, for any fingerprint (the caller compares)', async () => {
    await store.claim('k', 'fp', { now, ...LEASE });
    await store.complete('k', 'fp', '003600');
    await expect(store.claim('k', 'other', { now, ...LEASE })).resolves.toEqual({
      claimed: false,
      record: { state: 'done', fingerprint: 'fp', referenceNumber: '003600' },
    });
  });

  it('hands an unknown key to a retry with the same fingerprint, with what was left', async () => {
    await store.claim('k', 'fp', { now, ...LEASE });
    await store.markUnknown('k', 'fp', 5);
    await expect(store.claim('k', 'other', { now, ...LEASE })).resolves.toMatchObject({ claimed: false });
    await expect(store.claim('k', 'fp', { now, ...LEASE })).resolves.toEqual({
      claimed: true,
      previous: { state: 'unknown', fingerprint: 'fp', since: 5 },
    });
  });

  it('takes a key back from a holder whose lease ran out', async () => {
    await store.claim('k', 'fp', { now, ...LEASE });
    now = 1_000;
    await expect(store.claim('k', 'fp', { now, ...LEASE })).resolves.toMatchObject({
      claimed: true,
      previous: { state: 'in_flight', claimedAt: 0 },
    });
  });

  it('keeps a key at least 24 hours, then forgets it', async () => {
    await store.claim('k', 'fp', { now, ...LEASE });
    await store.complete('k', 'fp', '003600');
    now = MIN_RETENTION_MS - 1;
    await expect(store.claim('k', 'fp', { now, ...LEASE })).resolves.toMatchObject({ claimed: false });
    now = MIN_RETENTION_MS;
    await expect(store.claim('k', 'fp', { now, ...LEASE })).resolves.toEqual({ claimed: true, previous: null });
  });

  it('forgets a released key at once', async () => {
    await store.claim('k', 'fp', { now, ...LEASE });
    await store.release('k');
    expect(store.size).toBe(0);
  });

  it('drops the oldest key beyond maxKeys', async () => {
    for (const key of ['a', 'b', 'c', 'd']) await store.claim(key, 'fp', { now, ...LEASE });
    expect(store.size).toBe(3);
    await expect(store.claim('a', 'fp', { now, ...LEASE })).resolves.toEqual({ claimed: true, previous: null });
  });
});
