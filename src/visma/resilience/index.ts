import type { RateLimitState } from '../api';
import { defaultSleep, type Now, type Sleep } from '../options';
import type { AttemptGuard, RetryBudget } from '../seams';
import { CircuitBreaker, DEFAULT_BREAKER_OPTIONS, type CircuitBreakerOptions } from './circuit-breaker';
import { composeGuards } from './compose';
import { ConcurrencyLimit, realTimer, type SetTimer } from './concurrency-limit';
import { DEFAULT_PACE_BELOW, RatePacer } from './rate-pacer';
import { DEFAULT_RETRY_BUDGET_OPTIONS, WindowedRetryBudget, type RetryBudgetOptions } from './retry-budget';

export { CircuitBreaker, DEFAULT_BREAKER_OPTIONS, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker';
export { composeGuards } from './compose';
export { ConcurrencyLimit, realTimer, type SetTimer } from './concurrency-limit';
export { WeightedSemaphore, type Release, type WaitLimits, type WeightedSemaphoreOptions } from './weighted-semaphore';
export { DEFAULT_PACE_BELOW, RatePacer } from './rate-pacer';
export { FleetBudget, HOUR_MS, type FleetBudgetOptions, type SharedWindowCounter } from './fleet-budget';
export { DEFAULT_RETRY_BUDGET_OPTIONS, WindowedRetryBudget, type RetryBudgetOptions } from './retry-budget';

export interface ResilienceOptions {
  /** Attempts in flight to Visma at once. */
  maxConcurrent: number;
  breaker?: Partial<Omit<CircuitBreakerOptions, 'now'>>;
  retryBudget?: Partial<Omit<RetryBudgetOptions, 'now'>>;
  paceBelow?: number;
  /** What Visma last reported of its rate limit (the client's `RateLimitReadings`); the pacer slows down as it runs low. */
  rateLimit?: () => RateLimitState | null;
  /** The fleet's shared call budget (docs/scaling.md); none when the gateway runs alone. */
  fleetBudget?: AttemptGuard;
  now?: Now;
  sleep?: Sleep;
  setTimer?: SetTimer;
}

export interface Resilience {
  /** For `VismaClient`'s `attemptGuard`: breaker, then the fleet budget (if any), rate pacing, the concurrency cap. */
  attemptGuard: AttemptGuard;
  retryBudget: RetryBudget;
  breaker: CircuitBreaker;
  limit: ConcurrencyLimit;
}

/**
 * The policies around every call to one upstream (one Visma company). The order is part of the
 * contract: an open circuit refuses before anything waits; pacing waits before a slot is taken,
 * so a paced call does not hold one of the few connections idle.
 */
export function createResilience(options: ResilienceOptions): Resilience {
  const now = options.now ?? Date.now;
  const breaker = new CircuitBreaker({ ...DEFAULT_BREAKER_OPTIONS, ...options.breaker, now });
  const pacer = new RatePacer({
    paceBelow: options.paceBelow ?? DEFAULT_PACE_BELOW,
    rateLimit: options.rateLimit ?? (() => null),
    now,
    sleep: options.sleep ?? defaultSleep,
  });
  const limit = new ConcurrencyLimit({ maxConcurrent: options.maxConcurrent, now, setTimer: options.setTimer ?? realTimer });
  return {
    // The fleet budget after the breaker (an open circuit spends nothing) and before pacing.
    attemptGuard: composeGuards(breaker, ...(options.fleetBudget === undefined ? [] : [options.fleetBudget]), pacer, limit),
    retryBudget: new WindowedRetryBudget({ ...DEFAULT_RETRY_BUDGET_OPTIONS, ...options.retryBudget, now }),
    breaker,
    limit,
  };
}
