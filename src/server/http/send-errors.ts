import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';
import { contentTypeOf, refusalMediaType } from './media-type';

/**
 * An answer the gateway makes itself, outside Apollo (a 401, a 404, a body that could not be
 * read): a GraphQL response of errors only, in the media type the client asked for, so a client
 * that accepts only `application/graphql-response+json` (Apollo Client) reads the code instead
 * of failing on the media type. Node's types only, so it outlives the Express layer.
 */
export function sendErrors(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  errors: readonly GraphQLFormattedError[],
): void {
  const body = JSON.stringify({ errors });
  response.statusCode = status;
  response.setHeader('content-type', contentTypeOf(refusalMediaType(request.headers.accept)));
  response.setHeader('content-length', Buffer.byteLength(body));
  response.end(request.method === 'HEAD' ? undefined : body);
}
