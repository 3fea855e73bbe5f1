import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Config, HttpTimeouts } from '../config';
import type { GatewayContext } from '../graphql/context';
import { EnumDegrader } from '../graphql/enums/enum-degrader';
import { ErrorCode, formatGatewayError } from '../graphql/errors';
import type { IdempotentCreator } from '../idempotency';
import { UpstreamPageSize } from '../invoices';
import type { VismaApi } from '../visma/api';
import { authenticateInbound, inboundAuthMiddleware } from './auth/auth.middleware';
import { InboundAuthenticator } from './auth/inbound-auth';
import { createContextFunction, createNodeContextFunction, createRequestContext, type ContextDeps, type RequestFacts } from './context';
import { healthRoutes, type ReadinessProbe } from './health';
import { simplePostGuard } from './http/csrf';
import { jitGateway } from './jit-executor';
import type { GatewayMetrics } from './metrics';
import { loadExampleTabs, playgroundRoutes } from './playground/playground';
import { metricsPlugin } from './plugins/metrics.plugin';
import { errorLoggingPlugin } from './plugins/error-logging.plugin';
import { federationTracesPlugins } from './plugins/federation-traces.plugin';
import { requestLogPlugin } from './plugins/request-log.plugin';
import { mediaTypeStatusPlugin } from './plugins/media-type-status.plugin';
import { sendErrors } from './http/send-errors';
import { takeServedSchema } from './served-schema';
import { REQUEST_ID_HEADER, requestIdMiddleware, requestIdOf } from './request-id';
import { currentRequestId, requestScopeMiddleware } from './request-scope';
import { corsMiddleware } from './http/cors';
import { MCP_PATH, mcpEndpoint } from '../mcp';
import type { TrustedDocumentStore } from '../trusted-documents';
import { routerSecretGuard, routerSecretMiddleware } from './router-secret.middleware';
import { isPlainGraphQLPost, serveGraphQLPost, type GraphQLPostDeps } from './http/graphql-post';
import type { ServerTracing } from './tracing';
import { trustedDocumentsMiddleware, type TrustedDocumentsGate } from '../trusted-documents';
import { hideSuggestionsPlugin } from './security/hide-suggestions.plugin';
import { knownOperationTypesRule } from './security/known-operation-types.rule';
import { operationBudgetPlugin } from './security/operation-budget.plugin';
import { operationLimitRules, operationParseOptions } from './security/operation-limits';
import { serveSubscriptions, subscriptionPlugins, type LiveSubscriptions } from './subscriptions';
import type { ChangeFeed } from '../upstream-cache/change-feed';

export const GRAPHQL_PATH = '/graphql';
/** GraphQL documents and variables are small; 1 MB leaves room for a large createInvoice. */
export const BODY_LIMIT = '1mb';
/** The same in bytes, as Express's body parser reads '1mb'. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/** What the HTTP server is built from; src/compose.ts (the composition root) makes each of them. */
export interface ServerDeps {
  config: Config;
  /** The upstream every request's invoices service reads and writes through. */
  visma: VismaApi;
  logger: Logger;
  now: () => number;
  /** Idempotent creates, one per process (over Redis's key store when replicas share one). */
  idempotency: IdempotentCreator;
  /** The registry that also observes the Visma client and the upstream cache. */
  metrics: GatewayMetrics;
  /** What /readyz checks; undefined: nothing to check (passthrough mode). */
  readiness: ReadinessProbe | undefined;
  /** Invoice changes for subscriptions (docs/subscriptions.md), and the client credentials' cache scope (null: passthrough). */
  changes?: { feed: ChangeFeed; scope: string | null } | undefined;
  /** Visma's webhooks in (src/webhooks, docs/webhooks.md): signed, so outside inbound auth; undefined when off. */
  webhooks?: Router | undefined;
  /** Spans for requests and their operations (docs/operations.md, "Tracing"); undefined when tracing is off. */
  tracing?: ServerTracing | undefined;
  /** The trusted operations, the tools of /mcp (docs/mcp.md); undefined when TRUSTED_DOCUMENTS is off: no tools. */
  documents?: TrustedDocumentStore | undefined;
  /** TRUSTED_DOCUMENTS' gate, asked before Apollo parses a document (docs/trusted-documents.md); undefined when it is off. */
  trustedDocuments?: TrustedDocumentsGate | undefined;
}

