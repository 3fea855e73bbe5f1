/**
 * Exact decimal arithmetic for money and quantities. A `Dec` is a bigint counting millionths,
 * so sums and products never pass through binary floating point. Six places hold every unit
 * price and quantity Visma accepts in practice; money is rounded to two places (CONTRACT §2.2).
 * Rounding is half away from zero, as Acumatica rounds currency amounts.
 */
export type Dec = bigint;

const SCALE = 6;
const ONE = 1_000_000n;
const CENT_STEP = 10_000n;

export const ZERO: Dec = 0n;

function divRound(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const dividend = numerator < 0n ? -numerator : numerator;
  const divisor = denominator < 0n ? -denominator : denominator;
  const quotient = (dividend + divisor / 2n) / divisor;
  return negative ? -quotient : quotient;
}

const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses decimal text (`"12.5"`, `"-3"`); returns null when it is not a plain decimal. */
export function parseDec(text: string): Dec | null {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return null;
  const [, sign, whole = '0', fraction = ''] = match;
  const kept = fraction.slice(0, SCALE).padEnd(SCALE, '0');
  let value = BigInt(whole) * ONE + BigInt(kept);
  // Digits beyond the sixth place round the sixth, half away from zero.
  if (fraction.length > SCALE && fraction.charCodeAt(SCALE) - 48 >= 5) value += 1n;
  return sign ? -value : value;
}

/**
 * Converts a JSON number to a Dec. `String(value)` yields the shortest text that reads back as
 * the same double, which is the literal the client wrote for any amount with up to 15
 * significant digits; exponent forms are expanded first.
 */
export function decFromNumber(value: number): Dec | null {
  if (!Number.isFinite(value)) return null;
  let text = String(value);
  if (/e/i.test(text)) text = value.toFixed(SCALE + 2);
  return parseDec(text);
}

export function dec(text: string): Dec {
  const value = parseDec(text);
  if (value === null) throw new Error(`not a decimal: ${text}`);
  return value;
}

export function fromInt(integer: number): Dec {
  return BigInt(integer) * ONE;
}

export function add(...values: Dec[]): Dec {
  return values.reduce((sum, value) => sum + value, 0n);
}

export function mul(left: Dec, right: Dec): Dec {
  return divRound(left * right, ONE);
}

export function div(dividend: Dec, divisor: Dec): Dec {
  return divRound(dividend * ONE, divisor);
}

/** amount × percent / 100, e.g. VAT of a taxable amount. */
export function percentOf(amount: Dec, percent: Dec): Dec {
  return divRound(amount * percent, 100n * ONE);
}

export function round2(value: Dec): Dec {
  return divRound(value, CENT_STEP) * CENT_STEP;
}

export function toText(value: Dec): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / ONE;
  const fraction = (abs % ONE).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The JSON number for a Dec; exact because every value has at most 15 significant digits. */
export function toNumber(value: Dec): number {
  return Number(toText(value));
}
