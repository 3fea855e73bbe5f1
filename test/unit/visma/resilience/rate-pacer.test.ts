import type { RateLimitState } from '../../../../src/visma/api';
import { VismaRateLimitedError } from '../../../../src/visma/errors';
import { RatePacer } from '../../../../src/visma/resilience';
import type { AttemptInfo } from '../../../../src/visma/seams';

const INFO: AttemptInfo = { operation: 'GET /v1/customerinvoice', method: 'GET', attempt: 1, idempotent: true };

describe('RatePacer', () => {
  let now: number;
  let state: RateLimitState | null;
  let sleeps: number[];
  let pacer: RatePacer;
  const send = jest.fn(async () => 'sent');
  const observe = (limit: number, remaining: number, resetInMs: number): void => {
    state = { limit, remaining, resetAt: now + resetInMs, policy: null, observedAt: now };
  };

  beforeEach(() => {
    now = 1_000_000;
    state = null;
    sleeps = [];
    send.mockClear();
    pacer = new RatePacer({
      paceBelow: 0.1,
      rateLimit: () => state,
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    });
  });

  it('does not touch attempts before Visma has reported a budget or while plenty is left', async () => {
    await pacer.run(INFO, send);
    observe(1000, 500, 3_600_000);
    await pacer.run(INFO, send);
    expect(sleeps).toEqual([]);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('spreads what is left over the time to the reset once under the threshold', async () => {
    observe(1000, 10, 60_000);
    for (let i = 0; i < 3; i += 1) await pacer.run({ ...INFO, deadline: now + 30_000 }, send);
    // 10 left over 60 s: the first at once, the next 6 s later; then 9 left over 54 s, 6.67 s apart.
    expect(sleeps).toEqual([6_000, 6_667]);
  });

  it('answers RATE_LIMITED at once, without sending, when the next slot is past the deadline', async () => {
    observe(1000, 2, 60_000);
    await pacer.run({ ...INFO, deadline: now + 10_000 }, send);
    const error = await pacer.run({ ...INFO, deadline: now + 10_000 }, send).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VismaRateLimitedError);
    expect(error).toMatchObject({ retryAfterSeconds: 30, outcome: 'not_applied' });
    expect(sleeps).toEqual([]);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('refuses with the seconds to the reset when the budget is spent, and sends again after the reset', async () => {
    observe(1000, 0, 42_500);
    await expect(pacer.run(INFO, send)).rejects.toMatchObject({ retryAfterSeconds: 43 });
    now += 42_500;
    await expect(pacer.run(INFO, send)).resolves.toBe('sent');
  });

  it('counts its own attempts between two answers, so parallel calls do not all pass on one figure', async () => {
    observe(1000, 101, 3_600_000);
    // The first passes untouched (101 > 100); the second is the first paced one; the third waits.
    await pacer.run(INFO, send);
    await pacer.run(INFO, send);
    expect(sleeps).toEqual([]);
    await pacer.run({ ...INFO, deadline: now + 3_600_000 }, send);
    expect(sleeps).toEqual([36_000]);
  });
});
