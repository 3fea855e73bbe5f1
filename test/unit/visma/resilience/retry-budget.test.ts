import { WindowedRetryBudget } from '../../../../src/visma/resilience';
import type { AttemptInfo } from '../../../../src/visma/seams';

const INFO: AttemptInfo = { operation: 'GET /v1/customerinvoice', method: 'GET', attempt: 1, idempotent: true };

describe('WindowedRetryBudget', () => {
  let now: number;
  let budget: WindowedRetryBudget;
  const retries = (n: number) => Array.from({ length: n }, () => budget.tryAcquireRetry(INFO));

  beforeEach(() => {
    now = 0;
    budget = new WindowedRetryBudget({ ratio: 0.1, minRetries: 2, windowMs: 10_000, now: () => now });
  });

  it('allows the minimum even with no traffic, and no more', () => {
    expect(retries(3)).toEqual([true, true, false]);
  });

  it('grows by the ratio of first attempts: 100 calls buy 10 retries beyond the minimum', () => {
    for (let i = 0; i < 100; i += 1) budget.recordAttempt(INFO);
    expect(retries(13).filter(Boolean)).toHaveLength(12);
  });

  it('refills as the window slides past spent retries', () => {
    expect(retries(3)).toEqual([true, true, false]);
    now += 10_000;
    expect(retries(3)).toEqual([true, true, false]);
  });
});
