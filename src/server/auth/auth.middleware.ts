import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode } from '../../graphql/errors';
import { sendErrors } from '../http/send-errors';
import { requestIdOf } from '../request-id';
import type { Caller, InboundAuthenticator } from './inbound-auth';

export const API_KEY_HEADER = 'x-api-key';
const CALLER = 'caller';

export const UNAUTHENTICATED_MESSAGE =
  'Authentication is required: send a valid JWT as "Authorization: Bearer <token>" or an API key as "X-API-Key".';

/**
 * Runs before the body is parsed, so an unauthenticated caller costs neither the JSON parse
 * nor the GraphQL pipeline. A refusal is a GraphQL-shaped 401 (`UNAUTHENTICATED`) with
 * `WWW-Authenticate: Bearer` (RFC 6750 §3), in the media type the client accepts (Apollo Client
 * reads the code only from `application/graphql-response+json`); the reason is logged, never
 * sent, and never includes the credential.
 */
export function inboundAuthMiddleware(authenticator: InboundAuthenticator, logger: Logger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    authenticateInbound(authenticator, logger, request, response, requestIdOf(response))
      .then((caller) => {
        if (caller === null) return;
        response.locals[CALLER] = caller;
        next();
      })
      .catch(next);
  };
}

/**
 * The check itself on Node's own request and response (src/server/http/graphql-post.ts serves
 * the GraphQL endpoint without Express): the caller, or null once the 401 has been sent.
 */
export async function authenticateInbound(
  authenticator: InboundAuthenticator,
  logger: Logger,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
): Promise<Caller | null> {
  const outcome = await authenticator.authenticate({
    authorization: request.headers.authorization,
    apiKey: headerValue(request.headers[API_KEY_HEADER]),
  });
  if (outcome.ok) {
    logger.debug({ requestId, caller: outcome.caller }, 'caller authenticated');
    return outcome.caller;
  }
  logger.warn({ requestId, reason: outcome.reason }, 'request refused: not authenticated');
  response.setHeader('www-authenticate', 'Bearer');
  sendErrors(request, response, 401, [{ message: UNAUTHENTICATED_MESSAGE, extensions: { code: ErrorCode.UNAUTHENTICATED, requestId } }]);
  return null;
}

/** A header as Express's `req.get` reads it: Node joins repeated ones with ", " (set-cookie aside). */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The authenticated caller of a request. Anything kept across requests per caller (an
 * idempotency key store, for one) must be keyed by this, so callers never share entries.
 */
export function callerOf(response: Response): Caller {
  const caller = response.locals[CALLER] as Caller | undefined;
  return caller ?? { kind: 'anonymous' };
}
