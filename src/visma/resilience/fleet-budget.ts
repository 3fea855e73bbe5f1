import { VismaRateLimitedError } from '../errors';
import type { Now } from '../options';
import type { AttemptGuard, AttemptInfo } from '../seams';

/** A counter shared by every replica: adds one to `bucket` and answers the new count; the bucket lives `ttlMs`. */
export interface SharedWindowCounter {
  increment(bucket: string, ttlMs: number): Promise<number>;
}

export interface FleetBudgetOptions {
  counter: SharedWindowCounter;
  /** Calls the whole fleet may make per window. */
  callsPerWindow: number;
  /** Defaults to one hour, Visma's window (CONTRACT §7). */
  windowMs: number;
  /** Names the budget: one per Visma company and client, as Visma counts. */
  name: string;
  now: Now;
  /** Told once when the shared counter fails (the budget turns local) and once when it answers again. */
  log: (level: 'warn' | 'info', fields: Record<string, unknown>, message: string) => void;
}

export const HOUR_MS = 3_600_000;

/**
 * One Visma call budget for the whole fleet: before each attempt a replica takes one call from
 * a fixed-window counter it shares with the others (Redis `INCR`), and an attempt past
 * `callsPerWindow` is refused with `RATE_LIMITED` until the window turns, without calling
 * Visma. Replicas therefore stay under the per-company-and-client limit together instead of
 * each spending it alone. The windows are aligned to the epoch, so every replica counts into
 * the same bucket whatever its start time (clocks differing by seconds move a few calls between
 * windows, which the margin below Visma's limit absorbs).
 *
 * When the shared counter fails, the budget degrades to a count in this process (each replica
 * then spends up to the whole budget alone, and the rate pacer on Visma's own
 * `X-RateLimit-Remaining` is what still holds the fleet back); it is shared again as soon as
 * the counter answers.
 */
export class FleetBudget implements AttemptGuard {
  private local = { window: Number.NaN, used: 0 };
  private degraded = false;

  constructor(private readonly options: FleetBudgetOptions) {
    if (!Number.isSafeInteger(options.callsPerWindow) || options.callsPerWindow < 1) {
      throw new RangeError(`FleetBudget callsPerWindow must be a positive integer; received ${options.callsPerWindow}.`);
    }
  }

  get isShared(): boolean {
    return !this.degraded;
  }

  async run<T>(info: AttemptInfo, send: () => Promise<T>): Promise<T> {
    const { windowMs, now } = this.options;
    const at = now();
    const window = Math.floor(at / windowMs) * windowMs;
    const used = await this.take(window);
    if (used > this.options.callsPerWindow) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window + windowMs - at) / 1000));
      throw new VismaRateLimitedError(
        `The fleet's Visma call budget for this hour is spent; ${info.operation} was not sent.`,
        retryAfterSeconds,
        {
          operation: info.operation,
          outcome: 'not_applied',
        },
      );
    }
    return send();
  }

  private async take(window: number): Promise<number> {
    if (this.local.window !== window) this.local = { window, used: 0 };
    this.local.used += 1;
    try {
      // The bucket outlives its window a little so a late replica's INCR does not restart it.
      const used = await this.options.counter.increment(`${this.options.name}:${window}`, this.options.windowMs * 2);
      if (this.degraded) {
        this.degraded = false;
        this.options.log('info', { budget: this.options.name }, 'fleet call budget is shared again');
      }
      return used;
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.options.log(
          'warn',
          { budget: this.options.name, error: error instanceof Error ? error.message : String(error) },
          'fleet call budget unavailable; counting in this process only until it answers again',
        );
      }
      return this.local.used;
    }
  }
}
