import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * Limits on the shape of one operation, checked before anything runs (README, "Security").
 * The values leave room for the largest real operation (every field of an invoice and its
 * lines, in both `edges` and `nodes` of a connection: depth 7, cost 10,574, about 800 tokens;
 * in `nodes` alone: depth 6, cost 4,252, about 320 tokens) and refuse what only an attack or
 * a bug sends. `first` is capped separately by MAX_PAGE_SIZE: the cost below is static
 * and does not multiply by list sizes.
 */
export const OPERATION_LIMITS = Object.freeze({
  /** Nested fields, fragments flattened (graphql-armor max-depth). */
  maxDepth: 10,
  /** Aliased fields in one operation; `__typename` aliases are free (graphql-armor max-aliases). */
  maxAliases: 15,
  /** Directives in one operation (graphql-armor max-directives). */
  maxDirectives: 20,
  /**
   * Lexer tokens in the document: graphql-js's own `parse({ maxTokens })`, the same check
   * graphql-armor's max-tokens plugin makes, stops a huge document before an AST is built.
   */
  maxTokens: 3_000,
  /** graphql-armor's cost: 2 an object, 1 a scalar, times 1.5 per level of depth. */
  maxCost: 15_000,
});

export type OperationLimits = typeof OPERATION_LIMITS;

/**
 * graphql-armor's rules throw from inside the validation visitor by default, which aborts
 * graphql-js's validation with a raw exception; reporting through the context instead makes
 * the refusal an ordinary validation error (GRAPHQL_VALIDATION_FAILED, HTTP 400), listed with
 * any others. Its "Syntax Error: " prefix is dropped: the document parsed fine.
 */
const report: { propagateOnRejection: boolean; onReject: Array<(context: ValidationContext | null, error: GraphQLError) => void> } = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError): void => {
      context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
    },
  ],
};

export function operationLimitRules(limits: OperationLimits = OPERATION_LIMITS): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
    costLimitRule({ maxCost: limits.maxCost, ...report }),
  ] as ValidationRule[];
}

/** Apollo's `parseOptions`: the token limit. */
export function operationParseOptions(limits: OperationLimits = OPERATION_LIMITS): ParseOptions {
  return { maxTokens: limits.maxTokens };
}
