import type { ApolloServerPlugin } from '@apollo/server';

/** graphql-js's suggestion sentences: `Did you mean "a"?`, `Did you mean "a", "b", or "c"?`, `Did you mean to use an inline fragment on "X"?`. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * Removes "Did you mean …?" from every error message, so a client with introspection off
 * cannot rebuild the schema by guessing names. Apollo's `hideSchemaDetailsFromClientErrors`
 * does this for validation errors only; a variable of an input type with a misspelt field
 * is refused during execution with a suggestion too, so this runs on the response.
 */
export function hideSuggestionsPlugin(): ApolloServerPlugin {
  return {
    // Apollo's hooks return promises; this one does its work at once and has nothing to await.
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ response }) {
          if (response.body.kind !== 'single' || response.body.singleResult.errors === undefined) {
            return Promise.resolve();
          }
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => {
            const message = error.message.replace(SUGGESTION, '');
            return message === error.message ? error : { ...error, message };
          });
          return Promise.resolve();
        },
      });
    },
  };
}