export interface ListeningServer {
  /** The GraphQL endpoint, such as `http://127.0.0.1:4000/graphql`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface GatewayServer {
  app: Express;
  apollo: ApolloServer<GatewayContext>;
  httpServer: http.Server;
  metrics: GatewayMetrics;
  listen(port: number, host: string): Promise<ListeningServer>;
  /** A request context as the HTTP layer would build it, for in-process `apollo.executeOperation`. */
  createContext(facts?: Partial<RequestFacts>): GatewayContext;
}

/**
 * Builds the gateway without listening, so tests can make as many as they like. Apollo is
 * started here (its middleware needs that); `listen` only binds the port.
 */
export async function createServer(deps: ServerDeps): Promise<GatewayServer> {
  const { now, metrics } = deps;
  let shuttingDown = false;
  const app = express();
  app.disable('x-powered-by');
  // Plain GraphQL POSTs are served on node:http without Express (http/graphql-post.ts); the rest goes to the app.
  let graphqlPost: GraphQLPostDeps | undefined = undefined;
  const httpServer = createHttpServer(
    (request, response) => {
      if (graphqlPost !== undefined && isPlainGraphQLPost(request, GRAPHQL_PATH, BODY_LIMIT_BYTES)) {
        serveGraphQLPost(graphqlPost, request, response);
      } else {
        void app(request, response);
      }
    },
    deps.config.http,
    deps.logger,
  );
  deps.tracing?.traceRequests(httpServer, GRAPHQL_PATH);
  // Served as an Apollo Federation 2 subgraph (docs/federation.md); the API is the same.
  const schema = await takeServedSchema();
  // Learned by the requests' invoices services, read by the operation budget to count list calls.
  const pageSize = new UpstreamPageSize();
  const validationRules = [...operationLimitRules(), knownOperationTypesRule];
  // Subscriptions (docs/subscriptions.md), served once the request contexts can be made (below).
  let subscriptions: LiveSubscriptions | undefined = undefined;

  // Order matters: the drain plugin must see the server before anything else stops it, and
  // error logging runs before the request log so its lines come first in a request.
  const apollo = new ApolloServer<GatewayContext>({
    // The same schema, executed by graphql-jit (jit-executor.ts; measured: bench/README.md, "Levers").
    gateway: jitGateway(schema),
    introspection: deps.config.security.introspection,
    // Limits, batching, body size and CSRF: docs/security.md.
    validationRules,
    parseOptions: operationParseOptions(),
    allowBatchedHttpRequests: false,
    // Apollo's CSRF prevention would refuse GET queries sent without a custom header (urql's
    // default); simplePostGuard below keeps the part that matters, docs/security.md "HTTP" says why.
    csrfPrevention: false,
    // With trusted documents on, the manifest alone says what runs: no client may register a document (docs/trusted-documents.md).
    ...(deps.trustedDocuments === undefined ? {} : { persistedQueries: false as const }),
    includeStacktraceInErrorResponses: false,
    formatError: withRequestId(formatGatewayError),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ...subscriptionPlugins({
        logger: deps.logger,
        fieldSuggestions: deps.config.security.fieldSuggestions,
        drain: () => subscriptions?.close() ?? Promise.resolve(),
      }),
      // Apollo's default landing page loads from a CDN; the gateway serves its own GraphiQL (PLAYGROUND).
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // The schema sets no cache hints, so Apollo's default cache-control plugin would only wrap
      // every field's resolution for nothing (measured: bench/README.md, "Levers").
      ApolloServerPluginCacheControlDisabled(),
      // 200 for request errors when the client accepts only application/json (GraphQL over HTTP): docs/security.md.
      mediaTypeStatusPlugin(),
      errorLoggingPlugin(),
      requestLogPlugin(now),
      metricsPlugin(metrics, now),
      // Cost, upstream calls, entities and invoices, once the variables are known: docs/security.md.
      operationBudgetPlugin({
        budget: deps.config.operationBudget,
        maxPageSize: deps.config.maxPageSize,
        upstreamPageSize: () => pageSize.current(),
      }),
      ...(deps.config.security.fieldSuggestions ? [] : [hideSuggestionsPlugin()]),
      ...federationTracesPlugins<GatewayContext>(deps.config.federation),
      ...(deps.tracing === undefined ? [] : [deps.tracing.plugin]),
    ],
    logger: apolloLogger(deps.logger),
  });
  await apollo.start();

  const contextDeps: ContextDeps = {
    config: deps.config,
    invoices: {
      upstream: deps.visma,
      idempotency: deps.idempotency,
      pageSize,
      settings: {
        invoiceLookupConcurrency: deps.config.invoiceLookupConcurrency,
        customerLookupConcurrency: deps.config.customerLookupConcurrency,
        maxUpstreamCalls: deps.config.operationBudget.maxUpstreamCalls,
        maxInvoices: deps.config.operationBudget.maxInvoices,
        maxInvoiceLines: deps.config.operationBudget.maxInvoiceLines,
      },
    },
    logger: deps.logger,
    enums: new EnumDegrader(deps.logger),
    now,
  };
  const context = createContextFunction(contextDeps);
  const authenticator = new InboundAuthenticator({ config: deps.config.security.auth, visma: deps.config.visma, now });
  // CORS first on the endpoint: a preflight carries no credentials, and an allowed page must be able to read a 401.
  const cors = corsMiddleware(deps.config.cors.origins);
  subscriptions = serveSubscriptions({
    config: deps.config,
    logger: deps.logger,
    path: GRAPHQL_PATH,
    bodyLimitBytes: BODY_LIMIT_BYTES,
    rules: {
      schema,
      validationRules,
      parseOptions: operationParseOptions(),
      budget: deps.config.operationBudget,
      maxPageSize: deps.config.maxPageSize,
      upstreamPageSize: () => pageSize.current(),
      fieldSuggestions: deps.config.security.fieldSuggestions,
    },
    contextDeps,
    authenticator,
    feed: deps.changes?.feed,
    scope: deps.changes?.scope ?? null,
    shuttingDown: () => shuttingDown,
    metrics,
  });
  subscriptions.attach(httpServer);

  app.use(requestIdMiddleware);
  // Signed by Visma: its own proof, body limit and answers, before anything of the GraphQL endpoint's.
  if (deps.webhooks !== undefined) app.use(deps.webhooks);
  // Probes and scrapes come before the GraphQL endpoint's own checks (router secret, inbound auth).
  app.use(healthRoutes({ readiness: deps.readiness, shuttingDown: () => shuttingDown, logger: deps.logger }));
  app.get('/metrics', (_request: Request, response: Response, next: NextFunction) => {
    metrics.exposition().then(({ contentType, body }) => void response.type(contentType).send(body), next);
  });
  if (cors !== null) app.use(GRAPHQL_PATH, cors);
  // Before everything else on the endpoint: with ROUTER_SECRET set only the federation router gets in.
  app.use(GRAPHQL_PATH, routerSecretMiddleware(deps.config.federation));
  // GraphQL over SSE: requests that accept text/event-stream, authenticated as queries are.
  app.use(GRAPHQL_PATH, subscriptions.sse);
  if (deps.config.playground) {
    app.use(playgroundRoutes({ graphqlPath: GRAPHQL_PATH, tabs: loadExampleTabs() }));
  }
  app.get(GRAPHQL_PATH, browserNote);
  app.use(
    GRAPHQL_PATH,
    inboundAuthMiddleware(authenticator, deps.logger),
    simplePostGuard,
    express.json({ limit: BODY_LIMIT }),
    ...(deps.trustedDocuments === undefined ? [] : [trustedDocumentsMiddleware(deps.trustedDocuments)]),
    // After the body parser (see request-scope.ts): the Visma client's log lines get the request id.
    requestScopeMiddleware,
    expressMiddleware(apollo, { context }),
  );
  if (deps.config.mcp.enabled) {
    // /graphql's own guards, in its order; the tool calls then run through Apollo as /graphql's operations do (docs/mcp.md).
    const guards = [routerSecretMiddleware(deps.config.federation), inboundAuthMiddleware(authenticator, deps.logger), simplePostGuard];
    const mcp = { apollo, schema, documents: deps.documents ?? { list: () => [] }, mutations: deps.config.mcp.mutations };
    app.use(MCP_PATH, ...(cors === null ? [] : [cors]), ...guards, express.json({ limit: BODY_LIMIT }), requestScopeMiddleware);
    app.all(MCP_PATH, mcpEndpoint({ ...mcp, context: createNodeContextFunction(contextDeps), logger: deps.logger }));
  }
  app.use(unknownPath);
  app.use(jsonErrorHandler(deps.logger));
  const routerSecret = routerSecretGuard(deps.config.federation);
  const nodeContext = createNodeContextFunction(contextDeps);
  graphqlPost = {
    path: GRAPHQL_PATH,
    apollo,
    bodyLimitBytes: BODY_LIMIT_BYTES,
    cors,
    routerSecret,
    authenticate: async (request, response, requestId) =>
      (await authenticateInbound(authenticator, deps.logger, request, response, requestId)) !== null,
    context: nodeContext,
    trustedDocuments: deps.trustedDocuments,
    answerError: (request, response, error, requestId) => answerHttpError(deps.logger, request, response, error, requestId),
  };

  return {
    app,
    apollo,
    httpServer,
    metrics,
    listen: (port, host) =>
      listen(httpServer, apollo, port, host, () => {
        shuttingDown = true;
      }),
    createContext: (facts = {}) =>
      createRequestContext(contextDeps, {
        requestId: facts.requestId ?? randomUUID(),
        authorization: facts.authorization,
        signal: facts.signal ?? new AbortController().signal,
      }),
  };
}

