import { formatStamp, parseBodyDateTime, parseFilterDate, toNaiveLocal } from '../../src/simulator/dates';

describe('dates', () => {
  describe('toNaiveLocal', () => {
    it.each([
      ['winter in Oslo (UTC+1)', Date.UTC(2026, 0, 15, 9, 30, 15, 250), 'Europe/Oslo', '2026-01-15T10:30:15.250'],
      ['summer in Oslo (UTC+2)', Date.UTC(2025, 6, 1, 23, 0, 0, 5), 'Europe/Oslo', '2025-07-02T01:00:00.005'],
      ['UTC itself', Date.UTC(2025, 6, 1, 23, 0, 0), 'UTC', '2025-07-01T23:00:00.000'],
      ['a zone behind UTC', Date.UTC(2025, 0, 1, 3, 0, 0), 'America/New_York', '2024-12-31T22:00:00.000'],
    ])('gives the company wall-clock time: %s', (_case, ms, zone, expected) => {
      expect(formatStamp(toNaiveLocal(ms, zone))).toBe(expected);
    });
  });

  describe('parseFilterDate', () => {
    it.each([
      ['2025-01-14', Date.UTC(2025, 0, 14)],
      ['2025-01-14 10:20:30', Date.UTC(2025, 0, 14, 10, 20, 30)],
      ['2025-01-14 10:20:30.5', Date.UTC(2025, 0, 14, 10, 20, 30, 500)],
      ['2025-01-14T10:20:30', Date.UTC(2025, 0, 14, 10, 20, 30)],
      ['2025-01-14T10:20:30.123', Date.UTC(2025, 0, 14, 10, 20, 30, 123)],
    ])('accepts %s', (text, expected) => {
      expect(parseFilterDate(text)).toBe(expected);
    });

    it.each(['2025-01-14T10:20:30Z', '2025-02-30', '2025-13-01', '14.01.2025', '2025-01-14T10:20', '2025-01-14T25:00:00', ''])(
      'refuses %p',
      (text) => {
        expect(parseFilterDate(text)).toBeNull();
      },
    );
  });

  describe('parseBodyDateTime', () => {
    it('reads a bare date as midnight', () => {
      expect(parseBodyDateTime('2025-01-27')).toBe(Date.UTC(2025, 0, 27));
    });

    it('converts an offset to company time (UTC)', () => {
      expect(parseBodyDateTime('2025-01-27T01:00:00+02:00')).toBe(Date.UTC(2025, 0, 26, 23));
    });

    it('refuses a non-ISO date', () => {
      expect(parseBodyDateTime('01/27/2025')).toBeNull();
    });
  });

  it('formats audit stamps with milliseconds and no zone', () => {
    expect(formatStamp(Date.UTC(2025, 0, 27, 13, 45, 12, 347))).toBe('2025-01-27T13:45:12.347');
  });
});
