import { VismaTimeoutError } from '../visma/errors';

/** What a caller brings to a shared call: its own way to give up. */
export interface Waiter {
  signal?: AbortSignal;
  /** Epoch milliseconds. */
  deadline?: number;
}

export interface Timers {
  now(): number;
  /** Runs `fn` after `ms`; returns a cancel function. Must not keep the process alive. */
  schedule(fn: () => void, ms: number): () => void;
}

interface Flight<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  /** Opaque tag the caller's `canJoin` inspects (the generation the call started at). */
  readonly tag: number;
  waiters: number;
  settled: boolean;
}

/**
 * Identical GETs in flight at the same time share one upstream call. The shared call runs with a
 * signal of its own, not the first caller's: the first caller aborting must not fail the others.
 * Each caller waits with its own signal and deadline and gives up alone; the shared call is
 * aborted only when every caller has given up, so abandoned work still stops (the Visma client's
 * own default deadline bounds it otherwise).
 */
export class Coalescer {
  private readonly flights = new Map<string, Flight<unknown>>();

  constructor(private readonly timers: Timers) {}

  /** How many shared calls are in flight (for tests and metrics). */
  get size(): number {
    return this.flights.size;
  }

  /**
   * Joins the call in flight under `key` when `canJoin(tag)` allows it, otherwise starts one with
   * `start` (which receives the shared call's signal) and tags it with `tag`.
   * `joined` is told whether this caller shares an earlier caller's call.
   */
  run<T>(
    key: string,
    tag: number,
    canJoin: (tag: number) => boolean,
    start: (signal: AbortSignal) => Promise<T>,
    waiter: Waiter,
    operation: string,
    joined: (shared: boolean) => void = () => undefined,
  ): Promise<T> {
    const early = this.refusal(waiter, operation);
    if (early !== undefined) return Promise.reject(early);
    const existing = this.flights.get(key) as Flight<T> | undefined;
    if (existing !== undefined && !existing.settled && !existing.controller.signal.aborted && canJoin(existing.tag)) {
      joined(true);
      return this.wait(key, existing, waiter, operation);
    }
    joined(false);
    const controller = new AbortController();
    let promise: Promise<T>;
    try {
      promise = start(controller.signal);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own error, passed on unchanged
      return Promise.reject(error);
    }
    const flight: Flight<T> = { promise, controller, tag, waiters: 0, settled: false };
    this.flights.set(key, flight);
    const done = (): void => {
      flight.settled = true;
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    flight.promise.then(done, done);
    return this.wait(key, flight, waiter, operation);
  }

  private wait<T>(key: string, flight: Flight<T>, waiter: Waiter, operation: string): Promise<T> {
    flight.waiters += 1;
    return new Promise<T>((resolve, reject) => {
      let open = true;
      let cancelTimer = (): void => undefined;
      const leave = (): void => {
        open = false;
        cancelTimer();
        waiter.signal?.removeEventListener('abort', onAbort);
        flight.waiters -= 1;
      };
      const giveUp = (error: Error): void => {
        if (!open) return;
        leave();
        if (flight.waiters === 0 && !flight.settled) {
          // Nobody is waiting any more: stop spending Visma's budget on it, and let no one join it.
          if (this.flights.get(key) === flight) this.flights.delete(key);
          flight.controller.abort();
        }
        reject(error);
      };
      const onAbort = (): void => giveUp(new VismaTimeoutError(`${operation} was aborted by the caller`, { operation }));
      waiter.signal?.addEventListener('abort', onAbort, { once: true });
      if (waiter.deadline !== undefined && Number.isFinite(waiter.deadline)) {
        cancelTimer = this.timers.schedule(
          () => giveUp(new VismaTimeoutError(`${operation} ran out of time before Visma answered`, { operation })),
          Math.max(0, waiter.deadline - this.timers.now()),
        );
      }
      flight.promise.then(
        (value) => {
          if (!open) return;
          leave();
          resolve(value);
        },
        (error: unknown) => {
          if (!open) return;
          leave();
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own error, passed on unchanged
          reject(error);
        },
      );
    });
  }

  /** The error a caller gets at once when it has already given up, as the Visma client would throw. */
  private refusal(waiter: Waiter, operation: string): Error | undefined {
    if (waiter.signal?.aborted === true) return new VismaTimeoutError(`${operation} was aborted by the caller`, { operation });
    if (waiter.deadline !== undefined && waiter.deadline <= this.timers.now()) {
      return new VismaTimeoutError(`${operation} ran out of time before Visma answered`, { operation });
    }
    return undefined;
  }
}
