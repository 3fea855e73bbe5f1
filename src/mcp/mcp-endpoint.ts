import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode as JsonRpcErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { NextFunction, Request, Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayContext } from '../graphql/context';
import { requestIdOf } from '../server/request-id';
import type { TrustedDocument } from '../trusted-documents';
import { refusal, toolResultOf, type GraphQLAnswer } from './tool-result';
import { buildTools, DRY_RUN_ARGUMENT, type OperationTool, type ToolSet } from './tools';

/** What /mcp is served with; src/server/create-server.ts makes each of them. */
export interface McpEndpointDeps {
  /** The one GraphQL pipeline every tool call runs through, as an HTTP request to /graphql would. */
  apollo: ApolloServer<GatewayContext>;
  schema: GraphQLSchema;
  /** The trusted operations; read on every request, so a reloaded manifest shows at the next one. */
  documents: { list(): readonly TrustedDocument[] };
  /** MCP_MUTATIONS: the operation names of the mutations that are tools. */
  mutations: readonly string[];
  /** The GraphQL endpoint's own context function (src/server/context.ts). */
  context: (request: IncomingMessage, response: ServerResponse, requestId: string) => Promise<GatewayContext>;
  logger: Logger;
}

export const MCP_PATH = '/mcp';

const SERVER_INFO = { name: 'visma-invoice-gateway', version: '1.0.0' };

const INSTRUCTIONS =
  "Customer invoices in Visma.net ERP, through the company's invoice gateway. Every tool runs one of the gateway's trusted GraphQL operations; " +
  'a failed call answers isError with the GraphQL errors, each with extensions.code (docs/api.md lists them) and the requestId to quote. ' +
  'Write tools require an idempotency key or the expected version, and take dryRun: true to show the Visma calls they would make without making them.';

/**
 * /mcp over MCP's Streamable HTTP transport, stateless (docs/mcp.md, "Sessions"): every POST is
 * answered by a server made for it alone, with the tools of the trusted operations as they are
 * at that moment, and nothing outlives the request. So any replica answers any request, each
 * request is authenticated on its own (the middlewares in front are /graphql's), and there is
 * nothing for a client to pile up: no sessions, no open streams. GET (a server-to-client
 * stream) and DELETE (ending a session) are 405, as the transport's specification allows a
 * server without them.
 *
 * The tools are built from the trusted operations once per manifest; at start, a problem (an
 * MCP_MUTATIONS name with no such mutation, a mutation that cannot be made safe to repeat) fails
 * the start, after a reload it is logged and that operation is left out.
 */
export function mcpEndpoint(deps: McpEndpointDeps) {
  const enabled = new Set(deps.mutations);
  let built: { documents: readonly TrustedDocument[]; set: ToolSet } | undefined;
  const toolSet = (): ToolSet => {
    const documents = deps.documents.list();
    if (built?.documents !== documents) {
      const set = buildTools(documents, deps.schema, enabled);
      if (built !== undefined && set.problems.length > 0) {
        deps.logger.warn({ component: 'mcp', problems: set.problems }, 'trusted operations left out of the MCP tools');
      }
      built = { documents, set };
    }
    return built.set;
  };
  const atStart = toolSet();
  if (atStart.problems.length > 0) {
    throw new Error(`The MCP tools cannot be built from the trusted operations: ${atStart.problems.join(' ')}`);
  }

  return (request: Request, response: Response, next: NextFunction): void => {
    const requestId = requestIdOf(response);
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      sendJsonRpcError(
        response,
        405,
        `This MCP server is stateless: it answers POSTs only, and keeps no sessions or streams (${request.method ?? ''} is not served).`,
        'METHOD_NOT_ALLOWED',
        requestId,
      );
      return;
    }
    if (Array.isArray(request.body)) {
      // One operation per request, as /graphql takes (batching is off there too): each tool call has its own budget.
      sendJsonRpcError(response, 400, 'Send one JSON-RPC message per request: batches are not accepted.', 'BAD_REQUEST', requestId);
      return;
    }
    serve(deps, toolSet(), request, response, requestId).catch(next);
  };
}

