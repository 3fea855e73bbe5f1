import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DATE_INPUT_RANGE, isOffsetDateTime } from './calendar';

const EXPECTED = 'an ISO 8601 date-time with an explicit offset, such as "2025-01-27T13:45:12+01:00" or "2025-01-27T12:45:12Z"';

/**
 * An instant with its offset. Visma sends many date-times without a zone; the client reads
 * those in the company's configured time zone (VISMA_TIME_ZONE), so every value that leaves
 * the gateway names its offset.
 */
export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description:
    'An instant as an ISO 8601 date-time with an explicit offset (for example "2025-01-27T13:45:12.347+01:00"). Visma sends many date-times without a zone; the gateway reads those in the Visma company\'s time zone (VISMA_TIME_ZONE, Europe/Oslo by default) and always states the offset.' +
    ` A DateTime input must be dated (as written) from ${DATE_INPUT_RANGE.from} to ${DATE_INPUT_RANGE.to}; outside it is BAD_USER_INPUT naming the field.`,
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize(value: unknown): string {
    if (typeof value !== 'string' || !isOffsetDateTime(value)) {
      throw new TypeError(`DateTime cannot represent ${JSON.stringify(value)}: expected ${EXPECTED}.`);
    }
    return value;
  },
  parseValue(value: unknown): string {
    return parseDateTime(value);
  },
  parseLiteral(ast: ValueNode): string {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError(`DateTime must be a string with ${EXPECTED}; received a ${ast.kind} literal.`, { nodes: ast });
    }
    return parseDateTime(ast.value);
  },
});

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !isOffsetDateTime(value)) {
    throw new GraphQLError(`DateTime must be ${EXPECTED}; received ${JSON.stringify(value)}.`);
  }
  return value;
}
