import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from '../../graphql/context';
import { admitPost, type TrustedDocumentsGate } from '../../trusted-documents';
import { REQUEST_ID_HEADER, requestIdFor } from '../request-id';
import { acceptsEventStream } from '../subscriptions/sse';
import { runInRequestScope } from '../request-scope';

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/** What the GraphQL endpoint's POSTs are served with; src/server/create-server.ts makes each of them. */
export interface GraphQLPostDeps {
  path: string;
  apollo: ApolloServer<GatewayContext>;
  /** The largest body read, in bytes; a larger one is the Express path's to refuse (413). */
  bodyLimitBytes: number;
  /** CORS_ORIGINS (src/server/http/cors.ts); null when there are none. */
  cors: Middleware | null;
  /** The router secret's check and its 401 (src/server/router-secret.middleware.ts): true when the request may go on. */
  routerSecret: (request: IncomingMessage, response: ServerResponse, requestId: string) => boolean;
  /** Inbound authentication (src/server/auth): false once the 401 has been sent. */
  authenticate: (request: IncomingMessage, response: ServerResponse, requestId: string) => Promise<boolean>;
  context: (request: IncomingMessage, response: ServerResponse, requestId: string) => Promise<GatewayContext>;
  /** TRUSTED_DOCUMENTS' gate (src/trusted-documents), asked once the body is read; undefined when it is off. */
  trustedDocuments?: TrustedDocumentsGate | undefined;
  /** A body that is not JSON, a failure outside GraphQL: the answer the Express path's error handler gives. */
  answerError: (request: IncomingMessage, response: ServerResponse, error: unknown, requestId: string) => void;
}

/**
 * Whether a request is a GraphQL POST the node:http path serves exactly as the Express path
 * would: the endpoint's own path, a JSON body in UTF-8 neither compressed nor chunked, and a
 * declared length within the limit. Everything else (GET, other paths, a form, another charset,
 * gzip, a body too large or of unknown length, an empty one) goes to the Express app, whose body
 * parser and refusals are the reference; a client that sends what Apollo Client, urql and
 * graphql-request send never reaches it.
 */
export function isPlainGraphQLPost(request: IncomingMessage, path: string, bodyLimitBytes: number): boolean {
  if (request.method !== 'POST') return false;
  const url = request.url ?? '';
  if (url !== path && !(url.startsWith(path) && url.charCodeAt(path.length) === 63 /* ? */ && !url.includes('#'))) return false;
  const headers = request.headers;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
  // GraphQL over SSE (src/server/subscriptions/sse.ts) is the Express app's.
  if (acceptsEventStream(headers.accept)) return false;
  const length = headers['content-length'];
  if (length === undefined || !/^[0-9]{1,9}$/.test(length)) return false;
  const bytes = Number(length);
  if (bytes === 0 || bytes > bodyLimitBytes) return false;
  return isJsonInUtf8(headers['content-type']);
}

function isJsonInUtf8(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const value = contentType.toLowerCase().replace(/[ \t]/g, '');
  return value === 'application/json' || value === 'application/json;charset=utf-8';
}

/**
 * Serves a plain GraphQL POST (isPlainGraphQLPost) on Node's own request and response through
 * Apollo's integration API, in the Express path's order: request id, CORS, router secret,
 * inbound authentication, the body, the request scope, Apollo. Express's routing, its body
 * parser's generality and `res.send`'s ETag (a hash of every answer, which no cache uses for a
 * POST) cost more per request than the rest of this layer together (bench/README.md, "Levers").
 */
export function serveGraphQLPost(deps: GraphQLPostDeps, request: IncomingMessage, response: ServerResponse): void {
  const requestId = requestIdFor(headerValue(request.headers[REQUEST_ID_HEADER]));
  response.setHeader(REQUEST_ID_HEADER, requestId);
  const next = (): void => {
    if (!deps.routerSecret(request, response, requestId)) return;
    deps.authenticate(request, response, requestId).then(
      (allowed) => {
        if (allowed) readBody(deps, request, response, requestId);
      },
      (error: unknown) => deps.answerError(request, response, error, requestId),
    );
  };
  if (deps.cors === null) {
    next();
    return;
  }
  deps.cors(request, response, (error) => {
    if (error === undefined) next();
    else deps.answerError(request, response, error, requestId);
  });
}

function readBody(deps: GraphQLPostDeps, request: IncomingMessage, response: ServerResponse, requestId: string): void {
  const chunks: Buffer[] = [];
  // A client gone mid-body: nothing can be answered, and an unheard 'error' would end the process.
  request.once('error', () => response.destroy());
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.once('end', () => {
    let body: unknown;
    try {
      body = parseJsonBody(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      deps.answerError(request, response, Object.assign(error as object, { status: 400 }), requestId);
      return;
    }
    if (deps.trustedDocuments !== undefined) {
      const admitted = admitPost(deps.trustedDocuments, request, response, body, requestId);
      if (admitted === undefined) return;
      body = admitted.body;
    }
    // After the body (see request-scope.ts): the Visma client's log lines get the request id.
    runInRequestScope(request, requestId, () => {
      execute(deps, request, response, requestId, body).catch((error: unknown) => {
        if (response.headersSent) response.destroy();
        else deps.answerError(request, response, error, requestId);
      });
    });
  });
}

/**
 * JSON as Express's body parser reads it in strict mode: a UTF-8 byte order mark dropped (it
 * decodes with iconv-lite), and nothing but an object or an array at the top.
 */
function parseJsonBody(text: string): unknown {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = /^[ \t\n\r]*([^ \t\n\r]|$)/.exec(json)?.[1];
  if (first !== '{' && first !== '[') {
    throw new SyntaxError('The request body must be a JSON object or array.');
  }
  return JSON.parse(json) as unknown;
}

async function execute(
  deps: GraphQLPostDeps,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  body: unknown,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = request.url ?? '';
  const query = url.indexOf('?');
  const httpGraphQLRequest: HTTPGraphQLRequest = {
    method: 'POST',
    headers,
    search: query === -1 ? '' : url.slice(query),
    body,
  };
  const answer: HTTPGraphQLResponse = await deps.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest,
    context: () => deps.context(request, response, requestId),
  });
  for (const [name, value] of answer.headers) response.setHeader(name, value);
  response.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'complete') {
    response.setHeader('content-length', Buffer.byteLength(answer.body.string));
    response.end(answer.body.string);
    return;
  }
  for await (const chunk of answer.body.asyncIterator) response.write(chunk);
  response.end();
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
