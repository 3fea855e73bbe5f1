import type { Now } from '../options';
import type { AttemptGuard, AttemptInfo } from '../seams';
import { WeightedSemaphore, type SetTimer } from './weighted-semaphore';

export { realTimer, type SetTimer } from './weighted-semaphore';

export interface ConcurrencyLimitOptions {
  /** Attempts in flight to Visma at once. Defaults to 8 (the client's keep-alive sockets). */
  maxConcurrent: number;
  now: Now;
  setTimer: SetTimer;
}

/**
 * Caps the attempts in flight to Visma (a bulkhead). Beyond the cap, attempts wait in arrival
 * order, but never past their call's deadline or their caller's abort: a queued attempt that
 * runs out of time fails with a timeout whose outcome is `not_applied` (nothing was sent).
 *
 * Without it, the HTTP agent queues sockets itself, and the time spent in its queue counts
 * against the attempt's own timeout, so a burst of traffic would look like Visma timing out and
 * trip the circuit breaker.
 */
export class ConcurrencyLimit implements AttemptGuard {
  private readonly slots: WeightedSemaphore;

  constructor(options: ConcurrencyLimitOptions) {
    this.slots = new WeightedSemaphore({
      capacity: options.maxConcurrent,
      what: `one of ${options.maxConcurrent} slots to Visma`,
      now: options.now,
      setTimer: options.setTimer,
    });
  }

  get inFlight(): number {
    return this.slots.used;
  }

  get waiting(): number {
    return this.slots.waiting;
  }

  async run<T>(info: AttemptInfo, send: () => Promise<T>): Promise<T> {
    // The fast path sends in the same tick, as an unguarded client would.
    const release = this.slots.tryAcquire(1) ?? (await this.slots.acquire(1, info));
    try {
      return await send();
    } finally {
      release();
    }
  }
}
