import type { RunningSimulator } from '../../src/simulator/index';
import type { GatewayProcess, GraphQLAnswer } from './helpers/gateway-process';
import type { RedisServer } from './helpers/redis-server';
import { startReplicaFleet, type ReplicaFleet } from './helpers/replica-fleet';

const CREATE = `mutation Create($input: CreateInvoiceInput!, $key: String) {
  createInvoice(input: $input, idempotencyKey: $key) { referenceNumber status version }
}`;
const READ = 'query Read($ref: ID!) { customerInvoice(referenceNumber: $ref) { referenceNumber status } }';
const RELEASE =
  'mutation Release($ref: ID!, $version: String) { releaseInvoice(referenceNumber: $ref, expectedVersion: $version) { result } }';

const API_KEY = 'scale-test-api-key-0123456789';
const AUTH = { 'x-api-key': API_KEY };
/** Small, so the load below spends it; the test's own creates and reads come out of it too. */
const FLEET_CALLS = 60;
const TOKEN_ROUTE = 'POST /connect/token';

/**
 * Two gateway processes (from the startup snapshot) sharing one redis-server, in front of one simulator:
 * what docs/scaling.md promises, end to end. The cases run in order, since they share the
 * fleet's call budget for this hour.
 */
describe('two gateway replicas sharing Redis', () => {
  let fleet: ReplicaFleet;
  let redis: RedisServer;
  let simulator: RunningSimulator;
  let replicas: [GatewayProcess, GatewayProcess];

  const vismaCalls = (): number =>
    Object.entries(simulator.controls.counters())
      .filter(([route]) => route !== TOKEN_ROUTE)
      .reduce((sum, [, count]) => sum + count.total, 0);
  const invoice = (answer: GraphQLAnswer, field: string): Record<string, unknown> | undefined =>
    (answer.data?.[field] as Record<string, unknown> | null | undefined) ?? undefined;

  beforeAll(async () => {
    fleet = await startReplicaFleet(API_KEY, { VISMA_FLEET_CALLS_PER_HOUR: String(FLEET_CALLS), REQUEST_DEADLINE_MS: '5000' });
    ({ redis, simulator, replicas } = fleet);
    simulator.controls.resetCounters();
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('creates one invoice when the same idempotency key arrives through both replicas at once', async () => {
    const input = { customerNumber: '10000', lines: [{ description: 'Scale-out', quantity: '1', unitPrice: '10' }] };
    const keys = ['scale-key-0000000001', 'scale-key-0000000002', 'scale-key-0000000003'];
    const answers = await Promise.all(keys.flatMap((key) => replicas.map((replica) => replica.post(CREATE, { input, key }, AUTH))));

    for (let index = 0; index < keys.length; index += 1) {
      const pair = answers.slice(index * 2, index * 2 + 2);
      const created = pair.map((answer) => invoice(answer, 'createInvoice')?.['referenceNumber']).filter((ref) => ref !== undefined);
      const codes = pair.flatMap((answer) => answer.errors?.map((error) => error.extensions?.['code']) ?? []);
      expect(created.length).toBeGreaterThanOrEqual(1);
      // Either both got the one invoice, or the loser was told the key is in use (and would retry).
      expect(new Set(created).size).toBe(1);
      expect(codes.every((code) => code === 'IDEMPOTENCY_KEY_IN_USE')).toBe(true);
    }
    expect(simulator.controls.counters()['POST /v2/customerinvoice']?.total).toBe(keys.length);
    // Both replicas started cold at once: one fetched the token, the other took it from Redis.
    expect(simulator.controls.counters()[TOKEN_ROUTE]?.total).toBe(1);
  });

  it('shows a mutation made through one replica at once through the other', async () => {
    const created = await replicas[0].post(
      CREATE,
      { input: { customerNumber: '10000', lines: [{ description: 'Visible', quantity: '1', unitPrice: '5' }] } },
      AUTH,
    );
    const { referenceNumber, version } = invoice(created, 'createInvoice') as { referenceNumber: string; version: string };
    // Read through the other replica first, so its upstream cache holds the old status (docs/upstream-cache.md).
    const before = await replicas[1].post(READ, { ref: referenceNumber }, AUTH);
    expect(invoice(before, 'customerInvoice')?.['status']).not.toBe('OPEN');

    const released = await replicas[0].post(RELEASE, { ref: referenceNumber, version }, AUTH);
    expect(released.errors).toBeUndefined();
    const after = await replicas[1].post(READ, { ref: referenceNumber }, AUTH);
    expect(invoice(after, 'customerInvoice')).toEqual({ referenceNumber, status: 'OPEN' });
  });

  it('keeps load through both replicas within the fleet budget, counted by the simulator', async () => {
    const answers: GraphQLAnswer[] = [];
    for (let round = 0; round < 10; round += 1) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 8 }, (_, index) => replicas[index % 2]!.post(READ, { ref: `9${round}${index}` }, AUTH)),
        )),
      );
    }
    const codes = answers.map((answer) => answer.errors?.[0]?.extensions?.['code'] ?? 'ok');
    expect(codes).toContain('RATE_LIMITED');
    expect(codes.filter((code) => code !== 'ok' && code !== 'RATE_LIMITED')).toEqual([]);
    expect(vismaCalls()).toBeLessThanOrEqual(FLEET_CALLS);
    expect(vismaCalls()).toBeGreaterThan(FLEET_CALLS - 5);
  });

  it('refuses keyed creates while Redis is down, keeps serving reads on a local budget, and recovers when Redis is back', async () => {
    await redis.stop();
    const input = { customerNumber: '10000', lines: [{ description: 'Redis down', quantity: '1', unitPrice: '1' }] };
    const posts = simulator.controls.counters()['POST /v2/customerinvoice']?.total;
    const refused = await replicas[0].post(CREATE, { input, key: 'scale-key-redis-down-1' }, AUTH);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_STORE_UNAVAILABLE', retryAfterSeconds: 5 });
    expect(simulator.controls.counters()['POST /v2/customerinvoice']?.total).toBe(posts);

    // The shared budget is spent, but each replica's local count of this hour is below it.
    const read = await replicas[1].post(READ, { ref: '100000' }, AUTH);
    expect(read.errors).toBeUndefined();
    expect(
      replicas[1].logs.some(
        (line) => line['msg'] === 'fleet call budget unavailable; counting in this process only until it answers again',
      ),
    ).toBe(true);

    await redis.start();
    let answer: GraphQLAnswer = {};
    for (let attempt = 0; attempt < 50 && invoice(answer, 'createInvoice') === undefined; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await replicas[0].post(CREATE, { input, key: 'scale-key-redis-down-1' }, AUTH);
    }
    expect(invoice(answer, 'createInvoice')?.['referenceNumber']).toEqual(expect.any(String));
  });
});
