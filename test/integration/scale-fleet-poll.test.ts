import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningSimulator } from '../../src/simulator/index';
import type { GatewayProcess } from './helpers/gateway-process';
import { startReplicaFleet, type ReplicaFleet } from './helpers/replica-fleet';

const READ = 'query Read($ref: ID!) { customerInvoice(referenceNumber: $ref) { referenceNumber invoiceText } }';
const LIST = 'query List { customerInvoices(first: 2) { nodes { referenceNumber } } }';
const API_KEY = 'fleet-poll-api-key-0123456789';
const AUTH = { 'x-api-key': API_KEY };
/** The smallest bound the gateway accepts: a poll every 500 ms, so the test sees many. */
const FRESHNESS_MS = 1_000;
const LIST_ROUTE = 'GET /v1/customerinvoice';

/**
 * Two gateway processes sharing one redis-server in front of one simulator, with the upstream
 * cache on: the change poll is made once per interval for the fleet (docs/scaling.md), and
 * a change made in Visma reaches both replicas within the freshness bound.
 */
describe('two gateway replicas sharing the change poll through Redis', () => {
  let fleet: ReplicaFleet;
  let simulator: RunningSimulator;
  let replicas: [GatewayProcess, GatewayProcess];
  let refs: string[];
  const listCalls = (): number => simulator.controls.counters()[LIST_ROUTE]?.total ?? 0;

  beforeAll(async () => {
    fleet = await startReplicaFleet(API_KEY, { CACHE_ENABLED: 'true', CACHE_FRESHNESS_MS: String(FRESHNESS_MS) });
    ({ simulator, replicas } = fleet);
    const listed = await replicas[0].post(LIST, {}, AUTH);
    refs = (listed.data?.['customerInvoices'] as { nodes: Array<{ referenceNumber: string }> }).nodes.map((node) => node.referenceNumber);
    expect(refs).toHaveLength(2);
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('polls Visma about once per interval for both replicas, and both keep answering from their caches', async () => {
    const ref = refs[0]!;
    for (const replica of replicas) await replica.post(READ, { ref }, AUTH);
    simulator.controls.resetCounters();
    await sleep(3_000);
    // 3 s at one poll per 500 ms is 6 for the fleet; each replica polling alone would make 12.
    // The lease (400 ms) lets the fleet poll a little more often when replicas' timers drift.
    const polls = listCalls();
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(polls).toBeLessThanOrEqual(8);
    for (const replica of replicas) expect((await replica.post(READ, { ref }, AUTH)).errors).toBeUndefined();
    expect(simulator.controls.counters()['GET /v1/customerinvoice/{referenceNumber}']?.total ?? 0).toBe(0);
  });

  it('shows a change made in Visma through both replicas within the freshness bound', async () => {
    const ref = refs[1]!;
    for (const replica of replicas) await replica.post(READ, { ref }, AUTH);
    expect(simulator.controls.editInvoice(ref, { invoiceText: 'edited in Visma' })).not.toBeNull();
    const editedAt = Date.now();
    await sleep(FRESHNESS_MS + 100);
    for (const replica of replicas) {
      const answer = await replica.post(READ, { ref }, AUTH);
      expect(answer.data?.['customerInvoice']).toEqual({ referenceNumber: ref, invoiceText: 'edited in Visma' });
    }
    expect(Date.now() - editedAt).toBeGreaterThanOrEqual(FRESHNESS_MS);
  });
});