/**
 * Node's HTTP server with the client timeouts of HTTP_*_TIMEOUT_MS. Node looks for expired
 * headers and requests on a timer (30 s by default), so the timer runs at a tenth of the shorter
 * timeout: a slow client is cut off within 10 % of it, not up to 30 s late.
 */
function createHttpServer(handler: http.RequestListener, timeouts: HttpTimeouts, logger: Logger): http.Server {
  const httpServer = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.floor(Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs) / 10)),
    },
    handler,
  );
  httpServer.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  httpServer.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, logger));
  return httpServer;
}

/** Node's parser errors, answered before any route runs: its own answers have no body. */
const CLIENT_ERRORS: Readonly<Record<string, { status: number; message: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'The request headers are larger than the server accepts (16 kB).' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time.' },
};

/**
 * What Node would answer to a request it could not parse (headers too large, a malformed
 * request line, a request that did not arrive in time), as JSON with a code and a request id
 * like every other refusal. A socket that can no longer be written to is only closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, message } = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, message: 'The request is not valid HTTP.' };
  const requestId = randomUUID();
  logger.debug({ requestId, code: error.code, status }, 'HTTP request refused by the parser');
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST', requestId } }] });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Bad Request'}\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `${REQUEST_ID_HEADER}: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Apollo answers some refusals before any request context exists (a batch, CSRF, an empty body,
 * a wrong method, a context that could not be made), so the error-logging plugin never sees
 * them; the request scope still knows the request's id.
 */
