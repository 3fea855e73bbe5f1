import { VismaRateLimitedError } from '../../../../src/visma/errors';
import { FleetBudget, type SharedWindowCounter } from '../../../../src/visma/resilience';
import type { AttemptInfo } from '../../../../src/visma/seams';

const INFO: AttemptInfo = { operation: 'GET /v1/customerinvoice', method: 'GET', attempt: 1, idempotent: true };
const WINDOW = 3_600_000;

/** Two replicas' budgets over one counter stand for the fleet sharing Redis. */
class FakeCounter implements SharedWindowCounter {
  readonly buckets = new Map<string, number>();
  down = false;
  async increment(bucket: string): Promise<number> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    const used = (this.buckets.get(bucket) ?? 0) + 1;
    this.buckets.set(bucket, used);
    return used;
  }
}

describe('FleetBudget', () => {
  let now: number;
  let counter: FakeCounter;
  let logs: Array<[string, string]>;
  const send = jest.fn(async () => 'sent');
  const budget = (): FleetBudget =>
    new FleetBudget({
      counter,
      callsPerWindow: 3,
      windowMs: WINDOW,
      name: 'company-client',
      now: () => now,
      log: (level, _fields, message) => logs.push([level, message]),
    });

  beforeEach(() => {
    now = 10 * WINDOW + 1_000;
    counter = new FakeCounter();
    logs = [];
    send.mockClear();
  });

  it('lets replicas together make the budget of calls in a window, then refuses without sending until it turns', async () => {
    const [a, b] = [budget(), budget()];
    await a.run(INFO, send);
    await b.run(INFO, send);
    await a.run(INFO, send);
    const refused = await b.run(INFO, send).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(VismaRateLimitedError);
    expect(refused).toMatchObject({ retryAfterSeconds: 3_599, outcome: 'not_applied' });
    expect(send).toHaveBeenCalledTimes(3);

    now = 11 * WINDOW;
    await expect(b.run(INFO, send)).resolves.toBe('sent');
  });

  it('counts in the process while the shared counter fails, warns once, and shares again when it answers', async () => {
    const a = budget();
    counter.down = true;
    await a.run(INFO, send);
    await a.run(INFO, send);
    await a.run(INFO, send);
    await expect(a.run(INFO, send)).rejects.toBeInstanceOf(VismaRateLimitedError);
    expect(a.isShared).toBe(false);
    expect(logs).toEqual([['warn', 'fleet call budget unavailable; counting in this process only until it answers again']]);

    counter.down = false;
    now += WINDOW;
    await a.run(INFO, send);
    expect(a.isShared).toBe(true);
    expect(logs[1]).toEqual(['info', 'fleet call budget is shared again']);
  });

  it('refuses a budget that is not a positive integer', () => {
    expect(
      () => new FleetBudget({ counter, callsPerWindow: 0, windowMs: WINDOW, name: 'x', now: () => now, log: () => undefined }),
    ).toThrow('FleetBudget callsPerWindow must be a positive integer; received 0.');
  });
});
