import { setTimeout as sleep } from 'node:timers/promises';
import type Redis from 'ioredis';
import { RedisInvalidationBus, connectRedis, whenReady } from '../../src/scale';
import type { Invalidation } from '../../src/upstream-cache';
import { RedisServer } from './helpers/redis-server';

const quiet = { warn: () => undefined, info: () => undefined };

async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check() && Date.now() < end) await sleep(10);
}

describe('RedisInvalidationBus (a real redis-server)', () => {
  let server: RedisServer;
  let connections: Redis[];
  let buses: RedisInvalidationBus[];

  const replica = async (heard: Invalidation[], gaps: number[] = []): Promise<{ bus: RedisInvalidationBus; redis: Redis }> => {
    const redis = connectRedis(server.url, quiet);
    connections.push(redis);
    await whenReady(redis, 2_000);
    const bus = new RedisInvalidationBus(redis, server.url, quiet, 'test-invalidations');
    buses.push(bus);
    bus.subscribe(
      (invalidation) => heard.push(invalidation),
      () => gaps.push(Date.now()),
    );
    // The subscription is in place once Redis counts the subscriber.
    for (let tries = 0; tries < 100; tries += 1) {
      const [, count] = (await redis.pubsub('NUMSUB', 'test-invalidations')) as [string, number];
      if (count >= buses.length) break;
      await sleep(10);
    }
    return { bus, redis };
  };

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    connections = [];
    buses = [];
  });
  afterEach(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    for (const redis of connections) redis.disconnect();
  });

  it('delivers a write to the other replicas, not back to its own', async () => {
    const heardA: Invalidation[] = [];
    const heardB: Invalidation[] = [];
    const a = await replica(heardA);
    await replica(heardB);
    await a.bus.publish({ scope: 'cc:tenant', referenceNumber: '000123' });
    await a.bus.publish({ scope: 'cc:tenant' });
    await until(() => heardB.length === 2);
    expect(heardB).toEqual([{ scope: 'cc:tenant', referenceNumber: '000123' }, { scope: 'cc:tenant' }]);
    expect(heardA).toEqual([]);
  });

  it('ignores messages on its channel that are not invalidations', async () => {
    const heard: Invalidation[] = [];
    const b = await replica(heard);
    await b.redis.publish('test-invalidations', 'not json');
    await b.redis.publish('test-invalidations', JSON.stringify({ origin: 'x', scope: 7 }));
    await b.redis.publish('test-invalidations', JSON.stringify({ origin: 'x', scope: 'cc:t', referenceNumber: ['a'] }));
    await b.redis.publish('test-invalidations', JSON.stringify({ origin: 'x', scope: 'cc:t' }));
    await until(() => heard.length === 1);
    expect(heard).toEqual([{ scope: 'cc:t' }]);
  });

  it('carries a shared change poll whole, and refuses one that is malformed', async () => {
    const heard: Invalidation[] = [];
    const a = await replica([]);
    const b = await replica(heard);
    const poll = { startedAgoMs: 12, windowAgoMs: 5_012, changed: ['000001', '000002'], overflow: false };
    await a.bus.publish({ scope: 'cc:tenant', poll });
    await b.redis.publish('test-invalidations', JSON.stringify({ origin: 'x', scope: 'cc:t', poll: { ...poll, startedAgoMs: -1 } }));
    await b.redis.publish('test-invalidations', JSON.stringify({ origin: 'x', scope: 'cc:t', poll: { ...poll, changed: [1] } }));
    await b.redis.publish('test-invalidations', JSON.stringify({ origin: 'x', scope: 'cc:t', poll: { ...poll, overflow: 'no' } }));
    await b.redis.publish('test-invalidations', JSON.stringify({ origin: 'x', scope: 'cc:end' }));
    await until(() => heard.length === 2);
    expect(heard).toEqual([{ scope: 'cc:tenant', poll }, { scope: 'cc:end' }]);
  });

  it('gives the poll lease of a scope to exactly one replica at a time, until it ends', async () => {
    const fleet = await Promise.all([replica([]), replica([]), replica([]), replica([])]);
    const claims = await Promise.all(fleet.map(({ bus }) => bus.claimPoll('cc:tenant', 300)));
    expect(claims.filter((claim) => claim === 'lead')).toHaveLength(1);
    expect(claims.filter((claim) => claim === 'follow')).toHaveLength(3);
    await expect(fleet[0].bus.claimPoll('cc:other', 300)).resolves.toBe('lead');
    await sleep(350);
    await expect(fleet[1].bus.claimPoll('cc:tenant', 300)).resolves.toBe('lead');
    // The key names no tenant: only a digest of the scope.
    const keys = await fleet[0].redis.keys('upstream-cache:poll:*');
    expect(keys.join(' ')).not.toContain('tenant');
  });

  it('reports a gap when the channel drops and again when it returns, and polls alone meanwhile', async () => {
    const gaps: number[] = [];
    const heard: Invalidation[] = [];
    const a = await replica([]);
    await replica(heard, gaps);
    const before = gaps.length;
    await server.stop();
    await until(() => gaps.length === before + 1);
    expect(gaps).toHaveLength(before + 1);
    await expect(a.bus.claimPoll('cc:tenant', 1_000)).resolves.toBe('unavailable');
    await server.start();
    await until(() => gaps.length === before + 2, 10_000);
    expect(gaps).toHaveLength(before + 2);
    // Publishing works again once the shared connection is back too.
    const end = Date.now() + 10_000;
    while (Date.now() < end && !heard.some((each) => each.scope === 'cc:after')) {
      await a.bus.publish({ scope: 'cc:after' }).catch(() => undefined);
      await sleep(50);
    }
    expect(heard.some((each) => each.scope === 'cc:after')).toBe(true);
  });

  it('rejects a publish while Redis is down, so the write only warns', async () => {
    const { bus } = await replica([]);
    await server.stop();
    try {
      await expect(bus.publish({ scope: 'cc:tenant' })).rejects.toThrow();
    } finally {
      await server.start();
    }
  });
});
