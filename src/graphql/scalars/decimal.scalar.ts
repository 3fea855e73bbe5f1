import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/** Plain decimal notation: optional minus, no leading zeros, no exponent. */
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;
/** .NET's `decimal` (what Visma stores) carries 28 significant digits. */
export const MAX_DECIMAL_DIGITS = 28;
/** A JSON number with more significant digits than this may already have been rounded by the parser. */
const MAX_EXACT_FLOAT_DIGITS = 15;

const EXPECTED = `a decimal number in plain notation with at most ${MAX_DECIMAL_DIGITS} digits, such as "1250.50" (a string keeps it exact)`;

/**
 * An exact decimal. Output is always a string carrying exactly the digits Visma sent, because
 * a JSON number would pass through floating point in most clients. Input accepts a string or a
 * JSON number that is still exact; the gateway itself never does arithmetic on it.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description:
    'An exact decimal number, sent as a string in plain notation (for example "1250.50"); the digits are exactly those Visma holds, never rounded through floating point. As input, a string is preferred; an integer or a number with at most 15 significant digits is also accepted.',
  serialize(value: unknown): string {
    if (typeof value !== 'string' || !isDecimalText(value)) {
      throw new TypeError(`Decimal cannot represent ${JSON.stringify(value)}: expected ${EXPECTED}.`);
    }
    return value;
  },
  parseValue(value: unknown): string {
    if (typeof value === 'number') {
      return fromNumber(value);
    }
    return fromText(value);
  },
  parseLiteral(ast: ValueNode): string {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) {
      // A literal's text is exactly what the client wrote: no float conversion happened yet.
      return fromText(ast.value);
    }
    throw new GraphQLError(`Decimal must be ${EXPECTED}; received a ${ast.kind} literal.`, { nodes: ast });
  },
});

export function isDecimalText(text: string): boolean {
  return DECIMAL.test(text) && significantDigits(text) <= MAX_DECIMAL_DIGITS;
}

function fromText(value: unknown): string {
  if (typeof value !== 'string' || !isDecimalText(value)) {
    throw new GraphQLError(`Decimal must be ${EXPECTED}; received ${JSON.stringify(value)}.`);
  }
  return value;
}

function fromNumber(value: number): string {
  const text = String(value);
  if (!Number.isFinite(value) || !DECIMAL.test(text)) {
    throw new GraphQLError(`Decimal must be ${EXPECTED}; received the number ${text}.`);
  }
  if (Number.isInteger(value) ? !Number.isSafeInteger(value) : significantDigits(text) > MAX_EXACT_FLOAT_DIGITS) {
    throw new GraphQLError(`Decimal received the number ${text}, which may have lost digits as a JSON number; send it as a string.`);
  }
  return text;
}

function significantDigits(text: string): number {
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  return Math.max(digits.length, 1);
}
