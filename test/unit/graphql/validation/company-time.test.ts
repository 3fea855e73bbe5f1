import { toCompanyLocalDateTime } from '../../../../src/graphql/validation/company-time';

describe('toCompanyLocalDateTime', () => {
  it.each([
    ['2025-01-27T12:00:00Z', 'Europe/Oslo', '2025-01-27T13:00:00'],
    ['2025-07-01T12:00:00Z', 'Europe/Oslo', '2025-07-01T14:00:00'],
    ['2025-03-30T00:59:59Z', 'Europe/Oslo', '2025-03-30T01:59:59'],
    ['2025-03-30T01:00:00Z', 'Europe/Oslo', '2025-03-30T03:00:00'],
    ['2025-01-01T00:00:00+05:30', 'UTC', '2024-12-31T18:30:00'],
    ['2025-01-27T23:30:00-01:00', 'Europe/Stockholm', '2025-01-28T01:30:00'],
  ])('%s in %s is %s', (instant, zone, local) => {
    expect(toCompanyLocalDateTime(instant, zone)).toBe(local);
  });

  it('drops fractions of a second', () => {
    expect(toCompanyLocalDateTime('2025-01-27T12:00:00.999Z', 'UTC')).toBe('2025-01-27T12:00:00');
  });

  it('refuses text that is not an instant', () => {
    expect(() => toCompanyLocalDateTime('yesterday', 'UTC')).toThrow('Not an instant: "yesterday".');
  });
});
