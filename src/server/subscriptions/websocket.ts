import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL, handleProtocols, makeServer, type Context } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayContext } from '../../graphql/context';
import { ErrorCode } from '../../graphql/errors';
import type { AuthOutcome, InboundCredentials } from '../auth/inbound-auth';
import { REQUEST_ID_HEADER, requestIdFor } from '../request-id';
import { formatErrors, formatResult, prepareSubscription, type OperationRules } from './operation';
import type { StreamCount } from './stream-count';

/** The WebSocket close codes the gateway sends besides graphql-ws's own (docs/subscriptions.md). */
export const CLOSE_CODES = Object.freeze({
  /** The gateway is shutting down (RFC 6455's Going Away): reconnect, to another replica. */
  shuttingDown: 1001,
  /** The client let more than SUBSCRIPTION_MAX_QUEUED_EVENTS events wait (RFC 6455's Try Again Later). */
  slowConsumer: 1013,
  /** Credentials missing or refused in connection_init (graphql-ws's Unauthorized). */
  unauthenticated: CloseCode.Unauthorized,
});

/** How long a socket that was told to close may take to finish the close handshake before it is cut. */
const CLOSE_GRACE_MS = 1_000;
/** A ping this often, and a socket that has not answered the last one by the next is cut: a dead peer costs at most this twice. */
const KEEP_ALIVE_MS = 12_000;

export interface WebSocketDeps {
  path: string;
  rules: OperationRules;
  /** MAX_SUBSCRIPTIONS_PER_CONNECTION. */
  maxPerConnection: number;
  /** WebSockets and SSE streams of this replica, under MAX_SUBSCRIPTIONS. */
  streams: StreamCount;
  /** The router secret's check of a presented value; null when none is configured. */
  routerSecret: ((presented: string | undefined) => boolean) | null;
  routerSecretHeader: string;
  authenticate: (credentials: InboundCredentials) => Promise<AuthOutcome>;
  /** Passthrough mode: true when an Authorization carries no Visma token to forward (index.ts). */
  missingVismaToken: (authorization: string | undefined) => boolean;
  /** A request context, as a query's (its invoices service, logger, deadline). */
  context: (facts: { requestId: string; authorization: string | undefined; signal: AbortSignal }) => GatewayContext;
  /** CORS_ORIGINS: web pages on these origins (and the gateway's own) may open a WebSocket. */
  origins: readonly string[];
  logger: Logger;
  shuttingDown: () => boolean;
}

/** What one WebSocket carries beside graphql-ws's own context. */
interface Connection {
  socket: WebSocket;
  id: string;
  /** The credentials of the upgrade request, when it carried any (and they were good). */
  upgradeCredentials: InboundCredentials | undefined;
  routerVerified: boolean;
  /** The Authorization the operations run with (passthrough: the caller's Visma token). */
  authorization: string | undefined;
  closed: AbortController;
  requestIds: Map<string, string>;
}

/**
 * GraphQL over WebSocket (`graphql-transport-ws`, graphql-ws's server) on the HTTP server's
 * upgrades to the GraphQL path, with the same checks as a query: the router secret and the
 * inbound authentication (from `connection_init`'s payload, or the upgrade's headers), the
 * document's limits and budget (operation.ts), error masking and request ids. Bounds: WebSockets
 * and SSE streams together under MAX_SUBSCRIPTIONS (503 past it), MAX_SUBSCRIPTIONS_PER_CONNECTION
 * operations a socket, graphql-ws's 3 s to initialise, a ping every 12 s, and a socket whose
 * subscriber falls SUBSCRIPTION_MAX_QUEUED_EVENTS behind closed with 1013.
 */
