import type { Now } from '../options';
import type { AttemptInfo, RetryBudget } from '../seams';

export interface RetryBudgetOptions {
  /** Retries allowed per first attempt in the window (0 to 1). Defaults to 0.1 (ten percent). */
  ratio: number;
  /** Retries always allowed per window, so a quiet gateway can still retry. Defaults to 10. */
  minRetries: number;
  /** The sliding window. Defaults to 10_000 (ten seconds). */
  windowMs: number;
  now: Now;
}

export const DEFAULT_RETRY_BUDGET_OPTIONS = Object.freeze({ ratio: 0.1, minRetries: 10, windowMs: 10_000 });

const BUCKETS = 10;

interface Bucket {
  start: number;
  attempts: number;
  retries: number;
}

/**
 * Retries stay a small share of traffic: over a sliding window, at most `minRetries` plus
 * `ratio` times the first attempts. When Visma struggles every call wants to retry at once and
 * retries would multiply the load exactly when it hurts; with the budget spent, calls fail with
 * their own error instead. The idea and the defaults follow Google's SRE book, "Handling
 * Overload" (a per-client retry budget of 10 %), and Finagle's RetryBudget (a minimum per
 * second plus a percentage): https://sre.google/sre-book/handling-overload/
 */
export class WindowedRetryBudget implements RetryBudget {
  private buckets: Bucket[] = [];

  constructor(private readonly options: RetryBudgetOptions) {}

  recordAttempt(_info?: AttemptInfo): void {
    this.bucketAt(this.options.now()).attempts += 1;
  }

  tryAcquireRetry(_info?: AttemptInfo): boolean {
    const bucket = this.bucketAt(this.options.now());
    let attempts = 0;
    let retries = 0;
    for (const b of this.buckets) {
      attempts += b.attempts;
      retries += b.retries;
    }
    if (retries + 1 > this.options.minRetries + this.options.ratio * attempts) return false;
    bucket.retries += 1;
    return true;
  }

  private bucketAt(now: number): Bucket {
    const width = this.options.windowMs / BUCKETS;
    const start = Math.floor(now / width) * width;
    this.buckets = this.buckets.filter((bucket) => bucket.start > now - this.options.windowMs);
    let bucket = this.buckets.at(-1);
    if (bucket === undefined || bucket.start !== start) {
      bucket = { start, attempts: 0, retries: 0 };
      this.buckets.push(bucket);
    }
    return bucket;
  }
}
