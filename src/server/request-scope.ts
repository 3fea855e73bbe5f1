import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { Context } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import type { VismaLogger } from '../visma/seams';
import { requestIdOf } from './request-id';

/**
 * The request a piece of work belongs to, carried through promises, timers and DataLoader
 * batches by AsyncLocalStorage (https://nodejs.org/api/async_context.html). The Visma client is
 * shared by all requests, so its log lines learn the request id from here, not from a logger.
 */
const scope = new AsyncLocalStorage<RequestScope>();

interface RequestScope {
  requestId: string;
  /**
   * With tracing on, the trace context the request's work belongs to: its server span, then its
   * GraphQL operation's span (src/server/tracing.ts), and undefined again once it has answered, so
   * work that outlives the request (a timer it started, like the upstream cache's first change
   * poll) joins no trace. Undefined throughout with tracing off.
   */
  trace: Context | undefined;
}

/** Each traced request's server span, from its arrival until the request enters its scope. */
const arrivingTraces = new WeakMap<IncomingMessage, Context>();

/** The server span's context of a request that has just arrived (src/server/tracing.ts). */
export function traceArrivingRequest(request: IncomingMessage, trace: Context): void {
  arrivingTraces.set(request, trace);
}

/**
 * Runs the rest of the GraphQL request inside its scope. It goes after the body parser: body
 * parsing resumes on the socket's own callbacks, which would lose a scope entered before it.
 */
export function requestScopeMiddleware(request: Request, response: Response, next: NextFunction): void {
  runInRequestScope(request, requestIdOf(response), next);
}

/** The same without Express (src/server/http/graphql-post.ts): entered once the body has been read, for the same reason. */
export function runInRequestScope<T>(request: IncomingMessage, requestId: string, work: () => T): T {
  return scope.run({ requestId, trace: arrivingTraces.get(request) }, work);
}

/** The trace context of the current request's work; undefined when it is not traced, or outside a request. */
export function currentTrace(): Context | undefined {
  return scope.getStore()?.trace;
}

/** Makes `trace` the context of the current request's work from now on; undefined: the rest of it is not traced. */
export function setCurrentTrace(trace: Context | undefined): void {
  const store = scope.getStore();
  if (store !== undefined) store.trace = trace;
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
