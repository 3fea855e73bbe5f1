import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../../graphql/context';

/** One summary line per GraphQL request: operation, outcome and duration. */
export function requestLogPlugin(now: () => number): ApolloServerPlugin<GatewayContext> {
  return {
    // Apollo's hooks return promises; these do their work at once and have nothing to await.
    requestDidStart() {
      const startedAt = now();
      return Promise.resolve({
        willSendResponse({ contextValue, operationName, response, errors }) {
          const body = response.body;
          const errorCount = body.kind === 'single' ? (body.singleResult.errors?.length ?? 0) : (errors?.length ?? 0);
          contextValue.logger.info(
            { operationName: operationName ?? null, errors: errorCount, durationMs: now() - startedAt },
            'graphql request',
          );
          return Promise.resolve();
        },
      });
    },
  };
}
