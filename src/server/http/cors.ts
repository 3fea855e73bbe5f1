import cors from 'cors';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Request headers a page on an allowed origin may send (docs/security.md, "CORS"): the JSON body,
 * both credentials, the caller's request id, Apollo's preflight and client-awareness headers, W3C
 * trace context and baggage, the request for federated trace data, and MCP's protocol version. A fixed list, never the
 * preflight's own list echoed back.
 */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  'Content-Type',
  'Authorization',
  'X-API-Key',
  'X-Request-Id',
  'Apollo-Require-Preflight',
  'X-Apollo-Operation-Name',
  'Apollographql-Client-Name',
  'Apollographql-Client-Version',
  'traceparent',
  'tracestate',
  'baggage',
  'Apollo-Federation-Include-Trace',
  // MCP's Streamable HTTP client sends the protocol version on every request after the first (docs/mcp.md).
  'Mcp-Protocol-Version',
];

/** Response headers a page may read besides the safelisted ones: the id to quote to support. */
export const CORS_EXPOSED_HEADERS: readonly string[] = ['X-Request-Id'];

/** Queries go over GET or POST, mutations over POST; nothing else is served. */
export const CORS_METHODS: readonly string[] = ['GET', 'POST'];

/**
 * How long a browser may reuse a preflight: Chromium's cap (Firefox allows a day). An origin
 * taken off the list is refused at once all the same: every answer is checked for its
 * Access-Control-Allow-Origin, not only the preflight.
 */
export const CORS_MAX_AGE_SECONDS = 7200;

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * CORS for the GraphQL endpoint over the `cors` package, for the exact origins of CORS_ORIGINS;
 * null when there are none (the default), so the endpoint sends no CORS header at all.
 *
 * An allowed origin gets its own origin back (never `*`), the methods, headers, max-age and
 * exposed headers above, and no Access-Control-Allow-Credentials: the gateway authenticates by
 * header, never by cookie, so a browser has no reason to send cookies and is told not to. Any
 * other origin gets no CORS header, so its browser withholds the answer; its preflight is
 * answered 204 without them rather than passed on to authentication (a preflight never carries
 * credentials). Every answer varies on Origin, so no cache serves one origin's answer to another.
 */
export function corsMiddleware(origins: readonly string[]): Middleware | null {
  if (origins.length === 0) {
    return null;
  }
  const allowed = new Set(origins);
  const withCors = cors({
    origin: true,
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    credentials: false,
    maxAge: CORS_MAX_AGE_SECONDS,
    optionsSuccessStatus: 204,
  });
  return (request, response, next) => {
    varyOnOrigin(response);
    const origin = request.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      withCors(request, response, next);
      return;
    }
    if (isPreflight(request)) {
      response.statusCode = 204;
      response.setHeader('content-length', '0');
      response.end();
      return;
    }
    next();
  };
}

/** A CORS preflight: OPTIONS from a page, asking whether a method may be used. */
function isPreflight(request: IncomingMessage): boolean {
  return (
    request.method === 'OPTIONS' && request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined
  );
}

function varyOnOrigin(response: ServerResponse): void {
  const current = response.getHeader('vary');
  const values = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (!values.some((value) => value === '*' || value.toLowerCase() === 'origin')) {
    response.setHeader('vary', [...values, 'Origin'].join(', '));
  }
}
