import type { IncomingMessage, ServerResponse } from 'node:http';
import { REQUEST_ID_HEADER } from '../request-id';
import { sendErrors } from './send-errors';

/**
 * The content types any web page can POST to another site without a CORS preflight (the Fetch
 * standard's CORS-safelisted `Content-Type` values): an HTML form or `fetch` in `no-cors` mode.
 */
const SIMPLE_CONTENT_TYPES: ReadonlySet<string> = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

export const SIMPLE_POST_REFUSAL =
  'A POST to the GraphQL endpoint must have Content-Type: application/json. A form, multipart or text/plain body, which any web page can send to another site without asking, is refused.';

/**
 * A POST a browser could send from any site without a preflight: no `Content-Type`, or a simple
 * one. The gateway reads only JSON bodies, so such a request could never run anyway; refusing it
 * by name keeps mutations (POST only) out of reach of cross-site forms even if another body
 * reader is ever put in front of Apollo. GET needs no such check: over GET only queries run.
 */
export function isSimplePost(method: string | undefined, contentType: string | undefined): boolean {
  if (method !== 'POST') return false;
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return essence === '' || SIMPLE_CONTENT_TYPES.has(essence);
}

/** Refuses a simple POST with 400 BAD_REQUEST before its body is read (docs/security.md, "HTTP"). */
export function simplePostGuard(request: IncomingMessage, response: ServerResponse, next: () => void): void {
  if (!isSimplePost(request.method, request.headers['content-type'])) {
    next();
    return;
  }
  const requestId = response.getHeader(REQUEST_ID_HEADER);
  sendErrors(request, response, 400, [
    { message: SIMPLE_POST_REFUSAL, extensions: { code: 'BAD_REQUEST', ...(typeof requestId === 'string' ? { requestId } : {}) } },
  ]);
}
