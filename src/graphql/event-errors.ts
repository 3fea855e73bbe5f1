import { GraphQLError } from 'graphql';
import type { InvoicesService, InvoiceWindow } from '../invoices';
import { classifyError, fromIdempotencyError, fromInvoicesError, fromVismaError } from './errors';

/**
 * A domain error (Visma's, the invoices service's) as the coded GraphQLError a query's answer
 * would show, the original kept as its cause for the logs; anything else as it is, so that it is
 * masked where the event is sent, like any unexpected error.
 *
 * Why before graphql-js sees it: Apollo's subscription-callback plugin sends a router the events'
 * results as graphql-js made them, serialised, and a serialised error keeps only the `extensions`
 * graphql-js copied from what was thrown. A domain error has none, so without this it reached
 * the router as INTERNAL_SERVER_ERROR instead of its documented code. Over WebSocket and SSE the
 * formatting (formatGatewayError) gives these the same code and message either way.
 */
export function publicError(error: unknown): unknown {
  const kind = classifyError(error);
  const mapped =
    kind.kind === 'visma'
      ? fromVismaError(kind.error)
      : kind.kind === 'invoices'
        ? fromInvoicesError(kind.error)
        : kind.kind === 'idempotency'
          ? fromIdempotencyError(kind.error)
          : undefined;
  if (mapped === undefined) return error;
  return new GraphQLError(mapped.message, { extensions: mapped.extensions, originalError: error as Error });
}

/**
 * The invoices service one subscription event is executed with, its failures thrown as
 * `publicError`s: every Visma read an event's selections make goes through it (the layering test
 * holds resolvers to it), so this is the one place an event's domain errors get their codes,
 * whichever transport carries the event. A list's rows that cannot be read (errors given as
 * values) and its count are mapped too.
 */
export function withPublicErrors(service: InvoicesService): InvoicesService {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(service, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let method = wrapped.get(key);
      if (method === undefined) {
        const original = value as (...args: unknown[]) => unknown;
        method = (...args: unknown[]): unknown => {
          let result: unknown;
          try {
            result = original.apply(target, args);
          } catch (error) {
            throw publicError(error);
          }
          if (!(result instanceof Promise)) return result;
          const settled = result.catch((error: unknown) => {
            throw publicError(error);
          });
          return key === 'listInvoices' ? settled.then((window) => windowWithPublicErrors(window as InvoiceWindow)) : settled;
        };
        wrapped.set(key, method);
      }
      return method;
    },
  });
}

function windowWithPublicErrors(window: InvoiceWindow): InvoiceWindow {
  return {
    ...window,
    // The connection's resolvers hand a row to graphql-js as it is, which needs only an Error in an unreadable one's place.
    rows: window.rows.map((row) => (row instanceof Error ? (publicError(row) as typeof row) : row)),
    totalCount: () =>
      window.totalCount().catch((error: unknown) => {
        throw publicError(error);
      }),
  };
}
