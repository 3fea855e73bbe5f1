import type { RateLimitState } from './api';

/**
 * What Visma last reported of its rate limit. The client records every answer's headers here;
 * the rate pacer (inside the client's attempt guard) and the metrics read it. Made before all
 * three, so none of them needs another to exist first.
 */
export class RateLimitReadings {
  private last: RateLimitState | null = null;

  record(state: RateLimitState): void {
    this.last = state;
  }

  /** A copy of the latest reading, or null before Visma's first answer. */
  latest(): RateLimitState | null {
    return this.last === null ? null : { ...this.last };
  }
}

/**
 * Reads Visma's `X-RateLimit-*` headers (CONTRACT §7: sent on every response; `Reset` is seconds
 * until the window resets). Null when the answer did not carry a complete set.
 */
export function rateLimitFromHeaders(headers: { get(name: string): string | null }, nowMs: number): RateLimitState | null {
  const limit = integerHeader(headers.get('x-ratelimit-limit'));
  const remaining = integerHeader(headers.get('x-ratelimit-remaining'));
  const reset = integerHeader(headers.get('x-ratelimit-reset'));
  if (limit === undefined || remaining === undefined || reset === undefined) {
    return null;
  }
  const policy = headers.get('x-ratelimit-policy');
  return {
    limit,
    remaining,
    resetAt: nowMs + reset * 1000,
    policy: policy === null || policy.trim() === '' ? null : policy.trim(),
    observedAt: nowMs,
  };
}

function integerHeader(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}
