import type { ExpressContextFunctionArgument } from '@as-integrations/express5';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { GatewayContext } from '../graphql/context';
import type { EnumDegrader } from '../graphql/enums/enum-degrader';
import { ErrorCode } from '../graphql/errors';
import type { UpstreamPageSize } from '../graphql/paging/upstream-page-size';
import type { IdempotentCreator } from '../idempotency/idempotent-create';
import { createLoaders } from '../loaders/loaders';
import type { CallOptions, VismaApi } from '../visma/api';
import { requestIdOf } from './request-id';

export interface ContextDeps {
  config: Config;
  visma: VismaApi;
  logger: Logger;
  enums: EnumDegrader;
  upstreamPageSize: UpstreamPageSize;
  now: () => number;
  idempotency: IdempotentCreator;
}

export interface RequestFacts {
  requestId: string;
  /** The raw `Authorization` header, if any. */
  authorization: string | undefined;
  /** Aborts the request's upstream calls. */
  signal: AbortSignal;
}

/**
 * Builds one request's context: the only place loaders are made. Every upstream call of the
 * request shares one deadline (REQUEST_DEADLINE_MS from arrival), the request id, and an abort
 * signal, so abandoned work stops instead of spending Visma's budget.
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
    visma: deps.visma,
    callOptions,
    loaders: createLoaders(deps.visma, callOptions, {
      customerConcurrency: deps.config.customerLookupConcurrency,
      invoiceConcurrency: deps.config.invoiceLookupConcurrency,
    }),
    enums: deps.enums,
    upstreamPageSize: deps.upstreamPageSize,
    idempotency: deps.idempotency,
    settings: { maxPageSize: deps.config.maxPageSize, timeZone: deps.config.visma.timeZone },
  };
}

/** The Express adapter: the request id from the middleware, and a signal that fires when the client goes away. */
export function createContextFunction(deps: ContextDeps) {
  return async ({ req, res }: ExpressContextFunctionArgument): Promise<GatewayContext> => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) {
        controller.abort();
      }
    });
    return createRequestContext(deps, {
      requestId: requestIdOf(res),
      authorization: req.get('authorization'),
      signal: controller.signal,
    });
  };
}

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
