import type Redis from 'ioredis';
import { IdempotencyError } from '../../src/idempotency';
import { RedisKeyStore } from '../../src/idempotency/redis-key-store';
import { connectRedis, whenReady } from '../../src/scale';
import { RedisServer } from './helpers/redis-server';

const DAY_MS = 24 * 3_600_000;
const quiet = { warn: () => undefined, info: () => undefined };

describe('RedisKeyStore (a real redis-server)', () => {
  let server: RedisServer;
  let connections: Redis[];
  let warnings: string[];
  const store = async (): Promise<RedisKeyStore> => {
    const redis = connectRedis(server.url, quiet);
    connections.push(redis);
    await whenReady(redis, 2_000);
    return new RedisKeyStore({ redis, retentionMs: DAY_MS, warn: (_fields, message) => warnings.push(message) });
  };

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    connections = [];
    warnings = [];
  });
  afterEach(() => {
    for (const redis of connections) redis.disconnect();
  });

  it('lets exactly one of many connections claim a key at the same moment', async () => {
    const stores = await Promise.all(Array.from({ length: 6 }, () => store()));
    const results = await Promise.all(stores.map((each) => each.claim('k-race', 'fp', { now: 1_000, leaseMs: 60_000 })));
    expect(results.filter((result) => result.claimed)).toHaveLength(1);
    expect(results.filter((result) => !result.claimed)).toEqual(
      Array(5).fill({ claimed: false, record: { state: 'in_flight', fingerprint: 'fp', claimedAt: 1_000, leaseUntil: 61_000 } }),
    );
  });

  it('keeps a key at least 24 hours from its first use, through completion', async () => {
    const a = await store();
    await a.claim('k-ttl', 'fp', { now: 1_000, leaseMs: 60_000 });
    await a.complete('k-ttl', 'fp', '100042');
    const pttl = await connections[0]!.pttl('idem:k-ttl');
    expect(pttl).toBeGreaterThan(DAY_MS - 60_000);
    expect(pttl).toBeLessThanOrEqual(DAY_MS);
    await expect(a.claim('k-ttl', 'fp', { now: 2_000, leaseMs: 60_000 })).resolves.toEqual({
      claimed: false,
      record: { state: 'done', fingerprint: 'fp', referenceNumber: '100042' },
    });
  });

  it('answers another fingerprint with the record, and hands an unknown or expired lease to the next claim', async () => {
    const a = await store();
    await a.claim('k-lease', 'fp', { now: 1_000, leaseMs: 10 });
    expect((await a.claim('k-lease', 'other', { now: 5_000, leaseMs: 10 })).claimed).toBe(false);
    await expect(a.claim('k-lease', 'fp', { now: 5_000, leaseMs: 10 })).resolves.toEqual({
      claimed: true,
      previous: { state: 'in_flight', fingerprint: 'fp', claimedAt: 1_000, leaseUntil: 1_010 },
    });
    await a.markUnknown('k-lease', 'fp', 6_000);
    await expect(a.claim('k-lease', 'fp', { now: 6_001, leaseMs: 10 })).resolves.toEqual({
      claimed: true,
      previous: { state: 'unknown', fingerprint: 'fp', since: 6_000 },
    });
    await a.release('k-lease');
    await expect(a.claim('k-lease', 'fp', { now: 7_000, leaseMs: 10 })).resolves.toEqual({ claimed: true, previous: null });
  });

  it('refuses a claim with store_unavailable while Redis is down, only warns on later writes, and works again when it is back', async () => {
    const a = await store();
    await server.stop();
    const refused = await a.claim('k-down', 'fp', { now: 1_000, leaseMs: 60_000 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IdempotencyError);
    expect(refused).toMatchObject({ kind: 'store_unavailable', retryAfterSeconds: 5 });
    await expect(a.complete('k-down', 'fp', '1')).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);

    await server.start();
    await whenReady(connections[0]!, 5_000);
    await expect(a.claim('k-down', 'fp', { now: 1_000, leaseMs: 60_000 })).resolves.toEqual({ claimed: true, previous: null });
  });
});
