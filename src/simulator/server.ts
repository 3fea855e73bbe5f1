/**
 * The HTTP front: routing (case-insensitive paths, CONTRACT §1), then for Visma routes the
 * order a real request meets: faults, bearer token, rate limit (per tenant and client,
 * CONTRACT §7), scope, body, handler. Plain node:http keeps it cheap as a benchmark upstream.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Grant } from './auth';
import { CUSTOMERS } from './catalogue';
import { type Company } from './company';
import { handleControl } from './control';
import { customerJson } from './customer';
import { type Fault } from './faults';
import { acceptsJson, BodyTooLargeError, empty, ippError, isJsonContentType, json, readBody, send, visMessage, type Reply } from './http';
import { parseListQuery, QueryError, runListQuery } from './list-query';
import { RATE_LIMIT_POLICY, type RateDecision } from './rate-limit';
import { etagOf, invoiceJson, invoiceListJson } from './render';
import { createInvoice, releaseInvoice, updateInvoice } from './writes';

const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export interface RequestContext {
  company: Company;
  req: IncomingMessage;
  params: string[];
  search: string;
  nowMs: number;
  /** The company's wall-clock time (naive ms): what Visma stamps on documents. */
  localNowMs: number;
  grant: Grant | null;
  body: unknown;
  /** Base for absolute `Location` headers, no trailing slash. */
  publicUrl: string;
}

type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

interface Route {
  method: string;
  /** Lower-case path pattern; `*` matches one segment. */
  pattern: string[];
  template: string;
  handler: Handler;
  scope: 'read' | 'create' | 'update' | null;
  hasBody: boolean;
}

function route(method: string, template: string, scope: Route['scope'], handler: Handler, hasBody = false): Route {
  const pattern = template
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith('{') ? '*' : segment.toLowerCase()));
  return { method, pattern, template: `${method} ${template}`, handler, scope, hasBody };
}

/**
 * A path key as Visma takes it: percent-decoded, or `b64(<base64url>)` for values with
 * reserved characters (CONTRACT §1, KB-LIST).
 */
function decodeKey(segment: string): string {
  const decoded = decodeURIComponent(segment);
  const b64 = /^b64\((.*)\)$/i.exec(decoded);
  return b64 ? Buffer.from(b64[1] ?? '', 'base64url').toString('utf8') : decoded;
}

function getInvoice(ctx: RequestContext): Reply {
  const invoice = ctx.company.store.get(ctx.params[0] ?? '');
  if (!invoice) return visMessage(404, `Customer invoice '${ctx.params[0]}' was not found.`);
  return json(200, invoiceJson(invoice), { ETag: etagOf(invoice.version) });
}

function listInvoices(ctx: RequestContext): Reply {
  const { settings, store } = ctx.company;
  try {
    const query = parseListQuery(ctx.search, settings);
    const { page, total } = runListQuery(store.all(), query);
    // metadata.maxPageSize reports the endpoint's allowed maximum: the spec's pageSize help says
    // "the allowed max page size which is returned as part of the metadata information".
    return json(200, invoiceListJson(page, query.expand, total, settings.maxPageSize));
  } catch (error) {
    if (error instanceof QueryError) return visMessage(400, error.message);
    throw error;
  }
}

function getCustomer(ctx: RequestContext): Reply {
  const number = ctx.params[0] ?? '';
  const index = CUSTOMERS.findIndex((customer) => customer.number === number);
  const customer = CUSTOMERS[index];
  if (!customer) return visMessage(404, `Customer '${number}' was not found.`);
  return json(200, customerJson(customer, index));
}

export const ROUTES: readonly Route[] = [
  route('GET', '/v1/customerinvoice', 'read', listInvoices),
  route('POST', '/v1/customerinvoice', 'create', createInvoice, true),
  route('POST', '/v2/customerinvoice', 'create', createInvoice, true),
  route('GET', '/v1/customerinvoice/{referenceNumber}', 'read', getInvoice),
  route('PUT', '/v1/customerinvoice/{referenceNumber}', 'update', updateInvoice, true),
  route('POST', '/v1/customerinvoice/{referenceNumber}/action/release', 'update', releaseInvoice, true),
  route('GET', '/v1/customer/{customerNumber}', 'read', getCustomer),
];

const TOKEN_TEMPLATE = 'POST /connect/token';

function matchPath(pattern: string[], segments: string[]): string[] | null {
  if (pattern.length !== segments.length) return null;
  const params: string[] = [];
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i] as string;
    const actual = segments[i] as string;
    if (expected === '*') params.push(actual);
    else if (expected !== actual.toLowerCase()) return null;
  }
  return params;
}

