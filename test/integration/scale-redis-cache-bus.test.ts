import type Redis from 'ioredis';
import { connectRedis, whenReady } from '../../src/scale';
import { RedisCacheBus, type ReceivedCacheMessage } from '../../src/scale/redis-cache-bus';
import { RedisServer } from './helpers/redis-server';

const quiet = { warn: () => undefined, info: () => undefined };

interface Replica {
  bus: RedisCacheBus;
  received: ReceivedCacheMessage[];
  gaps: number;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const stopAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > stopAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('RedisCacheBus (a real redis-server)', () => {
  let server: RedisServer;
  let connections: Redis[];
  let replicas: RedisCacheBus[];

  const replica = async (clock: () => number = Date.now): Promise<Replica> => {
    const redis = connectRedis(server.url, quiet);
    const subscriber = connectRedis(server.url, quiet);
    connections.push(redis, subscriber);
    const bus = new RedisCacheBus(redis, subscriber, quiet, clock);
    replicas.push(bus);
    const state: Replica = { bus, received: [], gaps: 0 };
    bus.listen({ message: (message) => state.received.push(message), gap: () => (state.gaps += 1) });
    await whenReady(redis, 2_000);
    await until(() => bus.connected, 'the subscription');
    return state;
  };

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    connections = [];
    replicas = [];
  });
  afterEach(async () => {
    await Promise.all(replicas.map((bus) => bus.close()));
    for (const redis of connections) redis.disconnect();
  });

  it('delivers an eviction to every other replica and not back to its publisher', async () => {
    const [a, b, c] = [await replica(), await replica(() => 42_000), await replica()];
    await expect(a.bus.publish({ owner: 'o1', invoices: ['100001'], lists: true })).resolves.toBe(true);
    await until(() => b.received.length === 1 && c.received.length === 1, 'delivery');
    expect(b.received).toEqual([{ owner: 'o1', invoices: ['100001'], lists: true, receivedAt: 42_000 }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.received).toEqual([]);
  });

  it('carries the age of a fleet poll, so receivers need not share the publisher’s clock', async () => {
    const [a, b] = [await replica(), await replica(() => 7_000)];
    await a.bus.publish({ owner: 'o1', invoices: [], lists: false, pollAgeMs: 120 });
    await a.bus.publish({ owner: 'o1', invoices: [], lists: true, all: true, pollAgeMs: 0 });
    await until(() => b.received.length === 2, 'delivery');
    expect(b.received).toEqual([
      { owner: 'o1', invoices: [], lists: false, pollAgeMs: 120, receivedAt: 7_000 },
      { owner: 'o1', invoices: [], lists: true, all: true, pollAgeMs: 0, receivedAt: 7_000 },
    ]);
  });

  it('ignores messages on the channel that are not the bus’s', async () => {
    const [a, b] = [await replica(), await replica()];
    const raw = connections[0]!;
    await raw.publish('visma-cache', 'not json');
    await raw.publish('visma-cache', JSON.stringify({ origin: 'x', owner: 'o1', invoices: [1], lists: false }));
    await raw.publish('visma-cache', JSON.stringify({ origin: 'x', owner: 'o1', invoices: [], lists: false, pollAgeMs: -5 }));
    await a.bus.publish({ owner: 'o2', invoices: ['1'], lists: false });
    await until(() => b.received.length === 1, 'the valid message');
    expect(b.received.map((message) => message.owner)).toEqual(['o2']);
  });

  it('gives the poll lease to exactly one replica per interval, per owner', async () => {
    const fleet = await Promise.all([replica(), replica(), replica(), replica()]);
    const claims = await Promise.all(fleet.map(({ bus }) => bus.claimPoll('o1', 300)));
    expect(claims.filter((claim) => claim === 'lead')).toHaveLength(1);
    expect(claims.filter((claim) => claim === 'follow')).toHaveLength(3);
    await expect(fleet[0]!.bus.claimPoll('o2', 300)).resolves.toBe('lead');
    await new Promise((resolve) => setTimeout(resolve, 350));
    await expect(fleet[1]!.bus.claimPoll('o1', 300)).resolves.toBe('lead');
  });

  it('reports a gap while Redis is down, answers unavailable and false, and resumes when it is back', async () => {
    const [a, b] = [await replica(), await replica()];
    const gapsBefore = b.gaps;
    await server.stop();
    await until(() => !b.bus.connected, 'the subscription to drop');
    expect(b.gaps).toBe(gapsBefore + 1);
    await expect(a.bus.publish({ owner: 'o1', invoices: ['1'], lists: true })).resolves.toBe(false);
    await expect(a.bus.claimPoll('o1', 1_000)).resolves.toBe('unavailable');

    await server.start();
    await until(() => a.bus.connected && b.bus.connected, 'resubscription', 10_000);
    // Rejoining is a second gap: what was published meanwhile never arrived.
    expect(b.gaps).toBe(gapsBefore + 2);
    // The publishing connection reconnects on its own schedule: publish until Redis takes it.
    const stopAt = Date.now() + 10_000;
    while (!(await a.bus.publish({ owner: 'o1', invoices: ['2'], lists: false })) && Date.now() < stopAt) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await until(() => b.received.some((message) => message.invoices.includes('2')), 'delivery after recovery');
  });
});
