import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../../graphql/context';
import type { GatewayMetrics } from '../metrics';

/**
 * Counts every GraphQL response by operation name, type and outcome, and times it from the
 * request's arrival to its response. A response with any error counts as `error` (and each
 * error's code is counted), including parse and validation failures, whose type is `unknown`.
 * Names are capped in number (GatewayMetrics), since clients choose them.
 */
export function metricsPlugin(metrics: GatewayMetrics, now: () => number): ApolloServerPlugin<GatewayContext> {
  return {
    // Apollo's hooks return promises; these do their work at once and have nothing to await.
    requestDidStart() {
      const startedAt = now();
      return Promise.resolve({
        willSendResponse({ operationName, request, operation, response, errors }) {
          const sent = response.body.kind === 'single' ? response.body.singleResult.errors : errors;
          const errorCodes = (sent ?? []).map((error) => {
            const code = error.extensions?.['code'];
            return typeof code === 'string' ? code : 'UNKNOWN';
          });
          metrics.recordOperation({
            // Before validation succeeds Apollo has no resolved name; the one the client sent stands in.
            name: operationName ?? request.operationName ?? null,
            type: operation?.operation ?? null,
            outcome: errorCodes.length === 0 ? 'success' : 'error',
            durationMs: now() - startedAt,
            errorCodes,
          });
          return Promise.resolve();
        },
      });
    },
  };
}
