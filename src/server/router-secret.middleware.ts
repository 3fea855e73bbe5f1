import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FederationConfig } from '../config';
import { ErrorCode } from '../graphql/errors';

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
export function routerSecretMiddleware(settings: FederationConfig) {
  const { routerSecret, routerSecretHeader } = settings;
  if (routerSecret === null) {
    return (_request: Request, _response: Response, next: NextFunction): void => next();
  }
  const expected = digest(routerSecret);
  return (request: Request, response: Response, next: NextFunction): void => {
    const presented = request.get(routerSecretHeader);
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      next();
      return;
    }
    const requestId: unknown = response.locals['requestId'];
    response.status(401).json({
      errors: [
        {
          message: 'This service is a federation subgraph and answers only its router: the router secret header is missing or wrong.',
          extensions: { code: ErrorCode.UNAUTHENTICATED, requestId },
        },
      ],
    });
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