/** What an injected fault answers instead of the handler; null for dropAfterCommit (handled later). */
function faultReply(fault: Fault): Reply | 'reset' | null {
  switch (fault.kind) {
    case 'status': {
      const status = fault.status ?? 503;
      if (fault.body === 'plain') return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Service Unavailable' };
      if (fault.body === 'empty') return empty(status);
      return json(status, JSON.stringify({ message: 'An error has occurred.' }));
    }
    case 'rateLimited': {
      const seconds = fault.retryAfterSeconds ?? 1;
      return json(429, JSON.stringify({ message: `Rate limit is exceeded. Try again in ${seconds} seconds.` }), {
        'Retry-After': String(seconds),
      });
    }
    case 'malformed':
      return json(200, '{"referenceNumber":"0035');
    case 'emptyOk':
      return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' } };
    case 'reset':
      return 'reset';
    default:
      return null;
  }
}

function withRateHeaders(reply: Reply, decision: RateDecision): Reply {
  return {
    ...reply,
    headers: {
      ...reply.headers,
      'X-RateLimit-Limit': String(decision.limit),
      'X-RateLimit-Remaining': String(decision.remaining),
      'X-RateLimit-Reset': String(decision.resetSeconds),
      'X-RateLimit-Policy': RATE_LIMIT_POLICY,
    },
  };
}

/** Reads and discards the body of a request answered without it. */
async function drainBody(req: IncomingMessage): Promise<void> {
  await readBody(req, BODY_LIMIT_BYTES).catch(() => Buffer.alloc(0));
}

/** RFC 6749 §5.2's error body; token answers are never cached. */
function oauthError(status: number, error: string, description: string, extra: Record<string, string> = {}): Reply {
  return json(status, JSON.stringify({ error, error_description: description }), {
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    ...extra,
  });
}

async function handleToken(company: Company, req: IncomingMessage): Promise<Reply> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    await drainBody(req);
    return oauthError(400, 'invalid_request', 'The request must be application/x-www-form-urlencoded.');
  }
  const form = new URLSearchParams((await readBody(req, BODY_LIMIT_BYTES)).toString('utf8'));
  const outcome = company.tokens.issue(form, req.headers.authorization, company.now());
  if (!outcome.ok) {
    return oauthError(
      outcome.status,
      outcome.error,
      outcome.description,
      outcome.basicChallenge ? { 'WWW-Authenticate': 'Basic realm="connect"' } : {},
    );
  }
  return json(200, JSON.stringify(outcome.body), { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

type BodyOutcome = { ok: true; value: unknown } | { ok: false; reply: Reply };

async function parseJsonBody(req: IncomingMessage): Promise<BodyOutcome> {
  const raw = await readBody(req, BODY_LIMIT_BYTES);
  if (!isJsonContentType(req.headers['content-type'])) {
    return {
      ok: false,
      reply: visMessage(415, `The request's Content-Type must be application/json, received '${req.headers['content-type'] ?? ''}'.`),
    };
  }
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, reply: visMessage(400, 'The request body is empty.') };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reply: visMessage(400, 'The request body is not valid JSON.') };
  }
}

/** A write's JSON body. Reads have none; the release action takes no body (ONIT sends `{}`), so it is read and ignored. */
async function routeBody(req: IncomingMessage, route: Route): Promise<BodyOutcome> {
  if (!route.hasBody) return { ok: true, value: undefined };
  if (route.template.endsWith('/action/release')) {
    await readBody(req, BODY_LIMIT_BYTES);
    return { ok: true, value: undefined };
  }
  return parseJsonBody(req);
}

/** A request to a matched Visma route. */
interface ApiCall {
  company: Company;
  req: IncomingMessage;
  route: Route;
  params: string[];
  search: string;
  publicUrl: string;
}

/** After the token and the rate limit: the scope, Accept and body checks, then the route's handler. */
async function authorizedReply(call: ApiCall, grant: Grant, nowMs: number): Promise<Reply> {
  const { company, req, route } = call;
  if (route.scope && !grant.scopes.has(`vismanet_erp_service_api:${route.scope}`)) {
    await drainBody(req);
    return ippError(403, '12005', `The access token does not grant the scope vismanet_erp_service_api:${route.scope}.`);
  }
  if (!acceptsJson(req.headers.accept)) {
    await drainBody(req);
    return empty(406);
  }
  const body = await routeBody(req, route);
  if (!body.ok) return body.reply;
  return route.handler({
    company,
    req,
    params: call.params.map(decodeKey),
    search: call.search,
    nowMs,
    localNowMs: company.localNow(),
    grant,
    body: body.value,
    publicUrl: call.publicUrl,
  });
}

