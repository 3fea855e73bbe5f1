import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import type { Logger } from 'pino';
import { formatGatewayError } from '../../graphql/errors';
import type { OperationBudget } from '../security/operation-budget.plugin';
import { refusalOf } from '../security/operation-budget.plugin';
import { estimateOperation } from '../security/operation-cost';

/** What a subscription's document is held to: the same as a query's over HTTP (docs/security.md). */
export interface OperationRules {
  schema: GraphQLSchema;
  /** Apollo's `validationRules`: the operation limits (depth, aliases, directives) and the known operation types. */
  validationRules: readonly ValidationRule[];
  /** Apollo's `parseOptions`: the token limit. */
  parseOptions: ParseOptions;
  budget: OperationBudget;
  maxPageSize: number;
  upstreamPageSize: () => number;
  /** GRAPHQL_FIELD_SUGGESTIONS. */
  fieldSuggestions: boolean;
}

export interface OperationParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** graphql-js's suggestion sentences, removed when GRAPHQL_FIELD_SUGGESTIONS is off (as hide-suggestions.plugin.ts does). */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * A subscription's document checked as Apollo checks a query's before it runs: parsed under the
 * token limit, validated with graphql-js's rules and the gateway's, one operation chosen, then
 * the operation budget with its variables. Only subscriptions are taken: queries and mutations go
 * to POST /graphql, where the request log, metrics and their own limits see them.
 */
export function prepareSubscription(rules: OperationRules, params: OperationParams): Omit<ExecutionArgs, 'contextValue'> | GraphQLError[] {
  if (typeof params.query !== 'string' || params.query === '') {
    return [coded('BAD_REQUEST', 'The subscription needs a GraphQL document in "query".')];
  }
  const variables = params.variables ?? undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return [coded('BAD_REQUEST', '"variables" must be an object.')];
  }
  if (params.operationName != null && typeof params.operationName !== 'string') {
    return [coded('BAD_REQUEST', '"operationName" must be a string.')];
  }
  const checked = checkedDocument(rules, params.query);
  if (Array.isArray(checked)) return checked;
  const document = checked;
  const operationName = params.operationName ?? undefined;
  const operation = getOperationAST(document, operationName);
  if (operation == null) {
    return [
      coded(
        'OPERATION_RESOLUTION_FAILURE',
        operationName === undefined
          ? 'Send one operation, or name the one to run in "operationName".'
          : `Unknown operation named "${operationName}".`,
      ),
    ];
  }
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
    return [
      coded(
        'BAD_REQUEST',
        `This transport carries subscriptions; send ${operation.operation === OperationTypeNode.QUERY ? 'queries' : 'mutations'} to POST /graphql.`,
      ),
    ];
  }
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const estimate = estimateOperation(rules.schema, fragments, operation, variables as Record<string, unknown> | undefined, {
    maxPageSize: rules.maxPageSize,
    upstreamPageSize: rules.upstreamPageSize(),
  });
  const refusal = estimate === null ? null : refusalOf(estimate, rules.budget);
  if (refusal !== null) return [refusal];
  return {
    schema: rules.schema,
    document,
    operationName: operationName ?? null,
    variableValues: (variables as Record<string, unknown> | null | undefined) ?? undefined,
  };
}

/** Valid documents by their text: a screen's many subscriptions share one document, parsed and validated once. */
const DOCUMENTS_KEPT = 500;
const valid = new WeakMap<OperationRules, Map<string, DocumentNode>>();

/**
 * The document parsed and validated, or its errors. A valid one is kept (the 500 last used per
 * server): an idle subscription then holds a reference to it instead of an AST of its own, which
 * halved what one costs (docs/subscriptions.md, "Measured").
 */
function checkedDocument(rules: OperationRules, query: string): DocumentNode | GraphQLError[] {
  let kept = valid.get(rules);
  if (kept === undefined) {
    kept = new Map();
    valid.set(rules, kept);
  }
  const known = kept.get(query);
  if (known !== undefined) {
    kept.delete(query);
    kept.set(query, known);
    return known;
  }
  let document: DocumentNode;
  try {
    document = parse(query, rules.parseOptions);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
  }
  const invalid = validate(rules.schema, document, [...specifiedRules, ...rules.validationRules]);
  if (invalid.length > 0) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
  kept.set(query, document);
  if (kept.size > DOCUMENTS_KEPT) {
    const oldest = kept.keys().next().value;
    if (oldest !== undefined) kept.delete(oldest);
  }
  return document;
}

/**
 * What leaves in a subscription's errors: the same masking as every other answer
 * (formatGatewayError: a code for what the gateway raised on purpose, INTERNAL_SERVER_ERROR for
 * the rest), the request id, and no suggestions when they are off.
 */
export function formatErrors(
  errors: readonly GraphQLError[],
  requestId: string,
  fieldSuggestions: boolean,
  logger?: Pick<Logger, 'error'>,
): GraphQLFormattedError[] {
  return errors.map((error) => {
    const formatted = formatGatewayError(error.toJSON(), error);
    // Masked: the original is logged under the request id, as the error-logging plugin does for queries.
    if (formatted.extensions?.['code'] === 'INTERNAL_SERVER_ERROR')
      logger?.error({ err: error.originalError ?? error, requestId }, 'subscription error');
    const message = fieldSuggestions ? formatted.message : formatted.message.replace(SUGGESTION, '');
    return { ...formatted, message, extensions: { ...formatted.extensions, requestId } };
  });
}

/** The result as it is sent: its errors formatted, its data untouched. */
export function formatResult(
  result: ExecutionResult,
  requestId: string,
  fieldSuggestions: boolean,
  logger?: Pick<Logger, 'error'>,
): ExecutionResult | undefined {
  if (result.errors === undefined || result.errors.length === 0) return undefined;
  return { ...result, errors: formatErrors(result.errors, requestId, fieldSuggestions, logger) as unknown as GraphQLError[] };
}

function coded(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    extensions: { ...error.extensions, code },
  });
}
