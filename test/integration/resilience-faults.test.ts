import { stampFor } from '../../src/idempotency';
import type { FaultSpec } from '../../src/simulator/faults';
import { ResilientHarness, type GraphQLAnswer } from './helpers/resilience-harness';
import { NO_POLL_DURING_SUITE } from './helpers/start-gateway';

const READ = '{ customerInvoice(referenceNumber: "003097") { referenceNumber } }';
const SINGLE = 'GET /v1/customerinvoice/{referenceNumber}';
const DEADLINE_MS = 1_500;
/**
 * "No hang past the deadline": an answer must come within the request's deadline plus this much
 * for HTTP and scheduling on a loaded CI machine. A hang would take the latency fault's 4 s or more.
 */
const SLACK_MS = 1_500;
const SETTLE_MS = 1_000;

const codeOf = (answer: GraphQLAnswer): unknown => answer.errors?.[0]?.extensions?.['code'];

async function timed(harness: ResilientHarness, query: string): Promise<{ answer: GraphQLAnswer; ms: number }> {
  const started = performance.now();
  const answer = await harness.post(query);
  return { answer, ms: performance.now() - started };
}

interface Row {
  fault: string;
  /** What Visma does on every attempt of the failing request. */
  persistent: Omit<FaultSpec, 'route'>;
  code: string;
  extensions?: Record<string, unknown>;
  /** The same fault once: the client's retry hides it from the GraphQL answer. */
  retriedAway: boolean;
}

const MATRIX: Row[] = [
  { fault: 'timeout', persistent: { kind: 'latency', latencyMs: 4_000, times: 3 }, code: 'UPSTREAM_TIMEOUT', retriedAway: true },
  { fault: '5xx', persistent: { kind: 'status', status: 503, times: 3 }, code: 'UPSTREAM_UNAVAILABLE', retriedAway: true },
  { fault: 'connection reset', persistent: { kind: 'reset', times: 3 }, code: 'UPSTREAM_UNAVAILABLE', retriedAway: true },
  {
    fault: '429 with Retry-After',
    persistent: { kind: 'rateLimited', retryAfterSeconds: 120, times: 1 },
    code: 'RATE_LIMITED',
    extensions: { retryAfterSeconds: 120 },
    retriedAway: false,
  },
  { fault: 'malformed JSON', persistent: { kind: 'malformed', times: 1 }, code: 'UPSTREAM_UNAVAILABLE', retriedAway: false },
  { fault: 'empty body', persistent: { kind: 'emptyOk', times: 1 }, code: 'UPSTREAM_UNAVAILABLE', retriedAway: false },
  {
    fault: 'plain-text error',
    persistent: { kind: 'status', status: 500, body: 'plain', times: 3 },
    code: 'UPSTREAM_UNAVAILABLE',
    retriedAway: true,
  },
];