async function serve(
  deps: McpEndpointDeps,
  set: ToolSet,
  request: IncomingMessage & { body?: unknown },
  response: ServerResponse,
  requestId: string,
): Promise<void> {
  const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
  const byName = new Map(set.tools.map((tool) => [tool.name, tool]));
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: set.tools.map(describe) }));
  server.setRequestHandler(CallToolRequestSchema, async (call) => {
    const tool = byName.get(call.params.name);
    if (tool === undefined) {
      throw new McpError(JsonRpcErrorCode.InvalidParams, `There is no tool ${JSON.stringify(call.params.name)}; tools/list names them.`);
    }
    return callTool(deps, tool, call.params.arguments ?? {}, request, response, requestId);
  });
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  response.once('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request, response, request.body);
}

function describe(tool: OperationTool): Tool {
  const readOnly = tool.retryGuard === undefined;
  return {
    name: tool.name,
    title: tool.document.operationName,
    description: tool.description,
    inputSchema: tool.inputSchema,
    annotations: {
      readOnlyHint: readOnly,
      // A mutation tool requires its key or version, so a repeat of the same call writes nothing more.
      idempotentHint: true,
      // A change of lines may delete some; a create only adds.
      destructiveHint: tool.retryGuard?.argument === 'expectedVersion',
      openWorldHint: false,
    },
  };
}

/**
 * Runs the tool's operation through Apollo's own HTTP entry point with the GraphQL endpoint's
 * context function: the operation budget, the limits, masking (formatError) and the request id
 * apply exactly as to a POST to /graphql (inbound auth and the router secret ran in front).
 * A dry run gets the same context with an invoices service that plans its writes.
 */
async function callTool(
  deps: McpEndpointDeps,
  tool: OperationTool,
  args: Record<string, unknown>,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
): Promise<CallToolResult> {
  const { [DRY_RUN_ARGUMENT]: dryRunArgument, ...variables } = args;
  const dryRun = tool.retryGuard !== undefined && dryRunArgument === true;
  const unknown = Object.keys(tool.retryGuard === undefined ? args : variables).filter((name) => !(name in tool.inputSchema.properties));
  if (unknown.length > 0) {
    return refusal(
      'BAD_USER_INPUT',
      `${tool.name} takes no argument ${unknown.map((name) => JSON.stringify(name)).join(', ')}.`,
      requestId,
      {
        field: unknown[0],
      },
    );
  }
  if (tool.retryGuard !== undefined && dryRunArgument !== undefined && typeof dryRunArgument !== 'boolean') {
    // Anything but true runs the write for real, so a "true" in quotes must not.
    return refusal('BAD_USER_INPUT', `${DRY_RUN_ARGUMENT}: must be true or false.`, requestId, { field: DRY_RUN_ARGUMENT });
  }
  if (tool.retryGuard !== undefined) {
    const { variable, argument } = tool.retryGuard;
    if (variables[variable] === undefined || variables[variable] === null) {
      return refusal(
        'BAD_USER_INPUT',
        `${variable}: is required by the MCP tool ${tool.name}, so that a repeated call cannot ${argument === 'idempotencyKey' ? 'create a second invoice' : 'apply a change twice'}.`,
        requestId,
        { field: variable },
      );
    }
  }
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== 'content-length') headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  headers.set('content-type', 'application/json');
  headers.set('accept', 'application/json');
  const httpGraphQLRequest: HTTPGraphQLRequest = {
    method: 'POST',
    headers,
    search: '',
    body: { query: tool.document.body, operationName: tool.document.operationName, variables },
  };
  const answer = await deps.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest,
    context: async () => {
      const context = await deps.context(request, response, requestId);
      return dryRun ? planning(context) : context;
    },
  });
  if (answer.body.kind !== 'complete') {
    // Only @defer and @stream answer in chunks; no trusted operation uses them.
    throw new Error(`The operation ${tool.document.operationName} answered in chunks, which a tool cannot return.`);
  }
  return toolResultOf(JSON.parse(answer.body.string) as GraphQLAnswer, requestId, dryRun);
}

/** The request's context with an invoices service that plans its writes instead of sending them (a dry run). */
function planning(context: GatewayContext): GatewayContext {
  let invoices: GatewayContext['invoices'] | undefined;
  return {
    requestId: context.requestId,
    get logger() {
      return context.logger;
    },
    get invoices() {
      return (invoices ??= context.invoices.planning());
    },
    enums: context.enums,
    settings: context.settings,
  };
}

function sendJsonRpcError(response: ServerResponse, status: number, message: string, code: string, requestId: string): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message, data: { code, requestId } }, id: null });
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(body));
  response.end(body);
}
