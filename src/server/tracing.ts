/**
 * The server's spans (docs/operations.md, "Tracing"): one server span per request to the GraphQL
 * endpoint, continuing the caller's W3C `traceparent` and `tracestate`, and under it one span for
 * the GraphQL operation, under which the Visma client's spans go (src/visma/tracing.ts). Loaded
 * only with tracing on (src/tracing.ts); the server knows only the `ServerTracing` type.
 *
 * The server span starts when Node hands over the request, before any route or middleware, so it
 * holds the authentication, the body and refusals made before GraphQL too; the operation's span
 * hangs on Apollo's request pipeline (a plugin). Neither depends on Express. The request's work
 * finds its parent through the request scope (request-scope.ts), which carries it through
 * promises, timers and DataLoader batches to the Visma client.
 *
 * What the spans hold is the method, the route, the status, the operation's type and name and its
 * error codes: never the query string (a GET carries the whole operation and its variables in it),
 * a header other than the request id, the document, its variables or the answer.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  trace,
  type Span,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { GatewayContext } from '../graphql/context';
import { REQUEST_ID_HEADER } from './request-id';
import { currentTrace, setCurrentTrace, traceArrivingRequest } from './request-scope';

/** What the HTTP server is given when tracing is on (src/tracing.ts makes it). */
export interface ServerTracing {
  /** Starts a server span for every request to `path` the server receives, ended with its answer. */
  traceRequests(server: Server, path: string): void;
  /** Apollo's side: a span for each GraphQL operation, under its request's server span. */
  readonly plugin: ApolloServerPlugin<GatewayContext>;
}

/** The GraphQL conventions' names, spelt here: they are not yet stable in semantic-conventions 1.45. */
const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
/** The request id every answer carries (X-Request-Id), as OpenTelemetry records a response header: a list of its values. */
const ATTR_REQUEST_ID = `http.response.header.${REQUEST_ID_HEADER.toLowerCase()}`;

/** The methods OpenTelemetry's HTTP conventions name; any other is `_OTHER`, so a client cannot mint span names. */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

export function createServerTracing(tracer: Tracer, propagator: TextMapPropagator): ServerTracing {
  return {
    traceRequests: (server, path) => {
      // First among the listeners: the span starts before Express (or whatever replaces it) sees the request.
      server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
        if (pathOf(request.url) === path) traceRequest(tracer, propagator, path, request, response);
      });
    },
    plugin: operationSpans(tracer),
  };
}

function traceRequest(
  tracer: Tracer,
  propagator: TextMapPropagator,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  // An absent or malformed traceparent gives the root context: the request starts a trace of its own.
  const parent = propagator.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter);
  const method = KNOWN_METHODS.has(request.method ?? '') ? (request.method as string) : '_OTHER';
  const span = tracer.startSpan(
    `${method} ${path}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_HTTP_ROUTE]: path,
        [ATTR_URL_PATH]: path,
        [ATTR_URL_SCHEME]: 'http',
        [ATTR_NETWORK_PROTOCOL_VERSION]: request.httpVersion,
      },
    },
    parent,
  );
  traceArrivingRequest(request, trace.setSpan(parent, span));
  response.once('close', () => endServerSpan(span, response));
}

function endServerSpan(span: Span, response: ServerResponse): void {
  const requestId = response.getHeader(REQUEST_ID_HEADER);
  if (typeof requestId === 'string') span.setAttribute(ATTR_REQUEST_ID, [requestId]);
  if (!response.writableFinished) {
    // The client went away before the whole answer was sent.
    span.setAttribute(ATTR_ERROR_TYPE, 'aborted');
    span.setStatus({ code: SpanStatusCode.ERROR });
  } else {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
    // A server span is an error only from 500 up: a 4xx is the client's (OpenTelemetry's HTTP conventions).
    if (response.statusCode >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(response.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
}

/**
 * A span per GraphQL operation, named as OpenTelemetry's GraphQL conventions say: `query
 * ListInvoices`, `mutation` when anonymous, `GraphQL Operation` before the document is known (it
 * did not parse or validate). It becomes the parent of the operation's Visma calls, and when the
 * answer is sent the request's work leaves the trace.
 */
function operationSpans(tracer: Tracer): ApolloServerPlugin<GatewayContext> {
  return {
    // Apollo's hooks return promises; these do their work at once and have nothing to await.
    requestDidStart() {
      const parent = currentTrace();
      if (parent === undefined) return Promise.resolve();
      const span = tracer.startSpan('GraphQL Operation', { kind: SpanKind.INTERNAL }, parent);
      setCurrentTrace(trace.setSpan(parent, span));
      return Promise.resolve({
        didResolveOperation({ operation }) {
          if (operation === undefined) return Promise.resolve();
          const type = operation.operation;
          const name = operation.name?.value;
          span.updateName(name === undefined ? type : `${type} ${name}`);
          span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, type);
          if (name !== undefined) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, name);
          return Promise.resolve();
        },
        willSendResponse({ response, errors }) {
          const sent = response.body.kind === 'single' ? response.body.singleResult.errors : errors;
          const code = sent?.[0]?.extensions?.['code'];
          if (sent !== undefined && sent.length > 0) {
            // The first error's code (documented in docs/api.md), never its message: a message may quote what Visma said.
            span.setAttribute(ATTR_ERROR_TYPE, typeof code === 'string' ? code : 'UNKNOWN');
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
          setCurrentTrace(undefined);
          return Promise.resolve();
        },
      });
    },
  };
}

/** The path of a request target, without its query string. */
function pathOf(url: string | undefined): string {
  const query = (url ?? '').indexOf('?');
  return query === -1 ? (url ?? '') : (url ?? '').slice(0, query);
}
