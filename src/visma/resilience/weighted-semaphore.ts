import { VismaTimeoutError } from '../errors';
import type { Now } from '../options';

/** Calls `fire` after `ms` unless the returned function is called first. */
export type SetTimer = (ms: number, fire: () => void) => () => void;

const MAX_TIMER_MS = 2_147_483_647;

/** A real timer that never keeps the process alive. */
export const realTimer: SetTimer = (ms, fire) => {
  const timer = setTimeout(fire, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
  timer.unref();
  return () => clearTimeout(timer);
};

export interface WeightedSemaphoreOptions {
  /** The total weight held at once. */
  capacity: number;
  /** Completes "… while waiting for <what>" in the timeout a waiter gets, e.g. "one of 8 slots to Visma". */
  what: string;
  now: Now;
  setTimer: SetTimer;
  /**
   * Lets a taker go ahead of those waiting when it fits beside what is held and leaves room for
   * the one at the head: the takers gone ahead hold together at most the capacity less the head's
   * weight, so they never keep the head waiting once what it waits for is given back. A small
   * answer then does not wait behind a large one that cannot start anyway (the bytes in flight:
   * the change poll behind answers of 22 MB). Off, the order is strict.
   */
  goAhead?: boolean;
}

/** What a waiter gives up on: its call's deadline and its caller's abort. */
export interface WaitLimits {
  /** `METHOD /path`, for the error. */
  operation: string;
  /** Epoch ms. */
  deadline?: number;
  signal?: AbortSignal;
}

/**
 * Gives weight back: `units` of it when given (a holder that needs less as it goes, such as a
 * body consumed as it arrives), else all it still holds. Nothing past what it holds, so calling
 * it again does nothing.
 */
export type Release = (units?: number) => void;

interface Waiter {
  weight: number;
  start: (ahead: boolean) => void;
}

/**
 * Holds at most `capacity` units of weight at once; beyond that, takers wait in arrival order,
 * but never past their deadline or their caller's abort. A waiter that gives up fails with a
 * timeout whose outcome is `not_applied` (nothing was sent).
 *
 * Arrival order: a heavy taker at the head is not overtaken by light ones behind it, or a steady
 * stream of light ones would starve it; with `goAhead`, light ones may use only the room the head
 * leaves, which cannot starve it. A taker heavier than the capacity counts as the whole capacity,
 * so it runs alone instead of never.
 */
export class WeightedSemaphore {
  private held = 0;
  /** Of `held`, what takers that went ahead of the head hold (`goAhead`). */
  private heldAhead = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly options: WeightedSemaphoreOptions) {}

  get used(): number {
    return this.held;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Takes `weight` now if it fits and nobody is waiting (or it may go ahead), else null (a caller's fast path, no promise). */
  tryAcquire(weight: number): Release | null {
    const units = this.units(weight);
    if (this.queue.length === 0 && this.held + units <= this.options.capacity) return this.take(units, false);
    return this.mayGoAhead(units) ? this.take(units, true) : null;
  }

  /** Resolves holding `weight`, or rejects without it when the deadline passes or the signal aborts first. */
  acquire(weight: number, limits: WaitLimits): Promise<Release> {
    const now = this.tryAcquire(weight);
    if (now !== null) return Promise.resolve(now);
    const units = this.units(weight);
    return new Promise<Release>((resolve, reject) => {
      const giveUp = (why: string): void => {
        const index = this.queue.indexOf(waiter);
        if (index < 0) return;
        this.queue.splice(index, 1);
        cleanup();
        // A heavy waiter at the head may have been all that held lighter ones back.
        this.drain();
        reject(
          new VismaTimeoutError(`${limits.operation} ${why} while waiting for ${this.options.what}`, {
            operation: limits.operation,
            outcome: 'not_applied',
          }),
        );
      };
      const onAbort = (): void => giveUp('was aborted by the caller');
      const cancelTimer =
        limits.deadline === undefined || !Number.isFinite(limits.deadline)
          ? () => undefined
          : this.options.setTimer(limits.deadline - this.options.now(), () => giveUp('ran out of time'));
      const cleanup = (): void => {
        cancelTimer();
        limits.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        weight: units,
        start: (ahead) => {
          cleanup();
          resolve(this.take(units, ahead));
        },
      };
      this.queue.push(waiter);
      limits.signal?.addEventListener('abort', onAbort, { once: true });
      if (limits.signal?.aborted) onAbort();
    });
  }

  private units(weight: number): number {
    return Math.min(Math.max(weight, 0), this.options.capacity);
  }

  /** Whether `units` may start ahead of the head now (`goAhead`). */
  private mayGoAhead(units: number): boolean {
    const head = this.queue[0];
    const { capacity, goAhead } = this.options;
    return goAhead === true && head !== undefined && this.held + units <= capacity && this.heldAhead + units + head.weight <= capacity;
  }

  private take(units: number, ahead: boolean): Release {
    this.held += units;
    if (ahead) this.heldAhead += units;
    let left = units;
    return (give = left) => {
      const back = Math.min(Math.max(give, 0), left);
      if (back === 0) return;
      left -= back;
      this.held -= back;
      if (ahead) this.heldAhead -= back;
      this.drain();
    };
  }

  /** Starts waiters from the head for as long as they fit, then those behind it that may go ahead. */
  private drain(): void {
    for (let head = this.queue[0]; head !== undefined && this.held + head.weight <= this.options.capacity; head = this.queue[0]) {
      this.queue.shift();
      head.start(false);
    }
    for (let index = 1; index < this.queue.length;) {
      const waiter = this.queue[index] as Waiter;
      if (this.mayGoAhead(waiter.weight)) {
        this.queue.splice(index, 1);
        waiter.start(true);
      } else {
        index += 1;
      }
    }
  }
}
