import { RateLimitReadings, rateLimitFromHeaders } from '../../../src/visma/rate-limit';

function headers(values: Record<string, string>): { get(name: string): string | null } {
  return { get: (name) => values[name.toLowerCase()] ?? null };
}

describe('rateLimitFromHeaders', () => {
  const now = 1_000_000;

  it('reads the four X-RateLimit headers, with the reset as seconds from now', () => {
    expect(
      rateLimitFromHeaders(
        headers({
          'x-ratelimit-limit': '15000',
          'x-ratelimit-remaining': '14999',
          'x-ratelimit-reset': '3599',
          'x-ratelimit-policy': '4-fixed-window',
        }),
        now,
      ),
    ).toEqual({ limit: 15000, remaining: 14999, resetAt: now + 3_599_000, policy: '4-fixed-window', observedAt: now });
  });

  it('takes a missing policy as null', () => {
    expect(
      rateLimitFromHeaders(headers({ 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '5' }), now)?.policy,
    ).toBeNull();
  });

  it.each([
    ['no headers', {}],
    ['no reset', { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' }],
    ['a non-numeric limit', { 'x-ratelimit-limit': 'many', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '5' }],
  ])('ignores an answer with %s', (_case, values) => {
    expect(rateLimitFromHeaders(headers(values), now)).toBeNull();
  });
});

describe('RateLimitReadings', () => {
  it('is null before the first reading, then the latest one, as a copy a reader cannot change', () => {
    const readings = new RateLimitReadings();
    expect(readings.latest()).toBeNull();
    readings.record({ limit: 15_000, remaining: 14_000, resetAt: 1_000, policy: null, observedAt: 0 });
    readings.record({ limit: 15_000, remaining: 13_999, resetAt: 1_000, policy: null, observedAt: 1 });
    const latest = readings.latest();
    expect(latest).toEqual({ limit: 15_000, remaining: 13_999, resetAt: 1_000, policy: null, observedAt: 1 });
    if (latest !== null) latest.remaining = 0;
    expect(readings.latest()?.remaining).toBe(13_999);
  });
});
