import { VismaTimeoutError } from '../../../../src/visma/errors';
import { ConcurrencyLimit, type SetTimer } from '../../../../src/visma/resilience';
import type { AttemptInfo } from '../../../../src/visma/seams';

const INFO: AttemptInfo = { operation: 'GET /v1/customer/1', method: 'GET', attempt: 1, idempotent: true };

/** A timer table the test fires by hand: fake time without jest's timer mocks. */
class ManualTimers {
  pending: Array<{ at: number; fire: () => void }> = [];
  now = 0;
  readonly setTimer: SetTimer = (ms, fire) => {
    const entry = { at: this.now + ms, fire };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((item) => item !== entry);
    };
  };
  advance(ms: number): void {
    this.now += ms;
    const due = this.pending.filter((item) => item.at <= this.now);
    this.pending = this.pending.filter((item) => item.at > this.now);
    due.forEach((item) => item.fire());
  }
}

function deferred(): { promise: Promise<string>; resolve: (value: string) => void } {
  let resolve: (value: string) => void = () => undefined;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ConcurrencyLimit', () => {
  let timers: ManualTimers;
  let limit: ConcurrencyLimit;

  beforeEach(() => {
    timers = new ManualTimers();
    limit = new ConcurrencyLimit({ maxConcurrent: 2, now: () => timers.now, setTimer: timers.setTimer });
  });

  it('runs at most maxConcurrent attempts at once and starts the waiting ones in arrival order', async () => {
    const calls = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = calls.map((call, index) =>
      limit.run(INFO, () => {
        started.push(index);
        return call.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limit.waiting).toBe(2);
    calls[1]?.resolve('b');
    await runs[1];
    expect(started).toEqual([0, 1, 2]);
    calls[0]?.resolve('a');
    calls[2]?.resolve('c');
    await Promise.all([runs[0], runs[2]]);
    expect(started).toEqual([0, 1, 2, 3]);
    calls[3]?.resolve('d');
    await expect(Promise.all(runs)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(limit.inFlight).toBe(0);
  });

  it('gives up waiting at the deadline, without sending, and frees the place in the queue', async () => {
    const busy = [deferred(), deferred()];
    busy.forEach((call) => void limit.run(INFO, () => call.promise));
    const send = jest.fn(async () => 'late');
    const waiting = limit.run({ ...INFO, deadline: 500 }, send);
    timers.advance(500);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VismaTimeoutError);
    expect(error).toMatchObject({ outcome: 'not_applied' });
    expect(send).not.toHaveBeenCalled();
    expect(limit.waiting).toBe(0);
  });

  it('gives up waiting when the caller aborts', async () => {
    const busy = [deferred(), deferred()];
    busy.forEach((call) => void limit.run(INFO, () => call.promise));
    const controller = new AbortController();
    const waiting = limit.run({ ...INFO, signal: controller.signal }, async () => 'never');
    controller.abort();
    await expect(waiting).rejects.toThrow('was aborted by the caller while waiting for one of 2 slots to Visma');
  });

  it('frees the slot when the attempt fails', async () => {
    await expect(limit.run(INFO, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limit.inFlight).toBe(0);
  });
});