async function handleApi(call: ApiCall): Promise<Reply> {
  const { company, req } = call;
  const nowMs = company.now();
  const grant = company.tokens.verify(req.headers.authorization, nowMs);
  if (!grant) {
    // CONTRACT §5.1: a missing or invalid token gets a 401 with no body.
    await drainBody(req);
    return empty(401, { 'WWW-Authenticate': 'Bearer' });
  }
  const decision = company.limiter.take(`${grant.tenantId}|${grant.clientId}`, nowMs);
  if (!decision.allowed) {
    await drainBody(req);
    const retry = json(429, JSON.stringify({ message: `Rate limit is exceeded. Try again in ${decision.resetSeconds} seconds.` }), {
      'Retry-After': String(decision.resetSeconds),
    });
    return withRateHeaders(retry, decision);
  }
  return withRateHeaders(await authorizedReply(call, grant, nowMs), decision);
}

export interface ServerDeps {
  company: Company;
  /** Resolved lazily: with port 0 the URL is known only once listening. */
  publicUrl: () => string;
  /** Waits out latency faults. */
  sleep: (ms: number) => Promise<void>;
}

/** A request the simulator answers as Visma would: its route template (for counters and faults) and how to answer it. */
interface Target {
  template: string;
  run: () => Promise<Reply>;
}

function isTokenPath(segments: string[]): boolean {
  return segments.length === 2 && segments[0]?.toLowerCase() === 'connect' && segments[1]?.toLowerCase() === 'token';
}

function tokenTarget(company: Company, req: IncomingMessage, method: string): Target {
  return {
    template: TOKEN_TEMPLATE,
    run: () => (method === 'POST' ? handleToken(company, req) : Promise.resolve(empty(405, { Allow: 'POST' }))),
  };
}

/** The Visma route for the path and method; when there is none, the 405 (path known) or 404 to send. */
function apiTarget(
  deps: ServerDeps,
  req: IncomingMessage,
  segments: string[],
  method: string,
  search: string,
): Target | { unmatched: Reply } {
  const candidates = ROUTES.flatMap((route) => {
    const params = matchPath(route.pattern, segments);
    return params === null ? [] : [{ route, params }];
  });
  const match = candidates.find((candidate) => candidate.route.method === method);
  if (!match) {
    return {
      unmatched:
        candidates.length > 0
          ? empty(405, { Allow: candidates.map((candidate) => candidate.route.method).join(', ') })
          : json(404, JSON.stringify({ message: 'Resource not found' })),
    };
  }
  const { route, params } = match;
  return {
    template: route.template,
    run: () => handleApi({ company: deps.company, req, route, params, search, publicUrl: deps.publicUrl() }),
  };
}

/** An injected fault's answer: the connection reset, or the reply sent instead of the handler's. */
async function sendInjected(
  company: Company,
  req: IncomingMessage,
  res: ServerResponse,
  template: string,
  injected: Reply | 'reset',
): Promise<void> {
  if (injected === 'reset') {
    company.counters.record(template, 'reset');
    req.socket.destroy();
    return;
  }
  company.counters.record(template, injected.status);
  await drainBody(req);
  send(res, injected);
}

/** Runs a request through the faults planned for its route, then counts and sends what the client gets. */
async function answer(deps: ServerDeps, req: IncomingMessage, res: ServerResponse, target: Target): Promise<void> {
  const { company } = deps;
  const plan = company.faults.plan(target.template);
  if (plan.latencyMs > 0) await deps.sleep(plan.latencyMs);
  const injected = plan.fault ? faultReply(plan.fault) : null;
  if (injected !== null) {
    await sendInjected(company, req, res, target.template, injected);
    return;
  }
  const reply = await target.run();
  if (plan.fault?.kind === 'dropAfterCommit') {
    // The write (if any) is applied; the client never learns the outcome.
    company.counters.record(target.template, 'dropped');
    req.socket.destroy();
    return;
  }
  company.counters.record(target.template, reply.status);
  send(res, reply);
}

async function dispatch(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart < 0 ? url : url.slice(0, queryStart);
  const search = queryStart < 0 ? '' : url.slice(queryStart + 1);
  const segments = path.split('/').filter(Boolean);
  const method = (req.method ?? 'GET').toUpperCase();
  if ((segments[0] ?? '').toLowerCase() === '_simulator') {
    send(res, await handleControl(deps.company, req, segments.slice(1), deps.publicUrl()));
    return;
  }
  const target = isTokenPath(segments) ? tokenTarget(deps.company, req, method) : apiTarget(deps, req, segments, method, search);
  if ('unmatched' in target) {
    await drainBody(req);
    send(res, target.unmatched);
    return;
  }
  await answer(deps, req, res, target);
}

/** An unexpected failure is the simulator's own bug: answer 500 without internals. */
function answerFailure(res: ServerResponse, error: unknown): void {
  if (error instanceof BodyTooLargeError) {
    send(res, visMessage(413, 'The request body is too large.'));
    return;
  }
  process.stderr.write(`simulator: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  if (!res.headersSent) send(res, json(500, JSON.stringify({ message: 'An error has occurred.' })));
  else res.destroy();
}

export function createSimulatorServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    dispatch(deps, req, res).catch((error: unknown) => answerFailure(res, error));
  });
}
