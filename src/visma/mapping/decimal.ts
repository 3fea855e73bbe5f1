/**
 * Decimals as exact text. Visma declares money and quantities as JSON doubles (CONTRACT §2.2);
 * the domain carries them as decimal text so that no layer does float arithmetic on them.
 * Everything here is string manipulation: no value is ever added, multiplied or rounded.
 */

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * The canonical text of a decimal given as text, possibly in exponent notation: no exponent,
 * no `+`, no leading zeros, no trailing fractional zeros, `0` for zero. Null when the text is
 * not a decimal.
 */
export function canonicalDecimal(text: string): string | null {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (match === null) {
    return null;
  }
  const [, sign = '', intDigits = '', fracDigits = '', exponentText] = match;
  if (intDigits === '' && fracDigits === '') {
    return null;
  }
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) {
    return null;
  }
  // Move the decimal point by the exponent on the digit string.
  const digits = intDigits + fracDigits;
  const pointAt = intDigits.length + exponent;
  let integerPart: string;
  let fractionPart: string;
  if (pointAt <= 0) {
    integerPart = '0';
    fractionPart = '0'.repeat(-pointAt) + digits;
  } else if (pointAt >= digits.length) {
    integerPart = digits + '0'.repeat(pointAt - digits.length);
    fractionPart = '';
  } else {
    integerPart = digits.slice(0, pointAt);
    fractionPart = digits.slice(pointAt);
  }
  integerPart = integerPart.replace(/^0+(?=\d)/, '');
  fractionPart = fractionPart.replace(/0+$/, '');
  const magnitude = fractionPart === '' ? integerPart : `${integerPart}.${fractionPart}`;
  return magnitude === '0' || sign !== '-' ? magnitude : `-${magnitude}`;
}

/**
 * A decimal Visma sent, as exact text. A JSON number arrives as a double whose shortest
 * round-trip text (what `String` gives) is the number Visma wrote, so that text is used,
 * with any exponent expanded (`1e-7` becomes `0.0000001`).
 */
export function decimalFromWire(value: number | string): string | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    const text = String(value);
    // Without an exponent, a double's shortest text is already canonical (no `+`, no leading or
    // trailing zeros, `-0` prints as `0`); only exponents need the digit shuffle.
    return text.includes('e') ? canonicalDecimal(text) : text;
  }
  return canonicalDecimal(value);
}

/** Why a domain decimal cannot be written, or null when it can. */
export function decimalWriteProblem(decimal: string): string | null {
  if (!PLAIN_DECIMAL.test(decimal)) {
    return 'is not a plain decimal such as "1250.50" (digits, an optional "-" and one optional ".")';
  }
  const canonical = canonicalDecimal(decimal) ?? decimal;
  if (String(Number(canonical)) !== canonical) {
    // e.g. 17+ significant digits (rounded by a double) or 1e-7 (JSON text would use an exponent).
    return 'cannot travel as a JSON number whose text is exactly this decimal';
  }
  return null;
}

/**
 * The JSON number to send for a domain decimal. Visma only takes numbers here, so the decimal
 * must survive the trip: the number's JSON text must be the decimal itself (trailing zeros
 * aside). Callers check `decimalWriteProblem` first; this throws a plain Error when they did not.
 */
export function decimalToWire(decimal: string): number {
  const problem = decimalWriteProblem(decimal);
  if (problem !== null) {
    throw new Error(`Decimal ${JSON.stringify(decimal)} ${problem}.`);
  }
  return Number(decimal);
}
