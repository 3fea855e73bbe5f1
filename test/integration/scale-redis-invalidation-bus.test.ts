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

  const replica = async (heard: Invalidation[]): Promise<{ bus: RedisInvalidationBus; redis: Redis }> => {
    const redis = connectRedis(server.url, quiet);
    connections.push(redis);
    await whenReady(redis, 2_000);
    const bus = new RedisInvalidationBus(redis, server.url, quiet, 'test-invalidations');
    buses.push(bus);
    bus.subscribe((invalidation) => heard.push(invalidation));
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
