import { setMaxListeners } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExpressContextFunctionArgument } from '@as-integrations/express5';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { GatewayContext } from '../graphql/context';
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
 * Builds one request's context and its own invoices service (whose loaders live as long as the
 * request). Every upstream call of the request shares one deadline (REQUEST_DEADLINE_MS from
 * arrival), the request id, and an abort signal, so abandoned work stops instead of spending
 * Visma's budget.
 */
export function createRequestContext(deps: ContextDeps, request: RequestFacts): GatewayContext {
  const callOptions: CallOptions = {
    requestId: request.requestId,
    deadline: deps.now() + deps.config.requestDeadlineMs,
    signal: request.signal,
  };
  if (deps.config.visma.authMode === 'passthrough') {
    callOptions.accessToken = bearerToken(request.authorization);
  }
  return {
    requestId: request.requestId,
    logger: deps.logger.child({ requestId: request.requestId }),
    invoices: new InvoicesService(deps.invoices, callOptions),
    enums: deps.enums,
    settings: { maxPageSize: deps.config.maxPageSize },
  };
}

/**
 * The Express adapter: the request id from the middleware, and a signal that fires when the
 * client goes away. A refusal is thrown as it is: Apollo calls this inside its own try.
 */
export function createContextFunction(deps: ContextDeps) {
  const contextFor = createNodeContextFunction(deps);
  return ({ req, res }: ExpressContextFunctionArgument): Promise<GatewayContext> => contextFor(req, res, requestIdOf(res));
}

/** The same on Node's own request and response, for the GraphQL endpoint served without Express (src/server/http/graphql-post.ts). */
export function createNodeContextFunction(deps: ContextDeps) {
  return (request: IncomingMessage, response: ServerResponse, requestId: string): Promise<GatewayContext> => {
    const controller = new AbortController();
    setMaxListeners(abortListenerBound(deps.config), controller.signal);
    response.on('close', () => {
      if (!response.writableFinished) {
        controller.abort();
      }
    });
    return Promise.resolve(
      createRequestContext(deps, {
        requestId,
        authorization: request.headers.authorization,
        signal: controller.signal,
      }),
    );
  };
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
