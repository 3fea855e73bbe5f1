import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { isPlainRequestId } from '../visma/request-id';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Gives every HTTP request an id: the caller's `X-Request-Id` when it is acceptable (so a
 * frontend's id follows the request through), a fresh UUID otherwise. It is echoed in the
 * response header, put on every log line and sent to Visma with each call.
 */
export function requestIdMiddleware(request: Request, response: Response, next: NextFunction): void {
  const requestId = requestIdFor(request.get(REQUEST_ID_HEADER));
  response.locals['requestId'] = requestId;
  response.setHeader(REQUEST_ID_HEADER, requestId);
  next();
}

/** The caller's id when it is acceptable, a fresh UUID otherwise; the node:http path's half of the middleware above. */
export function requestIdFor(offered: string | undefined): string {
  // Kept only when short and plain, so it cannot smuggle anything into logs or Visma's headers.
  return isPlainRequestId(offered) ? offered : randomUUID();
}

export function requestIdOf(response: Response): string {
  const id: unknown = response.locals['requestId'];
  return typeof id === 'string' ? id : randomUUID();
}