function withRequestId(format: typeof formatGatewayError): typeof formatGatewayError {
  return (formatted, error) => {
    const answer = format(formatted, error);
    const requestId = currentRequestId();
    return requestId === undefined ? answer : { ...answer, extensions: { ...answer.extensions, requestId } };
  };
}

/** Express would answer an unknown path with an HTML page; this is the same GraphQL-shaped JSON as every other answer. */
function unknownPath(request: Request, response: Response): void {
  sendErrors(request, response, 404, [
    {
      message: `There is nothing at ${request.method} ${request.path}: the GraphQL endpoint is ${GRAPHQL_PATH}.`,
      extensions: { code: ErrorCode.NOT_FOUND, requestId: requestIdOf(response) },
    },
  ]);
}

function listen(
  httpServer: http.Server,
  apollo: ApolloServer<GatewayContext>,
  port: number,
  host: string,
  onClose: () => void,
): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    httpServer.once('error', onError);
    httpServer.listen(port, host, () => {
      httpServer.off('error', onError);
      const address = httpServer.address() as AddressInfo;
      resolve({
        url: `http://${displayHost(host, address)}:${address.port}${GRAPHQL_PATH}`,
        port: address.port,
        // Apollo's drain plugin closes the HTTP server once in-flight requests are done;
        // meanwhile /readyz answers 503 so a load balancer stops sending new ones.
        close: () => {
          onClose();
          return apollo.stop();
        },
      });
    });
  });
}

