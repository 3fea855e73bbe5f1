import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../../graphql/context';
import { classifyError, type ErrorClass } from '../../graphql/errors';
import { isVismaError, type VismaError } from '../../visma/errors';

/**
 * Logs what `formatGatewayError` hides or summarises, with the request id, and stamps the
 * request id on every error sent so a client can quote it to support. Unexpected errors are
 * logged in full (message, stack) at error level; Visma failures at warn, without bodies.
 */
export function errorLoggingPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    // Apollo's hooks return promises; these do their work at once and have nothing to await.
    requestDidStart() {
      return Promise.resolve({
        didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const kind = classifyError(error);
            const path = error.path?.join('.');
            if (kind.kind === 'unexpected') {
              contextValue.logger.error({ err: kind.original, path }, 'unexpected error, answered as INTERNAL_SERVER_ERROR');
            } else {
              const visma = vismaFailureOf(kind);
              if (visma === undefined) continue;
              const { kind: vismaKind, status, operation, vismaId, faultCode, outcome } = visma;
              contextValue.logger.warn(
                { path, visma: { kind: vismaKind, status, operation, vismaId, faultCode, outcome }, detail: visma.message },
                'Visma call failed',
              );
            }
          }
          return Promise.resolve();
        },
        willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single' || response.body.singleResult.errors === undefined) {
            return Promise.resolve();
          }
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => ({
            ...error,
            extensions: { ...error.extensions, requestId: contextValue.requestId },
          }));
          return Promise.resolve();
        },
      });
    },
  };
}

/**
 * The Visma failure behind an answer: the error itself, or the cause of an answer built on one
 * (a create whose outcome is unknown, a failed read-back after a write).
 */
function vismaFailureOf(kind: ErrorClass): VismaError | undefined {
  if (kind.kind === 'visma') return kind.error;
  if (kind.kind === 'idempotency' || kind.kind === 'invoices') return isVismaError(kind.error.cause) ? kind.error.cause : undefined;
  return undefined;
}
