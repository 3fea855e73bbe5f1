import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { InvoiceChangeHub, InvoicesService } from '../../invoices';
import type { ChangeFeed } from '../../upstream-cache/change-feed';
import type { CallOptions } from '../../visma/api';
import { credentialScope } from '../../visma/credential-scope';
import { ErrorCode } from '../../graphql/errors';
import { authenticateInbound } from '../auth/auth.middleware';
import type { InboundAuthenticator } from '../auth/inbound-auth';
import { createRequestContext, type ContextDeps } from '../context';
import { sendErrors } from '../http/send-errors';
import type { GatewayMetrics } from '../metrics';
import { routerSecretCheck } from '../router-secret.middleware';
import type { OperationRules } from './operation';
import { SseTransport, acceptsEventStream } from './sse';
import { StreamCount } from './stream-count';
import { WebSocketTransport } from './websocket';

export { subscriptionPlugins } from './callback';
export { acceptsEventStream } from './sse';
export { CLOSE_CODES } from './websocket';

export interface SubscriptionDeps {
  config: Config;
  logger: Logger;
  path: string;
  bodyLimitBytes: number;
  rules: OperationRules;
  /** Every request's context is made from these; the hub joins their invoices deps. */
  contextDeps: ContextDeps;
  authenticator: InboundAuthenticator;
  /** Where the changes come from: the cache's onChange, through the feed (local, or Redis for the fleet). */
  feed: ChangeFeed | undefined;
  /** The client credentials' cache scope; null in passthrough mode, where each caller's token has its own. */
  scope: string | null;
  shuttingDown: () => boolean;
  /** Where the hub's deliveries are counted and its subscriptions read (/metrics). */
  metrics: GatewayMetrics;
}

export interface LiveSubscriptions {
  readonly hub: InvoiceChangeHub;
  /** Takes the HTTP server's WebSocket upgrades to the GraphQL path. */
  attach(httpServer: http.Server): void;
  /** On the GraphQL path after CORS and the router secret: serves requests that accept text/event-stream, passes the rest on. */
  readonly sse: (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;
  /** Shutdown: every subscription completed, every WebSocket closed (1001) and SSE stream ended. */
  close(): Promise<void>;
}

/**
 * Subscriptions (docs/subscriptions.md): the change hub every transport subscribes through, and
 * GraphQL over WebSocket and SSE on the GraphQL path. The router's HTTP callbacks are Apollo's
 * plugin (subscriptionPlugins), whose requests take the ordinary POST path.
 */
export function serveSubscriptions(deps: SubscriptionDeps): LiveSubscriptions {
  const { config, logger, contextDeps } = deps;
  const log = logger.child({ component: 'subscriptions' });
  const fixedScope = deps.scope;
  const hub = new InvoiceChangeHub({
    service: (call) => new InvoicesService(contextDeps.invoices, call),
    scopeOf: (call: CallOptions) =>
      fixedScope ??
      (call.accessToken === undefined || call.accessToken === '' ? undefined : credentialScope({ accessToken: call.accessToken })),
    maxSubscriptions: config.subscriptions.maxPerReplica,
    maxQueuedEvents: config.subscriptions.maxQueuedEvents,
    deadlineMs: config.requestDeadlineMs,
    now: contextDeps.now,
    warn: (fields, message) => log.warn(fields, message),
    // A line per event given, under the id of the work that learned of the change (docs/operations.md, "Logs").
    debug: (fields, message) => log.debug(fields, message),
    onDelivery: deps.metrics.observeSubscriptionDelivery,
  });
  deps.metrics.watchSubscriptions(() => hub.size);
  // Every request's invoices service can now subscribe (InvoicesService.watchChanges).
  contextDeps.invoices.changes = hub;
  const unsubscribe = deps.feed?.subscribe((change) => hub.accept(change));
  const streams = new StreamCount(config.subscriptions.maxPerReplica);
  const context = (facts: { requestId: string; authorization: string | undefined; signal: AbortSignal }) =>
    createRequestContext(contextDeps, facts);
  const missingVismaToken =
    config.visma.authMode === 'passthrough'
      ? (authorization: string | undefined): boolean => authorization === undefined || !BEARER.test(authorization)
      : (): boolean => false;
  const webSocket = new WebSocketTransport({
    path: deps.path,
    rules: deps.rules,
    maxPerConnection: config.subscriptions.maxPerConnection,
    streams,
    routerSecret: routerSecretCheck(config.federation),
    routerSecretHeader: config.federation.routerSecretHeader,
    authenticate: (credentials) => deps.authenticator.authenticate(credentials),
    missingVismaToken,
    context,
    origins: config.cors.origins,
    logger: log,
    shuttingDown: deps.shuttingDown,
  });
  const sse = new SseTransport({
    rules: deps.rules,
    streams,
    maxQueuedEvents: config.subscriptions.maxQueuedEvents,
    bodyLimitBytes: deps.bodyLimitBytes,
    context,
    logger: log,
  });
  let closing: Promise<void> | undefined;
  return {
    hub,
    attach: (httpServer) => webSocket.attach(httpServer),
    sse: (request, response, next) => {
      if (!acceptsEventStream(request.headers.accept)) {
        next();
        return;
      }
      const requestId = String(response.getHeader('x-request-id') ?? '');
      authenticateInbound(deps.authenticator, logger, request, response, requestId).then((caller) => {
        if (caller === null) return;
        if (missingVismaToken(request.headers.authorization)) {
          refuseWithoutVismaToken(request, response, requestId, log);
          return;
        }
        sse.serve(request, response, requestId);
      }, next);
    },
    close: () => {
      closing ??= (async () => {
        unsubscribe?.();
        hub.close();
        await Promise.all([webSocket.close(), sse.close()]);
      })();
      return closing;
    },
  };
}

/** What passthrough mode forwards to Visma: `Authorization: Bearer <token>`. */
const BEARER = /^Bearer\s+\S+$/i;

/**
 * Passthrough mode, a stream without the caller's Visma token: the 401 a query gets (the context
 * refuses it, src/server/context.ts), before the stream starts rather than a 500 once it has.
 */
function refuseWithoutVismaToken(request: IncomingMessage, response: ServerResponse, requestId: string, log: Logger): void {
  log.warn({ requestId }, 'SSE refused: no Visma token to pass through');
  response.setHeader('www-authenticate', 'Bearer');
  sendErrors(request, response, 401, [
    {
      message: 'This gateway forwards your Visma access token: send it as "Authorization: Bearer <token>".',
      extensions: { code: ErrorCode.UNAUTHENTICATED, requestId },
    },
  ]);
}
