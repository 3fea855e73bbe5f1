import type { RateLimitState } from '../api';
import { VismaRateLimitedError } from '../errors';
import type { Now, Sleep } from '../options';
import type { AttemptGuard, AttemptInfo } from '../seams';

export interface RatePacerOptions {
  /** Pacing starts when the remaining budget falls below this share of the limit. Defaults to 0.1. */
  paceBelow: number;
  /** What the client last saw of `X-RateLimit-*` (the client's `rateLimit()`); null before the first answer. */
  rateLimit: () => RateLimitState | null;
  now: Now;
  sleep: Sleep;
}

export const DEFAULT_PACE_BELOW = 0.1;

/**
 * Slows down before Visma's hourly budget (per company and client, CONTRACT §7) runs out rather
 * than after. While plenty is left, attempts pass untouched. Below `paceBelow` of the limit,
 * what remains is spread evenly over the time to the window's reset, so the last requests of an
 * hour are not spent in the first minute of a burst. When the budget is gone, or the wait for
 * the next slot would pass the call's deadline, the attempt is refused at once with
 * `VismaRateLimitedError` (RATE_LIMITED) and the seconds until a slot frees: a 429 from Visma
 * would say the same, a round trip later.
 *
 * Visma's `Remaining` counts the window as Visma saw it at that answer; attempts this gateway
 * starts before the next answer are subtracted here, so parallel calls do not all pass on the
 * same stale figure.
 */
export class RatePacer implements AttemptGuard {
  private seenAt = Number.NaN;
  private remaining = 0;
  private nextSlot = 0;

  constructor(private readonly options: RatePacerOptions) {}

  async run<T>(info: AttemptInfo, send: () => Promise<T>): Promise<T> {
    const state = this.options.rateLimit();
    const now = this.options.now();
    if (state === null || now >= state.resetAt) return send();
    if (state.observedAt !== this.seenAt) {
      this.seenAt = state.observedAt;
      this.remaining = state.remaining;
    }
    if (this.remaining <= 0) {
      throw this.refuse(info, state.resetAt - now, 'is spent');
    }
    if (this.remaining > state.limit * this.options.paceBelow) {
      this.remaining -= 1;
      return send();
    }
    const spacing = Math.ceil((state.resetAt - now) / this.remaining);
    const slot = Math.max(now, this.nextSlot);
    const wait = slot - now;
    if (info.deadline !== undefined && now + wait >= info.deadline) {
      throw this.refuse(info, wait, "is nearly spent and the next paced slot is past this request's deadline");
    }
    this.nextSlot = slot + spacing;
    this.remaining -= 1;
    if (wait > 0) await this.options.sleep(wait, info.signal);
    return send();
  }

  private refuse(info: AttemptInfo, waitMs: number, why: string): VismaRateLimitedError {
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new VismaRateLimitedError(`Visma's request budget ${why}; ${info.operation} was not sent.`, retryAfterSeconds, {
      operation: info.operation,
      outcome: 'not_applied',
    });
  }
}
