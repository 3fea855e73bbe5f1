import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A GraphQL answer as Apollo sends it, read back from its JSON. */
export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown; extensions?: Record<string, unknown> }>;
}

/** The code a dry run's planned write stops with (ErrorCode.DRY_RUN, docs/api.md). */
const DRY_RUN_CODE = 'DRY_RUN';

/**
 * A tool's answer from the GraphQL answer of its operation. Data without errors is the result,
 * as JSON text and as structured content. Any error makes it an MCP tool error (`isError`),
 * whose content is the GraphQL errors exactly as a GraphQL client gets them (message, path,
 * `extensions.code`, `extensions.requestId`, the code's extras) beside whatever data there was,
 * so an agent reads the same codes docs/api.md lists. A dry run's one `DRY_RUN` error is its
 * result: the calls it would make.
 */
export function toolResultOf(answer: GraphQLAnswer, requestId: string, dryRun: boolean): CallToolResult {
  const errors = answer.errors ?? [];
  if (dryRun && errors.length === 1 && errors[0]?.extensions?.['code'] === DRY_RUN_CODE) {
    const { code: _code, ...plan } = errors[0].extensions;
    const result = { dryRun: true, message: errors[0].message, ...plan, requestId };
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
  }
  if (errors.length === 0) {
    const result = { data: answer.data ?? null, requestId };
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
  }
  return toolError({ ...(answer.data === undefined ? {} : { data: answer.data }), errors, requestId });
}

/** A refusal made before the operation ran, in the shape of a GraphQL error with its code. */
export function refusal(code: string, message: string, requestId: string, extras: Record<string, unknown> = {}): CallToolResult {
  return toolError({ errors: [{ message, extensions: { code, ...extras, requestId } }], requestId });
}

function toolError(result: { data?: unknown; errors: GraphQLAnswer['errors']; requestId: string }): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
}
