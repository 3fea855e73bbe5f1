import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { createHandler, type OperationContext } from 'graphql-sse';
import type { Logger } from 'pino';
import type { GatewayContext } from '../../graphql/context';
import { ErrorCode } from '../../graphql/errors';
import { sendErrors } from '../http/send-errors';
import { formatErrors, formatResult, prepareSubscription, type OperationRules } from './operation';
import type { StreamCount } from './stream-count';

export interface SseDeps {
  rules: OperationRules;
  /** WebSockets and SSE streams of this replica, under MAX_SUBSCRIPTIONS. */
  streams: StreamCount;
  /** SUBSCRIPTION_MAX_QUEUED_EVENTS: events written to a stream and not yet taken by its client. */
  maxQueuedEvents: number;
  /** The largest body read (the GraphQL endpoint's). */
  bodyLimitBytes: number;
  context: (facts: { requestId: string; authorization: string | undefined; signal: AbortSignal }) => GatewayContext;
  logger: Logger;
}

interface StreamRequest {
  requestId: string;
  authorization: string | undefined;
  response: ServerResponse;
  closed: AbortSignal;
}

/**
 * GraphQL over SSE is asked for with `Accept: text/event-stream` alone, as graphql-sse's client
 * and a browser's EventSource send it. A client that lists it among others (urql's default
 * Accept names five types, text/event-stream fourth) is answered as any query is.
 */
export function acceptsEventStream(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(',') : accept;
  if (value === undefined) return false;
  const types = value.split(',').map((entry) => entry.split(';')[0]?.trim().toLowerCase() ?? '');
  return types.length > 0 && types.every((type) => type === 'text/event-stream');
}

/**
 * GraphQL over SSE (graphql-sse's handler, its "distinct connections" mode: one subscription a
 * stream, by GET or POST with `Accept: text/event-stream`) on the GraphQL path, after the same
 * CORS, router secret and inbound authentication as a query (create-server.ts runs them first),
 * with the same document checks (operation.ts). graphql-sse queues what it has not written
 * without bound, so the stream is written here: an event not yet taken by the client past
 * SUBSCRIPTION_MAX_QUEUED_EVENTS ends it.
 */
export class SseTransport {
  private readonly handler;
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly deps: SseDeps) {
    this.handler = createHandler<IncomingMessage, StreamRequest, GatewayContext & OperationContext>({
      schema: deps.rules.schema,
      // No token: every stream is its own ("distinct connections"); the reservation mode is not offered.
      authenticate: () => null,
      onSubscribe: (request, params) => {
        const { requestId, authorization, response, closed } = request.context;
        const prepared = prepareSubscription(deps.rules, params);
        if (Array.isArray(prepared)) {
          return { errors: formatErrors(prepared, requestId, deps.rules.fieldSuggestions, deps.logger) } as unknown as ExecutionResult;
        }
        let context: GatewayContext;
        try {
          context = deps.context({ requestId, authorization, signal: closed });
        } catch (error) {
          // A refusal the context makes (a coded GraphQLError) is the stream's one result, not a 500.
          if (!(error instanceof GraphQLError)) throw error;
          return { errors: formatErrors([error], requestId, deps.rules.fieldSuggestions, deps.logger) } as unknown as ExecutionResult;
        }
        context.subscriber = {
          dropSlowConsumer: () => {
            deps.logger.warn({ requestId }, 'SSE stream dropped: its subscriber fell SUBSCRIPTION_MAX_QUEUED_EVENTS behind');
            response.destroy();
          },
        };
        deps.logger.debug({ requestId, operationName: prepared.operationName }, 'subscription started over SSE');
        return { ...prepared, contextValue: context as GatewayContext & OperationContext };
      },
      onNext: (context, _request, result) =>
        formatResult(result as ExecutionResult, context.requestId, deps.rules.fieldSuggestions, deps.logger),
    });
  }

  /** Streams open now. */
  get size(): number {
    return this.open.size;
  }

  /** Serves a request that accepts text/event-stream, once it has passed the endpoint's checks. */
  serve(request: IncomingMessage, response: ServerResponse, requestId: string): void {
    if (!this.deps.streams.open()) {
      sendErrors(request, response, 503, [
        {
          message: `This replica holds the ${this.deps.streams.max} subscription streams it may (MAX_SUBSCRIPTIONS); try again later.`,
          extensions: { code: ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, limit: this.deps.streams.max, per: 'replica', requestId },
        },
      ]);
      return;
    }
    this.open.add(response);
    const controller = new AbortController();
    response.once('close', () => {
      this.open.delete(response);
      this.deps.streams.close();
      controller.abort();
    });
    this.stream(request, response, requestId, controller.signal).catch((error: unknown) => {
      this.deps.logger.error({ err: error, requestId }, 'SSE stream failed');
      if (!response.headersSent) {
        sendErrors(request, response, 500, [
          { message: 'Something went wrong inside the gateway.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId } },
        ]);
      } else {
        response.destroy();
      }
    });
  }

  /** Shutdown: the hub has completed every subscription, so streams end; what is left after a second is cut. */
  async close(): Promise<void> {
    const open = [...this.open];
    await Promise.all(
      open.map(
        (response) =>
          new Promise<void>((resolve) => {
            if (response.closed) {
              resolve();
              return;
            }
            const timer = setTimeout(() => {
              response.destroy();
              resolve();
            }, 1_000);
            timer.unref();
            response.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }

  private async stream(request: IncomingMessage, response: ServerResponse, requestId: string, closed: AbortSignal): Promise<void> {
    const body = request.method === 'POST' ? await readBody(request, this.deps.bodyLimitBytes) : '';
    if (body === undefined) {
      sendErrors(request, response, 413, [
        { message: 'The request body is larger than 1mb.', extensions: { code: 'BAD_REQUEST', requestId } },
      ]);
      return;
    }
    const [answer, init] = await this.handler({
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers: {
        // graphql-sse streams only for exactly this; the request accepts it (acceptsEventStream).
        get: (key: string) => (key.toLowerCase() === 'accept' ? 'text/event-stream' : header(request, key)),
      },
      body,
      raw: request,
      context: { requestId, authorization: header(request, 'authorization'), response, closed },
    });
    response.writeHead(init.status, init.statusText, init.headers);
    if (answer === null || typeof answer === 'string') {
      response.end(answer ?? undefined);
      return;
    }
    response.once('close', () => void answer.return(undefined));
    let unread = 0;
    for await (const message of answer) {
      if (response.destroyed || !response.writable) break;
      if (unread >= this.deps.maxQueuedEvents) {
        this.deps.logger.warn({ requestId }, 'SSE stream dropped: its client left SUBSCRIPTION_MAX_QUEUED_EVENTS events unread');
        response.destroy();
        break;
      }
      unread += 1;
      response.write(message, () => (unread -= 1));
    }
    if (!response.destroyed) response.end();
  }
}

/** The body as text, or undefined past the limit (the request is then answered 413 without reading the rest). */
function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > limit) {
        request.off('data', onData);
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('error', reject);
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