describe('fault matrix: the GraphQL answer to each upstream fault, within the deadline, and recovery', () => {
  let harness: ResilientHarness;

  // A gateway of its own for every row: the shipped breaker and retry budget would (rightly) step in after a few rows.
  beforeEach(async () => {
    harness = await ResilientHarness.start({
      env: { REQUEST_DEADLINE_MS: String(DEADLINE_MS), VISMA_ATTEMPT_TIMEOUT_MS: '400', IDEMPOTENCY_SETTLE_MS: String(SETTLE_MS) },
    });
  });

  afterEach(() => harness.stop());

  it.each(MATRIX)('$fault: answers $code, and reads recover', async ({ persistent, code, extensions, retriedAway }) => {
    harness.simulator.controls.addFault({ route: SINGLE, ...persistent });
    const { answer, ms } = await timed(harness, READ);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code, ...extensions });
    expect(answer.errors?.[0]?.message).not.toMatch(/VismaId|simulator|Internal Server Error|at \w+ \(/);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);

    harness.simulator.controls.clearFaults();
    if (retriedAway) {
      harness.simulator.controls.addFault({ route: SINGLE, ...persistent, times: 1 });
    }
    const recovered = await harness.post(READ);
    expect(recovered).toEqual({ data: { customerInvoice: { referenceNumber: '003097' } } });
  });

  it('a create Visma commits after the attempt timed out: OUTCOME_UNKNOWN, then the same invoice on retry, never a second', async () => {
    const create = `mutation($key: String) {
      createInvoice(idempotencyKey: $key, input: { customerNumber: "10000", lines: [{ description: "Slow", quantity: 1 }] }) { referenceNumber }
    }`;
    const key = 'fault-matrix-slow-create-1';
    // Visma takes 600 ms and then commits; the gateway gave up at 400 ms and cannot know.
    harness.simulator.controls.addFault({ route: 'POST /v2/customerinvoice', kind: 'latency', latencyMs: 600 });
    const started = performance.now();
    const first = await harness.post(create, { key });
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(first.errors?.[0]?.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryAfterSeconds: 1 });

    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 100));
    const retried = await harness.post(create, { key });
    const referenceNumber = (retried.data?.['createInvoice'] as { referenceNumber: string }).referenceNumber;
    const page = await harness.visma.listInvoices({ filter: { externalReference: stampFor(key) }, pageNumber: 1, pageSize: 10 });
    expect(page.invoices.map((invoice) => invoice.referenceNumber)).toEqual([referenceNumber]);
    expect(harness.simulator.controls.counters()['POST /v2/customerinvoice']?.total).toBe(1);
  });

  it('token expiry mid-run: the client gets a new token and the read succeeds', async () => {
    expect(codeOf(await harness.post(READ))).toBeUndefined();
    harness.simulator.controls.resetCounters();
    // The simulator's clock moves past the token's lifetime; the gateway still holds the old token.
    harness.simulator.controls.advanceClock(2 * 3_600);
    // Another invoice than the one just read, which the upstream cache would answer without a call.
    const { answer, ms } = await timed(harness, '{ customerInvoice(referenceNumber: "003098") { referenceNumber } }');
    expect(answer).toEqual({ data: { customerInvoice: { referenceNumber: '003098' } } });
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    const counters = harness.simulator.controls.counters();
    expect(counters[SINGLE]?.byStatus).toEqual({ '200': 1, '401': 1 });
  });
});

describe('fault matrix: breaker open (the shipped breaker: at least 10 calls, half failing, open 10 s)', () => {
  /** The gateway's clock runs this far ahead of real time, so the test need not wait out the open period. */
  let skewMs = 0;
  let harness: ResilientHarness;

  beforeAll(async () => {
    harness = await ResilientHarness.start({
      env: { REQUEST_DEADLINE_MS: String(DEADLINE_MS), ...NO_POLL_DURING_SUITE },
      now: () => Date.now() + skewMs,
    });
  });

  afterAll(() => harness.stop());

  it('answers UPSTREAM_UNAVAILABLE without calling Visma while open, and closes after a good probe', async () => {
    harness.simulator.controls.addFault({ route: SINGLE, kind: 'status', status: 503, times: 1_000 });
    // Failing requests (three attempts each while the retry budget lasts) until one is refused without reaching Visma.
    let refusedWithoutCall = false;
    for (let request = 0; request < 12 && !refusedWithoutCall; request += 1) {
      harness.simulator.controls.resetCounters();
      expect(codeOf(await harness.post(READ))).toBe('UPSTREAM_UNAVAILABLE');
      refusedWithoutCall = Object.keys(harness.apiCalls()).length === 0;
    }
    expect(refusedWithoutCall).toBe(true);

    harness.simulator.controls.resetCounters();
    const { answer, ms } = await timed(harness, READ);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(harness.apiCalls()).toEqual({});

    // Visma recovers; after the open period one probe goes through and closes the circuit.
    harness.simulator.controls.clearFaults();
    skewMs += 10_000 + 50;
    expect(await harness.post(READ)).toEqual({ data: { customerInvoice: { referenceNumber: '003097' } } });
    harness.simulator.controls.resetCounters();
    expect(await harness.post('{ customerInvoice(referenceNumber: "003098") { referenceNumber } }')).toEqual({
      data: { customerInvoice: { referenceNumber: '003098' } },
    });
    expect(harness.apiCalls()).toEqual({ [SINGLE]: 1 });
  });
});