export class WebSocketTransport {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, handleProtocols });
  private readonly connections = new Set<Connection>();
  private readonly server;

  constructor(private readonly deps: WebSocketDeps) {
    this.server = makeServer<Record<string, unknown> | undefined, Connection>({
      schema: deps.rules.schema,
      onConnect: (ctx) => this.onConnect(ctx),
      onSubscribe: (ctx, id, payload) => this.onSubscribe(ctx, id, payload),
      onNext: (ctx, id, _payload, _args, result) =>
        formatResult(result, ctx.extra.requestIds.get(id) ?? ctx.extra.id, deps.rules.fieldSuggestions, deps.logger),
      onError: (ctx, id, _payload, errors) =>
        formatErrors(errors, ctx.extra.requestIds.get(id) ?? ctx.extra.id, deps.rules.fieldSuggestions, deps.logger),
      onComplete: (ctx, id) => {
        ctx.extra.requestIds.delete(id);
      },
    });
  }

  /** Takes the upgrades to the GraphQL path; any other upgrade is refused. */
  attach(httpServer: http.Server): void {
    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(request, socket, head).catch((error: unknown) => {
        this.deps.logger.error({ err: error }, 'WebSocket upgrade failed');
        socket.destroy();
      });
    });
  }

  /** WebSockets open now. */
  get size(): number {
    return this.connections.size;
  }

  /** Shutdown: every socket told 1001 (its subscriptions completed first by the hub), and cut after a second. */
  async close(): Promise<void> {
    const open = [...this.connections];
    for (const connection of open) connection.socket.close(CLOSE_CODES.shuttingDown, 'The gateway is shutting down');
    await Promise.all(open.map((connection) => closedWithin(connection.socket, CLOSE_GRACE_MS)));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const requestId = requestIdFor(header(request, REQUEST_ID_HEADER));
    const refuse = (status: number, code: string, message: string): void => refuseUpgrade(socket, status, code, message, requestId);
    if (pathOf(request.url) !== this.deps.path) {
      refuse(404, ErrorCode.NOT_FOUND, `There is no WebSocket at ${pathOf(request.url)}: GraphQL over WebSocket is at ${this.deps.path}.`);
      return;
    }
    if (!this.originAllowed(request)) {
      this.deps.logger.warn({ requestId, origin: header(request, 'origin') }, 'WebSocket refused: web page origin not allowed');
      refuse(403, ErrorCode.FORBIDDEN, 'Web pages on this origin may not open a WebSocket here (CORS_ORIGINS).');
      return;
    }
    let routerVerified = false;
    if (this.deps.routerSecret !== null) {
      const presented = header(request, this.deps.routerSecretHeader);
      if (presented !== undefined && !this.deps.routerSecret(presented)) {
        refuse(
          401,
          ErrorCode.UNAUTHENTICATED,
          'This service is a federation subgraph and answers only its router: the router secret header is wrong.',
        );
        return;
      }
      routerVerified = presented !== undefined;
    }
    const credentials = { authorization: header(request, 'authorization'), apiKey: header(request, 'x-api-key') };
    const carries = credentials.authorization !== undefined || credentials.apiKey !== undefined;
    if (carries) {
      const outcome = await this.deps.authenticate(credentials);
      if (!outcome.ok) {
        this.deps.logger.warn({ requestId, reason: outcome.reason }, 'WebSocket refused: not authenticated');
        refuse(
          401,
          ErrorCode.UNAUTHENTICATED,
          'Authentication is required: send a valid JWT or API key in the headers or in connection_init.',
        );
        return;
      }
    }
    if (this.deps.shuttingDown()) {
      refuse(503, 'SHUTTING_DOWN', 'The gateway is shutting down; connect again.');
      return;
    }
    if (!this.deps.streams.open()) {
      refuse(
        503,
        ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED,
        `This replica holds the ${this.deps.streams.max} subscription streams it may (MAX_SUBSCRIPTIONS); try again later.`,
      );
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection: Connection = {
        socket: ws,
        id: requestId,
        upgradeCredentials: carries ? credentials : undefined,
        routerVerified,
        authorization: credentials.authorization,
        closed: new AbortController(),
        requestIds: new Map(),
      };
      this.open(connection, request);
    });
  }

  private open(connection: Connection, request: IncomingMessage): void {
    const { socket } = connection;
    this.connections.add(connection);
    this.deps.logger.debug({ requestId: connection.id }, 'WebSocket opened');
    let alive = true;
    socket.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) {
        socket.terminate();
        return;
      }
      alive = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    keepAlive.unref();
    socket.once('error', () => socket.terminate());
    const closed = this.server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) {
              resolve();
              return;
            }
            socket.send(data, (error) => (error === undefined || error === null ? resolve() : reject(error)));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer) => {
            handle(data.toString('utf8')).catch((error: unknown) => {
              this.deps.logger.error({ err: error, requestId: connection.id }, 'WebSocket message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      connection,
    );
    socket.once('close', (code: number, reason: Buffer) => {
      clearInterval(keepAlive);
      this.connections.delete(connection);
      this.deps.streams.close();
      connection.closed.abort();
      this.deps.logger.debug({ requestId: connection.id, code }, 'WebSocket closed');
      void closed(code, reason.toString('utf8'));
    });
    void request;
  }

  private async onConnect(ctx: Context<Record<string, unknown> | undefined, Connection>): Promise<boolean> {
    const connection = ctx.extra;
    const params = ctx.connectionParams ?? {};
    const unauthorized = (reason: string): false => {
      this.deps.logger.warn({ requestId: connection.id, reason }, 'WebSocket refused: not authenticated');
      connection.socket.close(CLOSE_CODES.unauthenticated, 'Unauthorized');
      return false;
    };
    if (
      this.deps.routerSecret !== null &&
      !connection.routerVerified &&
      !this.deps.routerSecret(param(params, this.deps.routerSecretHeader))
    ) {
      return unauthorized('no router secret');
    }
    const offered = { authorization: param(params, 'authorization'), apiKey: param(params, 'x-api-key') };
    if (offered.authorization !== undefined || offered.apiKey !== undefined) {
      const outcome = await this.deps.authenticate(offered);
      if (!outcome.ok) return unauthorized(outcome.reason);
      connection.authorization = offered.authorization ?? connection.authorization;
    } else if (connection.upgradeCredentials === undefined) {
      const outcome = await this.deps.authenticate({ authorization: undefined, apiKey: undefined });
      if (!outcome.ok) return unauthorized(outcome.reason);
    }
    // Every operation would forward the caller's Visma token: without one, refused now, as a query is with its 401.
    if (this.deps.missingVismaToken(connection.authorization)) return unauthorized('no Visma token to pass through');
    return true;
  }

  private onSubscribe(
    ctx: Context<Record<string, unknown> | undefined, Connection>,
    id: string,
    payload: { query: unknown; variables?: unknown; operationName?: unknown },
  ): GraphQLError[] | ExecutionArgs {
    const connection = ctx.extra;
    const requestId = randomUUID();
    connection.requestIds.set(id, requestId);
    // graphql-ws counts this one in already.
    const running = Object.keys(ctx.subscriptions).length;
    if (running > this.deps.maxPerConnection) {
      this.deps.logger.warn(
        { requestId, connection: connection.id, limit: this.deps.maxPerConnection },
        'subscription refused: per connection limit',
      );
      return [limitError(this.deps.maxPerConnection)];
    }
    const prepared = prepareSubscription(this.deps.rules, payload);
    if (Array.isArray(prepared)) return prepared;
    let context: GatewayContext;
    try {
      context = this.deps.context({ requestId, authorization: connection.authorization, signal: connection.closed.signal });
    } catch (error) {
      // A refusal the context makes (a coded GraphQLError) ends this operation, not the socket with 4500.
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    context.subscriber = { dropSlowConsumer: () => this.dropSlowConsumer(connection) };
    this.deps.logger.debug(
      { requestId, connection: connection.id, operationName: prepared.operationName },
      'subscription started over WebSocket',
    );
    return { ...prepared, contextValue: context };
  }

  /** The client stopped reading: its close frame may never be read either, so the socket is cut after the grace. */
  private dropSlowConsumer(connection: Connection): void {
    this.deps.logger.warn({ requestId: connection.id }, 'WebSocket dropped: a subscriber fell SUBSCRIPTION_MAX_QUEUED_EVENTS behind');
    connection.socket.close(CLOSE_CODES.slowConsumer, ErrorCode.SUBSCRIPTION_SLOW_CONSUMER);
    void closedWithin(connection.socket, CLOSE_GRACE_MS);
  }

  /** Browsers send Origin and cannot be stopped by CORS here: a page elsewhere could read what this socket returns. */
  private originAllowed(request: IncomingMessage): boolean {
    const origin = header(request, 'origin');
    if (origin === undefined) return true;
    if (this.deps.origins.includes(origin)) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }
}

function limitError(limit: number): GraphQLError {
  return new GraphQLError(
    `This connection runs the ${limit} subscriptions one connection may (MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one first, or open another connection.`,
    { extensions: { code: ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, limit, per: 'connection' } },
  );
}

/** Resolves once the socket has closed, cutting it when it has not within `ms`. */
function closedWithin(socket: WebSocket, ms: number): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, ms);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** An upgrade refused before the handshake: an HTTP answer with a GraphQL-shaped body, as every refusal. */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string, requestId: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code, requestId } }] });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `${REQUEST_ID_HEADER}: ${requestId}\r\n${status === 401 ? 'www-authenticate: Bearer\r\n' : ''}connection: close\r\n\r\n${body}`,
  );
}

function pathOf(url: string | undefined): string {
  const value = url ?? '/';
  const query = value.indexOf('?');
  return query === -1 ? value : value.slice(0, query);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A connection_init payload's entry, whatever the case of its name (clients send `Authorization` or `authorization`). */
function param(params: Record<string, unknown>, name: string): string | undefined {
  for (const [key, value] of Object.entries(params)) {
    if (key.toLowerCase() === name.toLowerCase() && typeof value === 'string') return value;
  }
  return undefined;
}

export { GRAPHQL_TRANSPORT_WS_PROTOCOL };
