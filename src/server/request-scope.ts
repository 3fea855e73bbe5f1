import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { VismaLogger } from '../visma/seams';
import { requestIdOf } from './request-id';

/**
 * The request a piece of work belongs to, carried through promises, timers and DataLoader
 * batches by AsyncLocalStorage (https://nodejs.org/api/async_context.html). The Visma client is
 * shared by all requests, so its log lines learn the request id from here, not from a logger.
 */
const scope = new AsyncLocalStorage<{ requestId: string }>();

/**
 * Runs the rest of the GraphQL request inside its scope. It goes after the body parser: body
 * parsing resumes on the socket's own callbacks, which would lose a scope entered before it.
 */
export function requestScopeMiddleware(_request: Request, response: Response, next: NextFunction): void {
  scope.run({ requestId: requestIdOf(response) }, next);
}

/** The id of the request this work belongs to; undefined outside one (an in-process `executeOperation`). */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}

/** The Visma client's logger with the current request's `requestId` on every line, when there is one. */
export function withRequestId(logger: VismaLogger): VismaLogger {
  const fields = (given: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
    const requestId = scope.getStore()?.requestId;
    return requestId === undefined ? given : { ...given, requestId };
  };
  return {
    debug: (message, given) => logger.debug(message, fields(given)),
    warn: (message, given) => logger.warn(message, fields(given)),
  };
}
