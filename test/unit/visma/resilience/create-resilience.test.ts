import { VismaRateLimitedError, VismaUnavailableError } from '../../../../src/visma/errors';
import { composeGuards, createResilience } from '../../../../src/visma/resilience';
import type { AttemptGuard, AttemptInfo } from '../../../../src/visma/seams';

const INFO: AttemptInfo = { operation: 'GET /v1/customerinvoice', method: 'GET', attempt: 1, idempotent: true };

describe('composeGuards', () => {
  it('runs the first guard outermost, and the attempt last', async () => {
    const order: string[] = [];
    const named = (name: string): AttemptGuard => ({
      run: async (_info, send) => {
        order.push(`${name} in`);
        const result = await send();
        order.push(`${name} out`);
        return result;
      },
    });
    await composeGuards(named('a'), named('b')).run(INFO, async () => order.push('attempt'));
    expect(order).toEqual(['a in', 'b in', 'attempt', 'b out', 'a out']);
  });
});

describe('createResilience', () => {
  it('refuses a call at once while the budget is spent: no slot taken, no breaker failure counted', async () => {
    const now = 1_000;
    const resilience = createResilience({
      maxConcurrent: 1,
      breaker: { minimumCalls: 1 },
      rateLimit: () => ({ limit: 100, remaining: 0, resetAt: now + 60_000, policy: null, observedAt: now }),
      now: () => now,
    });
    const send = jest.fn(async () => ({ status: 200 }));
    await expect(resilience.attemptGuard.run(INFO, send)).rejects.toBeInstanceOf(VismaRateLimitedError);
    expect(send).not.toHaveBeenCalled();
    expect(resilience.limit.inFlight).toBe(0);
    expect(resilience.breaker.currentState).toBe('closed');
  });

  it('refuses before queueing once the circuit is open', async () => {
    let now = 1_000;
    const resilience = createResilience({ maxConcurrent: 1, breaker: { minimumCalls: 1, openMs: 5_000 }, now: () => now });
    await resilience.attemptGuard.run(INFO, async () => ({ status: 503 }));
    expect(resilience.breaker.currentState).toBe('open');
    const send = jest.fn(async () => ({ status: 200 }));
    await expect(resilience.attemptGuard.run(INFO, send)).rejects.toBeInstanceOf(VismaUnavailableError);
    expect(resilience.limit.waiting).toBe(0);
    now += 5_000;
    await expect(resilience.attemptGuard.run(INFO, send)).resolves.toEqual({ status: 200 });
    expect(resilience.breaker.currentState).toBe('closed');
  });
});
