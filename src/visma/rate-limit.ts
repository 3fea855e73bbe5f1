import type { RateLimitState } from './api';

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
