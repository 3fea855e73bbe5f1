import { stampFor } from '../../src/idempotency';
import { ResilientHarness, type GraphQLAnswer } from './helpers/resilience-harness';

const CREATE = `mutation Create($input: CreateInvoiceInput!, $key: String) {
  createInvoice(input: $input, idempotencyKey: $key) { referenceNumber externalReference }
}`;

const CREATES = 1_000;
/** Creates in flight at once; moderate, so the suite stays a few seconds on a shared CI machine. */
const BATCH = 25;
/** Codes a client may retry with the same key (docs/idempotency.md, "Idempotency contract for clients"). */
const RETRYABLE = new Set(['OUTCOME_UNKNOWN', 'IDEMPOTENCY_KEY_IN_USE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'RATE_LIMITED']);

describe('createInvoice under lost answers (1,000 creates, each retried by the client until it has an answer)', () => {
  let harness: ResilientHarness;

  beforeAll(async () => {
    harness = await ResilientHarness.start({
      simulator: { invoiceCount: 20, seed: 6 },
      // The simulator commits synchronously, so a short settle time is enough here.
      env: { REQUEST_DEADLINE_MS: '5000', IDEMPOTENCY_SETTLE_MS: '20' },
    });
    const faults = harness.simulator.controls;
    // A fifth of the creates are applied and then their answer is lost.
    faults.addFault({ route: 'POST /v2/customerinvoice', kind: 'dropAfterCommit', probability: 0.2 });
    // And some are lost before Visma sees them, or fail with a 503.
    faults.addFault({ route: 'POST /v2/customerinvoice', kind: 'reset', probability: 0.05 });
    faults.addFault({ route: 'POST /v2/customerinvoice', kind: 'status', status: 503, probability: 0.03 });
    // The look-ups and read-backs fail now and then too.
    faults.addFault({ route: 'GET /v1/customerinvoice', kind: 'status', status: 503, body: 'plain', probability: 0.05 });
    faults.addFault({ route: 'GET /v1/customerinvoice/{referenceNumber}', kind: 'reset', probability: 0.05 });
  });

  afterAll(() => harness.stop());

  it('leaves exactly one invoice per key in Visma: none duplicated, none missing', async () => {
    const keys = Array.from({ length: CREATES }, (_, index) => `resilience-create-${String(index).padStart(4, '0')}`);
    const answers = new Map<string, string>();
    const unexpected: GraphQLAnswer[] = [];
    let retries = 0;

    const createUntilAnswered = async (key: string, index: number): Promise<void> => {
      const input = { customerNumber: '10000', lines: [{ description: `Create ${index}`, quantity: '1', unitPrice: '10' }] };
      for (let attempt = 1; attempt <= 50; attempt += 1) {
        const answer = await harness.post(CREATE, { input, key });
        const invoice = answer.data?.['createInvoice'] as { referenceNumber: string } | null | undefined;
        if (invoice) {
          answers.set(key, invoice.referenceNumber);
          return;
        }
        const error = answer.errors?.[0];
        const referenceNumber = error?.extensions?.['referenceNumber'];
        // Created, but the read-back failed: the error names the invoice.
        if (typeof referenceNumber === 'string') {
          answers.set(key, referenceNumber);
          return;
        }
        if (!RETRYABLE.has(String(error?.extensions?.['code']))) {
          unexpected.push(answer);
          return;
        }
        retries += 1;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };

    for (let start = 0; start < CREATES; start += BATCH) {
      await Promise.all(keys.slice(start, start + BATCH).map((key, offset) => createUntilAnswered(key, start + offset)));
    }

    expect(unexpected).toEqual([]);
    expect(answers.size).toBe(CREATES);
    expect(new Set(answers.values()).size).toBe(CREATES);
    // The faults really happened: many creates needed a retry.
    expect(retries).toBeGreaterThan(50);
    expect(harness.simulator.controls.counters()['POST /v2/customerinvoice']?.byStatus['dropped']).toBeGreaterThan(100);

    // Count through the simulator's own list endpoint, faults off.
    harness.simulator.controls.clearFaults();
    const stamps: string[] = [];
    let total = 0;
    for (let pageNumber = 1; ; pageNumber += 1) {
      const page = await harness.visma.listInvoices({ pageNumber, pageSize: 1000 });
      total += page.invoices.length;
      stamps.push(
        ...page.invoices.flatMap((invoice) => (invoice.externalReference?.startsWith('idem-') ? [invoice.externalReference] : [])),
      );
      if (page.invoices.length < 1000) break;
    }
    expect(total).toBe(20 + CREATES);
    expect(stamps).toHaveLength(CREATES);
    expect(new Set(stamps)).toEqual(new Set(keys.map(stampFor)));
  }, 120_000);
});
