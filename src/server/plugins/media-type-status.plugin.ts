import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { APPLICATION_JSON, negotiateMediaType } from '../http/media-type';

/** Apollo's code for a request that is not a well-formed GraphQL-over-HTTP request (no query, a bad persisted-query version). */
const MALFORMED = 'BAD_REQUEST';

/**
 * The GraphQL-over-HTTP spec's status rule for `application/json`: a well-formed request is
 * answered 200 whatever GraphQL request error it raised, because a legacy client cannot tell a 4xx
 * of the server from one of a proxy on the way. Apollo answers those errors 400 whatever the client
 * accepted; with `application/graphql-response+json` (Apollo Client, urql and graphql-request ask
 * for it first) 400 is right and stays.
 *
 * A request error is a 400 without data that Apollo's pipeline answers: a document that does not
 * parse or validate (the gateway's operation limits are validation rules), an operation that
 * cannot be selected, variables that do not coerce, and the operation budget's refusals, which the
 * spec counts among the additional validation a server may apply. A 400 with a BAD_REQUEST error
 * (a malformed request) stays 400, and a mutation over GET keeps its 405.
 */
export function mediaTypeStatusPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ request, response }) {
          const { body, http } = response;
          if (body.kind !== 'single' || http.status !== 400 || body.singleResult.data !== undefined) {
            return Promise.resolve();
          }
          const codes = (body.singleResult.errors ?? []).map((error) => error.extensions?.['code']);
          const requestErrors = codes.length > 0 && codes.every((code) => typeof code === 'string' && code !== MALFORMED);
          if (requestErrors && negotiateMediaType(request.http?.headers.get('accept')) === APPLICATION_JSON) {
            http.status = 200;
          }
          return Promise.resolve();
        },
      });
    },
  };
}
