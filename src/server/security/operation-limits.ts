import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * Limits on the shape of one operation's document, checked before anything runs
 * (docs/security.md). The values leave room for real operations and refuse what only an attack
 * or a bug sends: every field of an invoice and its lines, in both `edges` and `nodes`, is
 * depth 7 and about 800 tokens. What the operation costs depends on its variables too, so the
 * cost is counted once they are known (operation-budget.plugin.ts), not here.
 */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
}

export const OPERATION_LIMITS: Readonly<OperationLimits> = Object.freeze({
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
});

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
  ] as ValidationRule[];
}

/** Apollo's `parseOptions`: the token limit. */
export function operationParseOptions(limits: OperationLimits = OPERATION_LIMITS): ParseOptions {
  return { maxTokens: limits.maxTokens };
}
