import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginSubscriptionCallback } from '@apollo/server/plugin/subscriptionCallback';
import { GraphQLError, OperationTypeNode, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayContext } from '../../graphql/context';
import { ErrorCode, formatGatewayError } from '../../graphql/errors';
import { currentRequestId } from '../request-scope';

type Fetch = typeof fetch;

/**
 * Subscriptions through a federation router, by the HTTP callback protocol
 * (https://www.apollographql.com/docs/graphos/routing/operations/subscriptions/callback-protocol):
 * the router POSTs the subscription with `extensions.subscription` (a callback URL, an id, a
 * verifier), Apollo's plugin answers at once, checks the URL, and then POSTs each event, a
 * heartbeat every few seconds and the completion to it. The router is checked as for a query
 * (its secret, the caller's credentials it forwards, the document's limits and budget).
 *
 * The plugin sends what graphql-js produced, unformatted, so its fetch formats the errors the way
 * every other answer is formatted: a code the gateway set stays, anything else is masked
 * (INTERNAL_SERVER_ERROR with the fixed message), each with the request id. A subscription sent
 * as a plain POST (without the callback extension) is refused before it runs, pointing at the
 * transports.
 */
export function subscriptionPlugins(options: {
  logger: Logger;
  fieldSuggestions: boolean;
  /** Called first at shutdown (Apollo's drain): the hub completes its subscriptions, the transports close. */
  drain: () => Promise<void>;
  fetch?: Fetch;
}): Array<ApolloServerPlugin<GatewayContext>> {
  const log = options.logger.child({ component: 'subscription-callback' });
  return [
    {
      serverWillStart: () => Promise.resolve({ drainServer: options.drain }),
    },
    {
      requestDidStart: ({ request }) => {
        if (request.extensions?.['subscription'] !== undefined) return Promise.resolve(undefined);
        return Promise.resolve({
          didResolveOperation: ({ operation }) =>
            operation?.operation === OperationTypeNode.SUBSCRIPTION
              ? Promise.reject(
                  new GraphQLError(
                    'Subscriptions are served over WebSocket (graphql-transport-ws) and SSE (Accept: text/event-stream) at this endpoint, or through a federation router by HTTP callback; not as a plain POST or GET.',
                    { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
                  ),
                )
              : Promise.resolve(),
        });
      },
    },
    ApolloServerPluginSubscriptionCallback({
      fetcher: maskingFetch(options.fetch ?? fetch, options.fieldSuggestions, log),
      logger: {
        debug: (message: string) => log.debug(message),
        info: (message: string) => log.info(message),
        warn: (message: string) => log.warn(message),
        error: (message: string) => log.warn(message),
      },
    }),
  ];
}

const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * The callback requests' bodies with their errors formatted as WebSocket and SSE format theirs
 * (operation.ts formatErrors): a code the gateway set stays (an event's domain errors have theirs
 * before graphql-js serialises them: src/graphql/event-errors.ts), anything else is masked, its
 * text logged; every error carries the request id of the router's subscription request. The
 * plugin consumes the subscription within that request's scope, so its id is the current one.
 */
function maskingFetch(fetchImpl: Fetch, fieldSuggestions: boolean, log: Logger) {
  return (url: string, init?: RequestInit) => {
    if (init === undefined || typeof init.body !== 'string') return fetchImpl(url, init);
    let body: { payload?: { errors?: GraphQLFormattedError[] }; errors?: GraphQLFormattedError[] };
    try {
      body = JSON.parse(init.body) as typeof body;
    } catch {
      return fetchImpl(url, init);
    }
    const requestId = currentRequestId();
    const format = (errors: GraphQLFormattedError[] | undefined): GraphQLFormattedError[] | undefined =>
      errors?.map((formatted) => {
        const answer = formatGatewayError(formatted, new GraphQLError(formatted.message, { extensions: { ...formatted.extensions } }));
        // Masked: what graphql-js said is all that is left of the original, logged under the request id.
        if (answer.extensions?.['code'] === ErrorCode.INTERNAL_SERVER_ERROR) {
          log.error({ requestId, error: { message: formatted.message, path: formatted.path } }, 'subscription error');
        }
        const message = fieldSuggestions ? answer.message : answer.message.replace(SUGGESTION, '');
        return { ...answer, message, extensions: { ...answer.extensions, ...(requestId === undefined ? {} : { requestId }) } };
      });
    if (body.payload?.errors !== undefined) body.payload.errors = format(body.payload.errors);
    if (body.errors !== undefined) body.errors = format(body.errors);
    return fetchImpl(url, { ...init, body: JSON.stringify(body) });
  };
}
