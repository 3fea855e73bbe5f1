import fc from 'fast-check';
import { fullJitterDelay, isRetryableStatus, parseRetryAfter } from '../../../src/visma/retry';

describe('retry policy', () => {
  describe('fullJitterDelay', () => {
    it('stays within [0, min(cap, base * 2^(retry - 1))) for any random draw', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 20 }),
          fc.integer({ min: 1, max: 2_000 }),
          fc.integer({ min: 1, max: 60_000 }),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          (retry, base, extra, draw) => {
            const cap = base + extra;
            const delay = fullJitterDelay(retry, base, cap, () => draw);
            expect(delay).toBeGreaterThanOrEqual(0);
            expect(delay).toBeLessThan(Math.min(cap, base * 2 ** (retry - 1)));
            expect(Number.isInteger(delay)).toBe(true);
          },
        ),
      );
    });

    it('doubles the window with each retry until the cap', () => {
      const widest = (retry: number): number => fullJitterDelay(retry, 100, 1_000, () => 0.999_999) + 1;
      expect([1, 2, 3, 4, 5, 6].map(widest)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    });
  });

  describe('isRetryableStatus', () => {
    it.each([408, 429, 500, 502, 503, 504, 599])('retries %i', (status) => {
      expect(isRetryableStatus(status)).toBe(true);
    });

    it.each([200, 201, 204, 301, 400, 401, 403, 404, 409, 412, 422, 501, 505])('does not retry %i', (status) => {
      expect(isRetryableStatus(status)).toBe(false);
    });
  });

  describe('parseRetryAfter', () => {
    const now = Date.parse('2025-01-27T12:00:00Z');
    it.each<[string | null, number | undefined]>([
      [null, undefined],
      ['0', 0],
      [' 30 ', 30],
      ['Mon, 27 Jan 2025 12:00:10 GMT', 10],
      ['Mon, 27 Jan 2025 12:00:00 GMT', 0],
      ['-5', undefined],
      ['1.5', undefined],
      ['2025-01-27', undefined],
      ['later', undefined],
    ])('reads %j as %j', (header, seconds) => {
      expect(parseRetryAfter(header, now)).toBe(seconds);
    });
  });
});
