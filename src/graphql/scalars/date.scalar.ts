import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DATE_INPUT_RANGE, isCalendarDate } from './calendar';

const EXPECTED = 'a calendar date as "YYYY-MM-DD"';

/** A calendar date without time or zone, as `YYYY-MM-DD` (`2025-01-27`). */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: `A calendar date without a time or time zone, as "YYYY-MM-DD" (for example "2025-01-27"). Only real dates are accepted: "2025-02-30" is refused. Every date input (written or filtered on) must lie from ${DATE_INPUT_RANGE.from} to ${DATE_INPUT_RANGE.to}; outside it is BAD_USER_INPUT naming the field.`,
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize(value: unknown): string {
    if (typeof value !== 'string' || !isCalendarDate(value)) {
      throw new TypeError(`Date cannot represent ${JSON.stringify(value)}: expected ${EXPECTED}.`);
    }
    return value;
  },
  parseValue(value: unknown): string {
    return parseDate(value);
  },
  parseLiteral(ast: ValueNode): string {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError(`Date must be a string with ${EXPECTED}; received a ${ast.kind} literal.`, { nodes: ast });
    }
    return parseDate(ast.value);
  },
});

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw new GraphQLError(`Date must be ${EXPECTED}; received ${JSON.stringify(value)}.`);
  }
  return value;
}
