import { AttemptFailure } from '../http';
import { VismaUnavailableError, isVismaError } from '../errors';
import type { Now } from '../options';
import type { AttemptGuard, AttemptInfo } from '../seams';

export interface CircuitBreakerOptions {
  /** Share of failed attempts (0 to 1) in the window that opens the circuit. Defaults to 0.5. */
  failureRate: number;
  /** Attempts the window must hold before the rate counts, so two early failures do not open it. Defaults to 10. */
  minimumCalls: number;
  /** Length of the sliding window the rate is measured over. Defaults to 30_000 (thirty seconds). */
  windowMs: number;
  /** How long the circuit stays open before a probe is let through. Defaults to 10_000 (ten seconds). */
  openMs: number;
  now: Now;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export const DEFAULT_BREAKER_OPTIONS = Object.freeze({ failureRate: 0.5, minimumCalls: 10, windowMs: 30_000, openMs: 10_000 });

/** Ten buckets per window: the rate slides in steps of a tenth of the window. */
const BUCKETS = 10;

interface Bucket {
  start: number;
  calls: number;
  failures: number;
}

/**
 * A sampling circuit breaker over every attempt to Visma (the `AttemptGuard` seam). It opens when
 * the failure rate over the last `windowMs` reaches `failureRate` with at least `minimumCalls`
 * attempts, refuses attempts at once while open (`VismaUnavailableError`, outcome `not_applied`,
 * so callers answer UPSTREAM_UNAVAILABLE without waiting), and after `openMs` lets one probe
 * through (half-open): its success closes the circuit, its failure opens it again.
 *
 * Only signs that Visma itself is failing count: a timeout, a connection that failed, a 5xx.
 * A 4xx or 429 is Visma working as designed, and an attempt the caller aborted says nothing
 * about Visma. Pattern: Nygard, "Release It!" (2nd ed.), ch. 5; the sampling variant as in
 * cockatiel's SamplingBreaker, written here with an injected clock so tests run on fake time.
 */
export class CircuitBreaker implements AttemptGuard {
  private state: CircuitState = 'closed';
  private openedAt = 0;
  private probing = false;
  private buckets: Bucket[] = [];

  constructor(private readonly options: CircuitBreakerOptions) {}

  get currentState(): CircuitState {
    if (this.state === 'open' && this.options.now() - this.openedAt >= this.options.openMs) return 'half_open';
    return this.state;
  }

  async run<T>(info: AttemptInfo, send: () => Promise<T>): Promise<T> {
    const state = this.currentState;
    if (state === 'open' || (state === 'half_open' && this.probing)) {
      throw new VismaUnavailableError(`The circuit to Visma is open after repeated failures; ${info.operation} was not sent.`, {
        operation: info.operation,
        outcome: 'not_applied',
      });
    }
    const probe = state === 'half_open';
    if (probe) {
      this.state = 'half_open';
      this.probing = true;
    }
    let failed: boolean | undefined;
    try {
      const result = await send();
      failed = isServerError(result);
      return result;
    } catch (error) {
      failed = countsAsFailure(error);
      throw error;
    } finally {
      if (probe) this.probing = false;
      if (failed !== undefined) this.record(failed, probe);
    }
  }

  private record(failed: boolean, probe: boolean): void {
    const now = this.options.now();
    if (probe || this.state === 'half_open') {
      if (failed) this.open(now);
      else this.close();
      return;
    }
    if (this.state === 'open') return;
    const bucket = this.bucketAt(now);
    bucket.calls += 1;
    if (failed) bucket.failures += 1;
    let calls = 0;
    let failures = 0;
    for (const b of this.buckets) {
      calls += b.calls;
      failures += b.failures;
    }
    if (calls >= this.options.minimumCalls && failures / calls >= this.options.failureRate) this.open(now);
  }

  private bucketAt(now: number): Bucket {
    const width = this.options.windowMs / BUCKETS;
    const start = Math.floor(now / width) * width;
    this.buckets = this.buckets.filter((bucket) => bucket.start > now - this.options.windowMs);
    let bucket = this.buckets.at(-1);
    if (bucket === undefined || bucket.start !== start) {
      bucket = { start, calls: 0, failures: 0 };
      this.buckets.push(bucket);
    }
    return bucket;
  }

  private open(now: number): void {
    this.state = 'open';
    this.openedAt = now;
    this.buckets = [];
  }

  private close(): void {
    this.state = 'closed';
    this.buckets = [];
  }
}

function isServerError(result: unknown): boolean {
  const status = typeof result === 'object' && result !== null ? (result as { status?: unknown }).status : undefined;
  return typeof status === 'number' && status >= 500;
}

/**
 * Undefined when the attempt says nothing about Visma's health (the caller gave up, the client
 * closed, another guard refused it before sending); true for timeouts and failed connections;
 * false for an answer too large to read (Visma answered: it is the request that asked for too much).
 */
function countsAsFailure(error: unknown): boolean | undefined {
  if (!isVismaError(error)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof AttemptFailure)) return undefined;
  switch (cause.reason) {
    case 'attempt_timeout':
    case 'refused':
    case 'lost':
      return true;
    case 'too_large':
      return false;
    // The request's own budget, the caller or a shutdown ended the attempt, not Visma.
    case 'deadline':
    case 'aborted':
    case 'closed':
      return undefined;
  }
}
