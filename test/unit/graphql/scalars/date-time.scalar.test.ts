import { Kind } from 'graphql';
import { DateTimeScalar } from '../../../../src/graphql/scalars/date-time.scalar';

describe('DateTimeScalar', () => {
  describe('serialize', () => {
    it.each(['2025-01-27T13:45:12.347+01:00', '2025-01-27T12:45:12Z', '2025-06-30T23:59:59+02:00', '2025-01-27T13:45-05:30'])(
      'passes %s through with its offset',
      (value) => {
        expect(DateTimeScalar.serialize(value)).toBe(value);
      },
    );

    it.each([
      '2025-01-27T13:45:12',
      '2025-01-27T13:45:12.347',
      '2025-01-27',
      '2025-02-30T10:00:00Z',
      '2025-01-27T24:00:00Z',
      '2025-01-27T10:60:00Z',
      '2025-01-27T10:00:00+25:00',
    ])('refuses %s', (value) => {
      expect(() => DateTimeScalar.serialize(value)).toThrow('DateTime cannot represent');
    });
  });

  describe('parseValue', () => {
    it('keeps the offset the client sent', () => {
      expect(DateTimeScalar.parseValue('2025-01-27T08:00:00-05:00')).toBe('2025-01-27T08:00:00-05:00');
    });

    it('refuses a time without an offset, saying what is expected', () => {
      expect(() => DateTimeScalar.parseValue('2025-01-27T08:00:00')).toThrow(
        'DateTime must be an ISO 8601 date-time with an explicit offset, such as "2025-01-27T13:45:12+01:00" or "2025-01-27T12:45:12Z"; received "2025-01-27T08:00:00".',
      );
    });
  });

  describe('parseLiteral', () => {
    it('refuses a non-string literal', () => {
      expect(() => DateTimeScalar.parseLiteral({ kind: Kind.BOOLEAN, value: true })).toThrow('received a BooleanValue literal');
    });
  });
});
