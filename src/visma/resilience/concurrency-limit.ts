import { VismaTimeoutError } from '../errors';
import type { Now } from '../options';
import type { AttemptGuard, AttemptInfo } from '../seams';

/** Calls `fire` after `ms` unless the returned function is called first. */
export type SetTimer = (ms: number, fire: () => void) => () => void;

export interface ConcurrencyLimitOptions {
  /** Attempts in flight to Visma at once. Defaults to 8 (the client's keep-alive sockets). */
  maxConcurrent: number;
  now: Now;
  setTimer: SetTimer;
}

const MAX_TIMER_MS = 2_147_483_647;

/** A real timer that never keeps the process alive. */
export const realTimer: SetTimer = (ms, fire) => {
  const timer = setTimeout(fire, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
  timer.unref();
  return () => clearTimeout(timer);
};

interface Waiter {
  start: () => void;
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
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly options: ConcurrencyLimitOptions) {}

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(info: AttemptInfo, send: () => Promise<T>): Promise<T> {
    if (this.active >= this.options.maxConcurrent || this.queue.length > 0) await this.wait(info);
    else this.active += 1;
    try {
      return await send();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.queue.shift();
    if (next === undefined) this.active -= 1;
    else next.start();
  }

  /** Resolves holding a slot (handed over by `release`), or rejects without one. */
  private wait(info: AttemptInfo): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const giveUp = (why: string): void => {
        const index = this.queue.indexOf(waiter);
        if (index < 0) return;
        this.queue.splice(index, 1);
        cleanup();
        reject(
          new VismaTimeoutError(`${info.operation} ${why} while waiting for one of ${this.options.maxConcurrent} slots to Visma`, {
            operation: info.operation,
            outcome: 'not_applied',
          }),
        );
      };
      const onAbort = (): void => giveUp('was aborted by the caller');
      const cancelTimer =
        info.deadline === undefined || !Number.isFinite(info.deadline)
          ? () => undefined
          : this.options.setTimer(info.deadline - this.options.now(), () => giveUp('ran out of time'));
      const cleanup = (): void => {
        cancelTimer();
        info.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        start: () => {
          cleanup();
          resolve();
        },
      };
      this.queue.push(waiter);
      info.signal?.addEventListener('abort', onAbort, { once: true });
      if (info.signal?.aborted) onAbort();
    });
  }
}
