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
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n + d / 2n) / d;
  return negative ? -q : q;
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
 * Converts a JSON number to a Dec. `String(n)` yields the shortest text that reads back as
 * the same double, which is the literal the client wrote for any amount with up to 15
 * significant digits; exponent forms are expanded first.
 */
export function decFromNumber(n: number): Dec | null {
  if (!Number.isFinite(n)) return null;
  let text = String(n);
  if (/e/i.test(text)) text = n.toFixed(SCALE + 2);
  return parseDec(text);
}

export function dec(text: string): Dec {
  const value = parseDec(text);
  if (value === null) throw new Error(`not a decimal: ${text}`);
  return value;
}

export function fromInt(n: number): Dec {
  return BigInt(n) * ONE;
}

export function add(...values: Dec[]): Dec {
  return values.reduce((sum, v) => sum + v, 0n);
}

export function mul(a: Dec, b: Dec): Dec {
  return divRound(a * b, ONE);
}

export function div(a: Dec, b: Dec): Dec {
  return divRound(a * ONE, b);
}

/** a × percent / 100, e.g. VAT of a taxable amount. */
export function percentOf(a: Dec, percent: Dec): Dec {
  return divRound(a * percent, 100n * ONE);
}

export function round2(a: Dec): Dec {
  return divRound(a, CENT_STEP) * CENT_STEP;
}

export function toText(a: Dec): string {
  const negative = a < 0n;
  const abs = negative ? -a : a;
  const whole = abs / ONE;
  const fraction = (abs % ONE).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The JSON number for a Dec; exact because every value has at most 15 significant digits. */
export function toNumber(a: Dec): number {
  return Number(toText(a));
}
