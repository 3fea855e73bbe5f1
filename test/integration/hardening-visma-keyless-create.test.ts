import { ResilientHarness, type GraphQLAnswer } from './helpers/resilience-harness';

const CREATE = `mutation Create($input: CreateInvoiceInput!) { createInvoice(input: $input) { referenceNumber externalReference } }`;
const POST = 'POST /v2/customerinvoice';

const draft = (externalReference: string): Record<string, unknown> => ({
  customerNumber: '10000',
  externalReference,
  lines: [{ description: 'Keyless create', quantity: '1', unitPrice: '10' }],
});

const errorOf = (answer: GraphQLAnswer): { message: string; extensions?: Record<string, unknown> } | undefined => answer.errors?.[0];

describe('a create without an idempotency key whose outcome is unknown', () => {
  let harness: ResilientHarness;

  beforeAll(async () => {
    harness = await ResilientHarness.start({
      simulator: { invoiceCount: 20, seed: 8 },
      env: { REQUEST_DEADLINE_MS: '1500', VISMA_ATTEMPT_TIMEOUT_MS: '400' },
    });
  });

  afterAll(() => harness.stop());

  beforeEach(() => {
    harness.simulator.controls.clearFaults();
    harness.simulator.controls.resetCounters();
  });

  /** The invoices Visma holds with this external reference, read straight from the simulator. */
  async function held(externalReference: string): Promise<number> {
    const page = await harness.visma.listInvoices({ filter: { externalReference }, pageNumber: 1, pageSize: 10 });
    return page.invoices.length;
  }

  it.each([
    { fault: 'committed, then the connection dropped', spec: { kind: 'dropAfterCommit' as const }, created: 1 },
    // The simulator drops a request whose client went away while it waited: it never commits it.
    { fault: 'not answered before the attempt timed out', spec: { kind: 'latency' as const, latencyMs: 600 }, created: 0 },
    { fault: 'reset after it was sent', spec: { kind: 'reset' as const }, created: 0 },
    { fault: 'a 503 (Visma may fail after committing)', spec: { kind: 'status' as const, status: 503 }, created: 0 },
  ])('$fault: OUTCOME_UNKNOWN, sent once, saying to look before creating again', async ({ fault, spec, created }) => {
    const reference = `keyless-${fault.split(' ')[0]}-${Date.now() % 100_000}`;
    harness.simulator.controls.addFault({ route: POST, times: 1, ...spec });

    const error = errorOf(await harness.post(CREATE, { input: draft(reference) }));

    expect(error?.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryAfterSeconds: null });
    expect(error?.message).toContain('Look for the invoice before creating it again, or send creates with an idempotencyKey');
    const attempts = harness.logs.filter(
      (line) =>
        line['requestId'] === error?.extensions?.['requestId'] &&
        line['operation'] === POST &&
        String(line['msg']).startsWith('visma attempt'),
    );
    expect(attempts).toHaveLength(1);
    // Let a slow create finish before looking for it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await held(reference)).toBe(created);
  });
});

describe('a keyless client that retries only what is safe, on the shipped timeouts', () => {
  let lossy: ResilientHarness;

  // A gateway of its own with no timeout shortened: a create only Visma's answer being lost makes
  // OUTCOME_UNKNOWN here, never a slow machine (the suite above times attempts out at 400 ms).
  beforeAll(async () => {
    lossy = await ResilientHarness.start({ simulator: { invoiceCount: 20, seed: 10 } });
  });

  afterAll(() => lossy.stop());

  it('a client that retries only what was never sent or answered makes no duplicates (200 creates, a fifth of the answers lost)', async () => {
    lossy.simulator.controls.addFault({ route: POST, kind: 'dropAfterCommit', probability: 0.2 });
    const retryable = new Set(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'RATE_LIMITED']);
    const codes: Record<string, number> = {};
    const run = `run-${Date.now() % 100_000}`;

    const createOnce = async (index: number): Promise<void> => {
      for (let attempt = 1; attempt <= 10; attempt += 1) {
        const answer = await lossy.post(CREATE, { input: draft(`${run}-${index}`) });
        const error = errorOf(answer);
        const code: unknown = error === undefined ? 'created' : error.extensions?.['code'];
        if (typeof code !== 'string') throw new Error(`an answer without data or a code: ${JSON.stringify(answer)}`);
        codes[code] = (codes[code] ?? 0) + 1;
        if (!retryable.has(code)) return;
      }
    };
    for (let start = 0; start < 200; start += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, offset) => createOnce(start + offset)));
    }

    const dropped = lossy.simulator.controls.counters()[POST]?.byStatus['dropped'] ?? 0;
    expect(dropped).toBeGreaterThan(10);
    expect(codes).toEqual({ created: 200 - dropped, OUTCOME_UNKNOWN: dropped });
    lossy.simulator.controls.clearFaults();
    const references: string[] = [];
    for (let pageNumber = 1; ; pageNumber += 1) {
      const page = await lossy.visma.listInvoices({ pageNumber, pageSize: 1000 });
      references.push(
        ...page.invoices.flatMap((invoice) => (invoice.externalReference?.startsWith(run) ? [invoice.externalReference] : [])),
      );
      if (page.invoices.length < 1000) break;
    }
    expect(references).toHaveLength(200);
    expect(new Set(references).size).toBe(200);
  }, 60_000);
});

describe('a create without an idempotency key that was never sent', () => {
  let fresh: ResilientHarness;

  // A gateway of its own: the shipped breaker opens on a failure rate, which earlier successes would dilute.
  beforeAll(async () => {
    fresh = await ResilientHarness.start({ simulator: { invoiceCount: 20, seed: 9 }, env: { REQUEST_DEADLINE_MS: '1500' } });
  });

  afterAll(() => fresh.stop());

  it('stays UPSTREAM_UNAVAILABLE while the circuit breaker is open: nothing happened, so retrying is safe', async () => {
    fresh.simulator.controls.addFault({ route: 'GET /v1/customerinvoice/{referenceNumber}', kind: 'status', status: 503, times: 1_000 });
    // Failing reads until one is refused without reaching Visma: the breaker is open.
    let open = false;
    for (let read = 0; read < 12 && !open; read += 1) {
      fresh.simulator.controls.resetCounters();
      await fresh.post(`{ customerInvoice(referenceNumber: "${String(900_000 + read)}") { referenceNumber } }`);
      open = Object.keys(fresh.apiCalls()).length === 0;
    }
    expect(open).toBe(true);

    const error = errorOf(await fresh.post(CREATE, { input: draft(`refused-${Date.now() % 100_000}`) }));

    expect(error?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(fresh.simulator.controls.counters()[POST]).toBeUndefined();
  });
});
