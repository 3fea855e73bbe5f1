import fc from 'fast-check';
import { canonicalDecimal, decimalFromWire, decimalToWire, decimalWriteProblem } from '../../../../src/visma/mapping/decimal';

describe('decimal mapping', () => {
  describe('decimalFromWire', () => {
    it.each<[number | string, string]>([
      [1250.5, '1250.5'],
      [1250.0, '1250'],
      [0, '0'],
      [-0, '0'],
      [-12.75, '-12.75'],
      [0.1, '0.1'],
      [1e-7, '0.0000001'],
      [1.5e-7, '0.00000015'],
      [1e21, '1000000000000000000000'],
      [123456789.123, '123456789.123'],
      [0.000001, '0.000001'],
      [-1e-7, '-0.0000001'],
      [123e20, '12300000000000000000000'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
      ['1250.50', '1250.5'],
      ['  42 ', '42'],
      ['+3.0', '3'],
      ['007.10', '7.1'],
      ['-0.000', '0'],
      ['.5', '0.5'],
      ['5.', '5'],
      ['1.25E+3', '1250'],
      ['12345678901234567890.123456789', '12345678901234567890.123456789'],
    ])('reads %p as "%s"', (wire, expected) => {
      expect(decimalFromWire(wire)).toBe(expected);
    });

    it.each<[number | string]>([[NaN], [Infinity], ['abc'], [''], ['1,5'], ['.'], ['1e'], ['0x10']])('refuses %p', (wire) => {
      expect(decimalFromWire(wire)).toBeNull();
    });

    it('never uses exponent notation, for any double', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
          expect(decimalFromWire(value)).toMatch(/^-?\d+(\.\d+)?$/);
        }),
      );
    });

    it('gives text that denotes the same double', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
          expect(Number(decimalFromWire(value))).toBe(value === 0 ? 0 : value);
        }),
      );
    });

    it('is idempotent', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
          const once = decimalFromWire(value) as string;
          expect(canonicalDecimal(once)).toBe(once);
        }),
      );
    });
  });

  describe('decimalWriteProblem', () => {
    it.each(['1250.5', '1250.50', '0', '-12.75', '0.1', '123456789012.34', '100000000000000000000'])('accepts %s', (decimal) => {
      expect(decimalWriteProblem(decimal)).toBeNull();
    });

    it.each([
      ['12345678901234567.89', 'travel'],
      ['0.1000000000000000055511151231257827', 'travel'],
      ['0.0000001', 'travel'],
      ['1e3', 'plain decimal'],
      ['1,5', 'plain decimal'],
      ['+1', 'plain decimal'],
      ['.5', 'plain decimal'],
      ['', 'plain decimal'],
    ])('refuses %s', (decimal, why) => {
      expect(decimalWriteProblem(decimal)).toContain(why);
    });
  });

  describe('decimalToWire', () => {
    it('sends the number whose JSON text is the decimal', () => {
      expect(JSON.stringify({ value: decimalToWire('1250.50') })).toBe('{"value":1250.5}');
    });

    it('throws on a decimal it cannot send exactly', () => {
      expect(() => decimalToWire('12345678901234567.89')).toThrow('cannot travel as a JSON number');
    });
  });
});
