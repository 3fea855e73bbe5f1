/**
 * The gate (gate.ts) on the GraphQL endpoint's two paths: the node:http POST path
 * (src/server/http/graphql-post.ts) hands it the parsed body; the Express chain
 * (src/server/create-server.ts) runs the middleware after its body parser, for POSTs that path
 * does not take and for GET. Both run after inbound authentication and before Apollo parses anything.
 */
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APPLICATION_JSON, refusalMediaType } from '../server/http/media-type';
import { sendErrors } from '../server/http/send-errors';
import type { Admission, GraphQLParams, TrustedDocumentsGate } from './gate';

/** GraphQL over GET's parameters that the gate reads or rewrites; the rest (operationName, variables) pass as they came. */
const GET_PARAMS = ['query', 'documentId', 'extensions'] as const;

/**
 * The body Apollo gets for a POST the gate lets run, or undefined once its refusal has been sent.
 */
export function admitPost(
  gate: TrustedDocumentsGate,
  request: IncomingMessage,
  response: ServerResponse,
  body: unknown,
  requestId: string,
): { body: unknown } | undefined {
  const admission = gate.admit(body, requestId);
  if (admission.kind === 'run') return { body: admission.params };
  refuse(request, response, admission, requestId);
  return undefined;
}

/** The Express half: a POST's parsed body or a GET's query string, rewritten or refused. */
export function trustedDocumentsMiddleware(gate: TrustedDocumentsGate) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const requestId = String(response.locals['requestId']);
    if (request.method === 'POST') {
      const admitted = admitPost(gate, request, response, request.body as unknown, requestId);
      if (admitted !== undefined) {
        request.body = admitted.body;
        next();
      }
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      next();
      return;
    }
    const url = request.url;
    const mark = url.indexOf('?');
    const search = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
    // A parameter given twice is Apollo's to refuse (BAD_REQUEST), before it parses anything.
    if (search.getAll('query').length > 1 || search.getAll('extensions').length > 1) {
      next();
      return;
    }
    const admission = gate.admit(getParams(search), requestId);
    if (admission.kind === 'refuse') {
      refuse(request, response, admission, requestId);
      return;
    }
    request.url = `${mark === -1 ? url : url.slice(0, mark)}?${toSearch(search, admission.params)}`;
    next();
  };
}

function getParams(search: URLSearchParams): GraphQLParams {
  const params: GraphQLParams = {};
  const query = search.get('query');
  if (query !== null) params['query'] = query;
  const ids = search.getAll('documentId');
  // Twice is not an id: the gate refuses it.
  if (ids.length > 0) params['documentId'] = ids.length === 1 ? ids[0] : ids;
  const extensions = search.get('extensions');
  if (extensions !== null) params['extensions'] = parseJson(extensions);
  const operationName = search.get('operationName');
  if (operationName !== null) params['operationName'] = operationName;
  return params;
}

function toSearch(original: URLSearchParams, params: GraphQLParams): string {
  const search = new URLSearchParams();
  for (const [name, value] of original) {
    if (!(GET_PARAMS as readonly string[]).includes(name)) search.append(name, value);
  }
  if (typeof params['query'] === 'string') search.set('query', params['query']);
  const extensions = params['extensions'];
  if (extensions !== undefined) search.set('extensions', typeof extensions === 'string' ? extensions : JSON.stringify(extensions));
  return search.toString();
}

/** JSON as Apollo reads GET's `extensions`; text that is not JSON stays text, for Apollo to refuse. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * A refusal in the gateway's JSON, with the request id. PERSISTED_QUERY_NOT_FOUND is a request
 * error: 200 to a client that accepts only application/json, 400 in graphql-response+json, as
 * GraphQL over HTTP says and as the gateway answers its other request errors. Never cached: the
 * manifest may gain the document a moment later.
 */
function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  admission: Extract<Admission, { kind: 'refuse' }>,
  requestId: string,
): void {
  const status = admission.status === 400 ? 400 : refusalMediaType(request.headers.accept) === APPLICATION_JSON ? 200 : 400;
  response.setHeader('cache-control', 'private, no-cache, must-revalidate');
  sendErrors(request, response, status, [{ message: admission.message, extensions: { code: admission.code, requestId } }]);
}