function displayHost(host: string, address: AddressInfo): string {
  if (host === '0.0.0.0' || host === '::' || host === '') {
    return 'localhost';
  }
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/**
 * A browser opening /graphql gets a short page instead of Apollo's CDN-hosted landing page,
 * which cannot load offline. GraphQL GET requests (with `?query=`) pass through.
 */
function browserNote(request: Request, response: Response, next: NextFunction): void {
  if (request.query['query'] !== undefined || request.accepts(['application/json', 'text/html']) !== 'text/html') {
    next();
    return;
  }
  response
    .status(200)
    .type('html')
    .send(
      '<!doctype html><html><head><meta charset="utf-8"><title>Visma invoice gateway</title></head><body>' +
        '<h1>Visma invoice GraphQL gateway</h1>' +
        '<p>This is the GraphQL endpoint. Send POST requests with a JSON body <code>{"query": "..."}</code> and ' +
        '<code>Content-Type: application/json</code>, for example with curl or a GraphQL client. ' +
        'The schema is in <code>schema/schema.graphql</code>.</p></body></html>',
    );
}

/**
 * Express's own error page prints a stack trace outside production; errors before Apollo
 * (a body over the limit, malformed JSON) get a GraphQL-shaped answer instead.
 */
function jsonErrorHandler(logger: Logger) {
  return (error: unknown, request: Request, response: Response, next: NextFunction): void => {
    if (response.headersSent) {
      next(error);
      return;
    }
    answerHttpError(logger, request, response, error, response.locals['requestId']);
  };
}

/** The answer of the error handler above, also given by the node:http path (http/graphql-post.ts). */
function answerHttpError(
  logger: Logger,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  error: unknown,
  requestId: unknown,
): void {
  const status = httpStatusOf(error);
  if (status >= 500) {
    logger.error({ err: error, requestId }, 'HTTP error outside GraphQL execution');
  }
  const message =
    status === 413
      ? `The request body is larger than ${BODY_LIMIT}.`
      : status === 415
        ? 'The request body must be JSON in UTF-8.'
        : status < 500
          ? 'The request body is not valid JSON.'
          : 'Something went wrong inside the gateway.';
  sendErrors(request, response, status, [
    { message, extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR', requestId } },
  ]);
}

function httpStatusOf(error: unknown): number {
  if (typeof error === 'object' && error !== null) {
    const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 600) {
      return status;
    }
  }
  return 500;
}

/** Apollo's own messages (startup, plugin failures) go to the same structured log. */
function apolloLogger(logger: Logger) {
  const child = logger.child({ component: 'apollo' });
  return {
    debug: (message: string) => child.debug(message),
    info: (message: string) => child.info(message),
    warn: (message: string) => child.warn(message),
    error: (message: string) => child.error(message),
  };
}
