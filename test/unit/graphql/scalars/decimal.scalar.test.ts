import { Kind } from 'graphql';
import { DecimalScalar } from '../../../../src/graphql/scalars/decimal.scalar';

describe('DecimalScalar', () => {
  describe('serialize', () => {
    it.each(['1250.50', '0', '-3.125', '12345678901234567890.12345678'])('keeps exactly the digits %s', (value) => {
      expect(DecimalScalar.serialize(value)).toBe(value);
    });

    it.each([1250.5, '1e3', '01.5', '1.', '.5', 'NaN', '12345678901234567890.123456789', null])('refuses %j', (value) => {
      expect(() => DecimalScalar.serialize(value)).toThrow('Decimal cannot represent');
    });
  });

  describe('parseValue', () => {
    it.each([
      ['1250.50', '1250.50'],
      [-7, '-7'],
      [0.1, '0.1'],
      [12.5, '12.5'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ])('reads %j as %s', (value, expected) => {
      expect(DecimalScalar.parseValue(value)).toBe(expected);
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY, 1e21, 1e-7])('refuses the number %p', (value) => {
      expect(() => DecimalScalar.parseValue(value)).toThrow(/^Decimal must be/);
    });

    it('refuses an integer past 2^53, which JSON may already have rounded', () => {
      expect(() => DecimalScalar.parseValue(JSON.parse('9007199254740993'))).toThrow(
        'Decimal received the number 9007199254740992, which may have lost digits as a JSON number; send it as a string.',
      );
    });

    it('refuses a fraction with more than 15 significant digits', () => {
      expect(() => DecimalScalar.parseValue(0.30000000000000004)).toThrow('send it as a string');
    });

    it.each(['1,5', ' 1', '+1', '', 'abc', true])('refuses %j with the expected form', (value) => {
      expect(() => DecimalScalar.parseValue(value)).toThrow(/^Decimal must be a decimal number in plain notation with at most 28 digits/);
    });
  });

  describe('parseLiteral', () => {
    it.each([
      [Kind.STRING, '1250.50'],
      [Kind.INT, '42'],
      [Kind.FLOAT, '0.30000000000000004'],
    ] as const)('takes the %s literal text as written: %s', (kind, value) => {
      expect(DecimalScalar.parseLiteral({ kind, value })).toBe(value);
    });

    it('refuses an exponent in a float literal', () => {
      expect(() => DecimalScalar.parseLiteral({ kind: Kind.FLOAT, value: '1e3' })).toThrow(/^Decimal must be/);
    });
  });
});
