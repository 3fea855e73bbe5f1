import { AttemptFailure } from '../../../../src/visma/http';
import { VismaTimeoutError, VismaUnavailableError } from '../../../../src/visma/errors';
import { CircuitBreaker } from '../../../../src/visma/resilience';
import type { AttemptInfo } from '../../../../src/visma/seams';

const INFO: AttemptInfo = { operation: 'GET /v1/customerinvoice/1', method: 'GET', attempt: 1, idempotent: true };

function failure(reason: AttemptFailure['reason']): VismaTimeoutError {
  return new VismaTimeoutError(reason, { cause: new AttemptFailure(reason, true, undefined, undefined) });
}

describe('CircuitBreaker', () => {
  let now: number;
  let breaker: CircuitBreaker;
  const answer = (status: number) => breaker.run(INFO, async () => ({ status }));
  const fail = (reason: AttemptFailure['reason']) => breaker.run(INFO, async () => Promise.reject(failure(reason))).catch(() => 'failed');

  beforeEach(() => {
    now = 1_000_000;
    breaker = new CircuitBreaker({ failureRate: 0.5, minimumCalls: 4, windowMs: 10_000, openMs: 5_000, now: () => now });
  });

  it('stays closed below the minimum number of calls, however many of them fail', async () => {
    for (let i = 0; i < 3; i += 1) await answer(503);
    expect(breaker.currentState).toBe('closed');
  });

  it('opens when the failure rate reaches the threshold, then refuses at once without sending', async () => {
    await answer(200);
    await answer(503);
    await fail('attempt_timeout');
    await fail('lost');
    expect(breaker.currentState).toBe('open');
    const send = jest.fn(async () => ({ status: 200 }));
    const refused = await breaker.run(INFO, send).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(VismaUnavailableError);
    expect(refused).toMatchObject({ outcome: 'not_applied', operation: INFO.operation });
    expect(send).not.toHaveBeenCalled();
  });

  it('never counts 4xx, 429 or attempts the caller gave up on as failures', async () => {
    for (const status of [400, 404, 412, 429, 401]) await answer(status);
    await fail('aborted');
    await fail('deadline');
    await fail('closed');
    expect(breaker.currentState).toBe('closed');
    await answer(500);
    await answer(502);
    await answer(503);
    // 3 failures of 8 counted calls: below one half.
    expect(breaker.currentState).toBe('closed');
  });

  it('counts an answer too large to read as an answer (Visma is up), not as a failure', async () => {
    await answer(503);
    await fail('too_large');
    await fail('too_large');
    await fail('too_large');
    // 1 failure of 4: as failures they would have opened it (4 of 4).
    expect(breaker.currentState).toBe('closed');
    await answer(503);
    await answer(503);
    // 3 of 6 reach one half; not counted at all, 3 calls would still be below the minimum of 4.
    expect(breaker.currentState).toBe('open');
  });

  it('forgets failures older than the window', async () => {
    await answer(503);
    await answer(503);
    now += 11_000;
    await answer(200);
    await answer(200);
    await answer(503);
    expect(breaker.currentState).toBe('closed');
  });

  it('lets one probe through after openMs; its success closes the circuit', async () => {
    for (let i = 0; i < 4; i += 1) await answer(503);
    now += 5_000;
    expect(breaker.currentState).toBe('half_open');
    let release: (value: { status: number }) => void = () => undefined;
    const probe = breaker.run(INFO, () => new Promise<{ status: number }>((resolve) => (release = resolve)));
    await expect(answer(200)).rejects.toBeInstanceOf(VismaUnavailableError);
    release({ status: 200 });
    await probe;
    expect(breaker.currentState).toBe('closed');
    await expect(answer(200)).resolves.toEqual({ status: 200 });
  });

  it('opens again for another openMs when the probe fails', async () => {
    for (let i = 0; i < 4; i += 1) await answer(503);
    now += 5_000;
    await answer(503);
    expect(breaker.currentState).toBe('open');
    now += 4_999;
    expect(breaker.currentState).toBe('open');
    now += 1;
    expect(breaker.currentState).toBe('half_open');
  });
});
