import { setMaxListeners } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExpressContextFunctionArgument } from '@as-integrations/express5';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { ContextLogger, GatewayContext } from '../graphql/context';
import type { EnumDegrader } from '../graphql/enums/enum-degrader';
import { ErrorCode } from '../graphql/errors';
import { InvoicesService, type InvoicesDeps } from '../invoices';
import type { CallOptions } from '../visma/api';
import { requestIdOf } from './request-id';

/** What every request's context is made from: built once per server. */
export interface ContextDeps {
  config: Config;
  /** The server-scoped half of every request's invoices service. */
  invoices: InvoicesDeps;
  logger: Logger;
  enums: EnumDegrader;
  now: () => number;
}

export interface RequestFacts {
  requestId: string;
  /** The raw `Authorization` header, if any. */
  authorization: string | undefined;
  /** Aborts the request's upstream calls. */
  signal: AbortSignal;
}

/**
 * Builds one request's context. Every upstream call of the request shares one deadline
 * (REQUEST_DEADLINE_MS from arrival), the request id, and an abort signal, so abandoned work
 * stops instead of spending Visma's budget.
 */
export function createRequestContext(deps: ContextDeps, request: RequestFacts): GatewayContext {
  const signal = request.signal;
  return lazyContext(deps, settingsOf(deps.config), request.requestId, request.authorization, () => signal);
}

/**
 * The context with nothing made before it is used: the child logger on the first line written,
 * the invoices service (and with it the request's budget, loaders and abort signal) on the first
 * resolver that reaches Visma. Most requests log nothing below LOG_LEVEL, and a request Apollo
 * refuses (a document that does not validate, a budget over its limit) never reaches Visma; each
 * made eagerly costs every request (bench/README.md, "Levers"). The deadline is fixed at arrival
 * and the passthrough token is checked at once: a request without one is refused before anything
 * runs, as before.
 */
function lazyContext(
  deps: ContextDeps,
  settings: GatewayContext['settings'],
  requestId: string,
  authorization: string | undefined,
  signal: () => AbortSignal,
): GatewayContext {
  const deadline = deps.now() + deps.config.requestDeadlineMs;
  const accessToken = deps.config.visma.authMode === 'passthrough' ? bearerToken(authorization) : undefined;
  return new RequestContext(deps, settings, requestId, () => {
    const callOptions: CallOptions = { requestId, deadline, signal: signal() };
    if (accessToken !== undefined) callOptions.accessToken = accessToken;
    return new InvoicesService(deps.invoices, callOptions);
  });
}

/**
 * A class rather than an object literal with getters: V8 builds a literal's accessors at run time
 * for every object, which cost more than the service they put off (bench/README.md, "Levers").
 * Apollo runs each operation on a copy of the context (its own properties copied, its prototype
 * kept), so what is made on first use lives in `lazy`, an object the copies share: the service the
 * resolvers made is the one whoever holds the original context sees.
 */
class RequestContext implements GatewayContext {
  readonly logger: RequestLogger;
  readonly enums: EnumDegrader;
  private readonly lazy: { service: InvoicesService | undefined; made: () => InvoicesService };

  constructor(
    deps: ContextDeps,
    readonly settings: GatewayContext['settings'],
    readonly requestId: string,
    made: () => InvoicesService,
  ) {
    this.logger = new RequestLogger(deps.logger, requestId);
    this.enums = deps.enums;
    this.lazy = { service: undefined, made };
  }

  get invoices(): InvoicesService {
    return (this.lazy.service ??= this.lazy.made());
  }
}

/**
 * The Express adapter: the request id from the middleware, and a signal that fires when the
 * client goes away. A refusal is thrown as it is: Apollo calls this inside its own try.
 */
export function createContextFunction(deps: ContextDeps) {
  const contextFor = createNodeContextFunction(deps);
  return ({ req, res }: ExpressContextFunctionArgument): Promise<GatewayContext> => contextFor(req, res, requestIdOf(res));
}

/**
 * The same on Node's own request and response, for the GraphQL endpoint served without Express
 * (src/server/http/graphql-post.ts). The abort signal is made with the invoices service, when
 * the request first reaches Visma; a client gone before that gets it already aborted.
 */
export function createNodeContextFunction(deps: ContextDeps) {
  const listenerBound = abortListenerBound(deps.config);
  const settings = settingsOf(deps.config);
  return (request: IncomingMessage, response: ServerResponse, requestId: string): Promise<GatewayContext> => {
    let controller: AbortController | undefined;
    let gone = false;
    response.on('close', () => {
      if (!response.writableFinished) {
        gone = true;
        controller?.abort();
      }
    });
    const signal = (): AbortSignal => {
      if (controller === undefined) {
        controller = new AbortController();
        setMaxListeners(listenerBound, controller.signal);
        if (gone) controller.abort();
      }
      return controller.signal;
    };
    return Promise.resolve(lazyContext(deps, settings, requestId, request.headers.authorization, signal));
  };
}

/**
 * The request's logger: lines carry its request id, through a pino child made for the first line
 * the level lets through. The request log's info line is asked for on every request and dropped at
 * the default level (warn), so a child made up front, bindings serialised, was made for nothing.
 */
class RequestLogger implements ContextLogger {
  private child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly requestId: string,
  ) {}

  debug(fields: Record<string, unknown>, message: string): void {
    if (this.parent.isLevelEnabled('debug')) this.made().debug(fields, message);
  }

  info(fields: Record<string, unknown>, message: string): void {
    if (this.parent.isLevelEnabled('info')) this.made().info(fields, message);
  }

  warn(fields: Record<string, unknown>, message: string): void {
    if (this.parent.isLevelEnabled('warn')) this.made().warn(fields, message);
  }

  error(fields: Record<string, unknown>, message: string): void {
    if (this.parent.isLevelEnabled('error')) this.made().error(fields, message);
  }

  private made(): Logger {
    return (this.child ??= this.parent.child({ requestId: this.requestId }));
  }
}

/** What resolvers read of the configuration; one frozen object serves every request of a server. */
function settingsOf(config: Pick<Config, 'maxPageSize'>): GatewayContext['settings'] {
  return Object.freeze({ maxPageSize: config.maxPageSize });
}

/**
 * How many abort listeners a request's signal may hold before Node warns of a leak. Every upstream
 * call of the request listens on it while it runs (waiting for a coalesced read, a token or a
 * slot, or in its attempt; one at a time per call), and fifteen aliased lists already run more
 * calls at once than Node's default of 10. The operation budget caps the calls, so it caps the
 * listeners: a count past this is a listener left behind, and still warns.
 */
export function abortListenerBound(config: Pick<Config, 'operationBudget'>): number {
  return config.operationBudget.maxUpstreamCalls * ABORT_LISTENERS_PER_CALL;
}

/** One listener per call in flight, and as many again of headroom for a call that waits on two things at once. */
const ABORT_LISTENERS_PER_CALL = 2;

/** Passthrough mode forwards the caller's own Visma token; without one there is nothing to forward. */
function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new GraphQLError('This gateway forwards your Visma access token: send it as "Authorization: Bearer <token>".', {
      extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
    });
  }
  return match[1];
}
