import { Kind, type ValueNode } from 'graphql';
import { DateScalar } from '../../../../src/graphql/scalars/date.scalar';

const literal = (value: string): ValueNode => ({ kind: Kind.STRING, value });

describe('DateScalar', () => {
  describe('serialize', () => {
    it.each(['2025-01-27', '2024-02-29', '2000-02-29', '0001-01-01'])('passes %s through unchanged', (value) => {
      expect(DateScalar.serialize(value)).toBe(value);
    });

    it.each(['2025-02-29', '1900-02-29', '2025-13-01', '2025-04-31', '2025-01-27T00:00:00', '27.01.2025', 20250127, null])(
      'refuses %j',
      (value) => {
        expect(() => DateScalar.serialize(value)).toThrow('Date cannot represent');
      },
    );
  });

  describe('parseValue', () => {
    it('accepts a real calendar date', () => {
      expect(DateScalar.parseValue('2024-02-29')).toBe('2024-02-29');
    });

    it.each(['2025-02-30', '2025-00-10', '2025-1-5', '', 'today'])('refuses %j with the expected form', (value) => {
      expect(() => DateScalar.parseValue(value)).toThrow(
        `Date must be a calendar date as "YYYY-MM-DD"; received ${JSON.stringify(value)}.`,
      );
    });
  });

  describe('parseLiteral', () => {
    it('accepts a string literal', () => {
      expect(DateScalar.parseLiteral(literal('2025-12-31'))).toBe('2025-12-31');
    });

    it('refuses a number literal', () => {
      expect(() => DateScalar.parseLiteral({ kind: Kind.INT, value: '20251231' })).toThrow(
        'Date must be a string with a calendar date as "YYYY-MM-DD"; received a IntValue literal.',
      );
    });
  });
});
