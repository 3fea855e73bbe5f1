import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FederationConfig } from '../config';
import { ErrorCode } from '../graphql/errors';
import { sendErrors } from './http/send-errors';
import { requestIdOf } from './request-id';

/**
 * The subgraph's half of Apollo's "router secret" pattern: with `ROUTER_SECRET` set, a request
 * without the secret in `ROUTER_SECRET_HEADER` is refused with 401 before anything else runs,
 * so clients cannot call `_entities` (or anything) past the router.
 * https://www.apollographql.com/docs/graphos/routing/security/router-authentication#securing-subgraphs
 *
 * Both sides are hashed first so the comparison is constant-time whatever the presented
 * length (`timingSafeEqual` needs equal lengths). The secret is never logged or echoed.
 * It runs before inbound authentication: the router forwards the caller's own credentials,
 * which are checked next.
 */
export function routerSecretMiddleware(settings: RouterSecretSettings) {
  const guard = routerSecretGuard(settings);
  return (request: Request, response: Response, next: NextFunction): void => {
    if (guard(request, response, requestIdOf(response))) next();
  };
}

/**
 * The same check on Node's own request and response (src/server/http/graphql-post.ts): true when
 * the request may go on, false once the 401 has been sent.
 */
export function routerSecretGuard(settings: RouterSecretSettings) {
  const fromRouter = routerSecretCheck(settings);
  if (fromRouter === null) {
    return (_request: IncomingMessage, _response: ServerResponse, _requestId: string): boolean => true;
  }
  const header = settings.routerSecretHeader.toLowerCase();
  return (request: IncomingMessage, response: ServerResponse, requestId: string): boolean => {
    const presented = request.headers[header];
    if (fromRouter(Array.isArray(presented) ? presented.join(', ') : presented)) {
      return true;
    }
    sendErrors(request, response, 401, [
      {
        message: 'This service is a federation subgraph and answers only its router: the router secret header is missing or wrong.',
        extensions: { code: ErrorCode.UNAUTHENTICATED, requestId },
      },
    ]);
    return false;
  };
}

export type RouterSecretSettings = Pick<FederationConfig, 'routerSecret' | 'routerSecretHeader'>;

/**
 * Whether a presented header value is the router secret, compared in constant time; null when
 * no secret is configured (nobody can prove to be the router). The federated-trace plugin asks
 * the same question of each request.
 */
export function routerSecretCheck(settings: RouterSecretSettings): ((presented: string | undefined) => boolean) | null {
  if (settings.routerSecret === null) {
    return null;
  }
  const expected = digest(settings.routerSecret);
  return (presented) => presented !== undefined && timingSafeEqual(digest(presented), expected);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
