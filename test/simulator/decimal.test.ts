import { dec, decFromNumber, mul, parseDec, percentOf, round2, toNumber, toText } from '../../src/simulator/decimal';

describe('decimal', () => {
  describe('parseDec', () => {
    it.each([
      ['12.5', '12.5'],
      ['-3', '-3'],
      ['0.1234565', '0.123457'],
      ['1000000', '1000000'],
    ])('reads %s as %s', (input, expected) => {
      expect(toText(dec(input))).toBe(expected);
    });

    it.each(['1e5', 'abc', '1.', '.5', ''])('refuses %p', (input) => {
      expect(parseDec(input)).toBeNull();
    });
  });

  it('adds 0.1 and 0.2 to exactly 0.3', () => {
    const sum = (decFromNumber(0.1) ?? 0n) + (decFromNumber(0.2) ?? 0n);
    expect(toText(sum)).toBe('0.3');
  });

  it('rounds money half away from zero', () => {
    expect(toText(round2(dec('2.345')))).toBe('2.35');
    expect(toText(round2(dec('-2.345')))).toBe('-2.35');
    expect(toText(round2(dec('2.344999')))).toBe('2.34');
  });

  it('multiplies quantity by price exactly', () => {
    expect(toText(mul(dec('7.25'), dec('189.9')))).toBe('1376.775');
  });

  it('takes a percentage', () => {
    expect(toText(percentOf(dec('159802.5'), dec('25')))).toBe('39950.625');
  });

  it('turns a decimal into the JSON number of the same text', () => {
    expect(toNumber(dec('39950.63'))).toBe(39950.63);
    expect(JSON.stringify(toNumber(dec('1376.78')))).toBe('1376.78');
  });
});
