/**
 * The gateway's whole configuration: one table from environment variables to a typed,
 * validated `Config`. It is read once, at start; a bad value stops the process with a message
 * naming the variable, the form expected and what was received, instead of failing on the
 * first request. Secrets are never echoed, only described.
 */
import { HTTP_TRANSPORTS, type HttpTransport } from './visma/http';
import { DEFAULT_VISMA_OPTIONS } from './visma/options';

export type NodeEnv = 'production' | 'development' | 'test';
/** TRUSTED_DOCUMENTS (docs/trusted-documents.md). */
export type TrustedDocumentsMode = 'off' | 'log' | 'enforce';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type VismaAuthMode = 'client_credentials' | 'passthrough';
/** The Visma client's `transport` (src/visma/http.ts). */
export type VismaTransport = HttpTransport;

export interface VismaCredentials {
  clientId: string;
  clientSecret: string;
  tenantId: string;
}

/** How callers prove who they are to the gateway (docs/security.md). */
export interface InboundAuthConfig {
  /**
   * Every GraphQL request must present a valid JWT or API key. Defaults to true unless the
   * gateway runs on the embedded simulator; passthrough mode needs no method of its own,
   * because Visma checks the forwarded token on every call.
   */
  required: boolean;
  /** JWTs in `Authorization: Bearer`, checked against a JWKS; null when not configured. */
  jwt: { jwksUrl: string; issuer: string; audience: string; algorithms: readonly string[] } | null;
  /** Lower-case hex SHA-256 digests of the accepted `X-API-Key` values (the keys themselves are never configured). */
  apiKeySha256: readonly string[];
}

export interface SecurityConfig {
  /** Introspection queries allowed. Defaults to true on the embedded simulator (the playground needs it), false otherwise. */
  introspection: boolean;
  /** "Did you mean …?" in error messages. Same default as introspection: they reveal the schema too. */
  fieldSuggestions: boolean;
  auth: InboundAuthConfig;
}

/** The subgraph's side of the router handshake (docs/federation.md). */
export interface FederationConfig {
  /** When set, every GraphQL request must carry it in `routerSecretHeader` (401 otherwise). Null: no check. */
  routerSecret: string | null;
  /** Lower-case header name the router sends the secret in. */
  routerSecretHeader: string;
  /** Who gets federated trace data (`ftv1`): `router` (requests with the router secret), `all`, or `off`. */
  traces: FederationTraces;
}

/** FEDERATION_TRACES (docs/federation.md, "Traces"). */
export type FederationTraces = 'router' | 'all' | 'off';

/** OTEL_TRACES_SAMPLER: OpenTelemetry's samplers by their names in its specification. */
export type TracesSampler =
  'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio' | 'always_on' | 'always_off' | 'traceidratio';

/** OpenTelemetry tracing (docs/operations.md, "Tracing"), read from OpenTelemetry's own variables. */
export interface TracingConfig {
  /**
   * Where spans are POSTed, as OTLP/HTTP JSON: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, else
   * OTEL_EXPORTER_OTLP_ENDPOINT with `v1/traces` appended (OpenTelemetry's rule for the two).
   */
  endpoint: string;
  /** Sent with every export, such as a collector's API key: OTEL_EXPORTER_OTLP_HEADERS with OTEL_EXPORTER_OTLP_TRACES_HEADERS over it. */
  headers: Readonly<Record<string, string>>;
  /** OTEL_SERVICE_NAME: the resource's `service.name`. */
  serviceName: string;
  sampler: TracesSampler;
  /** OTEL_TRACES_SAMPLER_ARG: the share of traces the `*traceidratio` samplers start, 0 to 1. */
  samplerRatio: number;
}

/** How long the HTTP server waits on a client (docs/security.md, "HTTP"); Node's `http.Server` options. */
export interface HttpTimeouts {
  /** HTTP_HEADERS_TIMEOUT_MS: from a request's first byte to the end of its headers. */
  headersTimeoutMs: number;
  /** HTTP_REQUEST_TIMEOUT_MS: from a request's first byte to the end of its body (answering it is not counted). */
  requestTimeoutMs: number;
  /** HTTP_KEEP_ALIVE_TIMEOUT_MS: an idle kept-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
}

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  logLevel: LogLevel;
  /** Budget of one GraphQL request across all its upstream calls, in milliseconds. */
  requestDeadlineMs: number;
  /** What a slow or idle client may hold a socket for. */
  http: HttpTimeouts;
  /** The largest `first` a client may ask for in one page of a connection. */
  maxPageSize: number;
  /** How many `GET /v1/customer/{number}` calls one request runs at the same time. */
  customerLookupConcurrency: number;
  /** Idempotent creates (docs/idempotency.md). */
  idempotency: {
    /** After a create whose answer was lost, how long a look-up that finds nothing is not yet trusted. */
    settleMs: number;
    /** How long a key is remembered (at least 24 hours). */
    retentionMs: number;
  };
  /** How many `GET /v1/customerinvoice/{ref}` calls one request runs at the same time (`_entities`, single look-ups). */
  invoiceLookupConcurrency: number;
  /** What one operation may cost, checked before it runs and as it runs (docs/security.md, "Operation budget"). */
  operationBudget: {
    /** MAX_OPERATION_COST: values in the answer, each list counted at its size. */
    maxCost: number;
    /** MAX_UPSTREAM_CALLS_PER_OPERATION: Visma calls one operation may cause, cache hits included. */
    maxUpstreamCalls: number;
    /** MAX_ENTITY_REPRESENTATIONS: representations in one operation's `_entities`. */
    maxEntityRepresentations: number;
    /** MAX_NODE_IDS: ids in one operation's `node` and `nodes` fields. */
    maxNodeIds: number;
    /** MAX_INVOICES_PER_OPERATION: invoices one operation may read and answer with. */
    maxInvoices: number;
    /** MAX_INVOICE_LINES_PER_OPERATION: lines of the invoices one operation reads (what makes an invoice large). */
    maxInvoiceLines: number;
  };
  /** Apollo Federation: the router's shared secret. */
  federation: FederationConfig;
  visma: {
    apiUrl: string;
    tokenUrl: string;
    authMode: VismaAuthMode;
    /** Null in client-credentials mode when none are configured: the embedded simulator is used. */
    credentials: VismaCredentials | null;
    scopes: readonly string[];
    attemptTimeoutMs: number;
    /** IANA zone of the Visma company: Visma's zone-less date-times are read in it. */
    timeZone: string;
    /** Attempts in flight to Visma at once, across all requests. */
    maxConcurrency: number;
    /** The HTTP library the Visma client sends with (VISMA_TRANSPORT). */
    transport: VismaTransport;
    /** Invoices read from Visma at once, a page weighing its size (VISMA_MAX_INVOICES_IN_FLIGHT): bounds peak memory. */
    maxInvoicesInFlight: number;
    /** The largest body one Visma answer may have, in bytes (VISMA_MAX_RESPONSE_BYTES). */
    maxResponseBytes: number;
    /** Bytes of Visma answers received at once (VISMA_MAX_BYTES_IN_FLIGHT); at least maxResponseBytes. */
    maxBytesInFlight: number;
  };
  security: SecurityConfig;
  /** Serve the GraphiQL playground to browsers at the GraphQL path (PLAYGROUND; on in demo mode by default). */
  playground: boolean;
  /** Browsers on other origins (docs/security.md, "CORS"). */
  cors: {
    /** CORS_ORIGINS: exact origins (`https://app.example.com`) whose pages may call /graphql; none by default. */
    origins: readonly string[];
  };
  /** Live invoice changes (docs/subscriptions.md): what one replica's subscribers may hold. */
  subscriptions: {
    /** MAX_SUBSCRIPTIONS_PER_CONNECTION: operations at once on one WebSocket. */
    maxPerConnection: number;
    /** MAX_SUBSCRIPTIONS: subscriptions on this replica, all transports together; also its WebSockets and SSE streams. */
    maxPerReplica: number;
    /** SUBSCRIPTION_MAX_QUEUED_EVENTS: events waiting for one subscriber before it is dropped as too slow. */
    maxQueuedEvents: number;
  };
  /** Scale-out (docs/scaling.md): what replicas share through Redis. */
  scale: {
    /** REDIS_URL; null: every piece stays in this process's memory. */
    redisUrl: string | null;
    /** Visma calls the whole fleet may make per hour and company (VISMA_FLEET_CALLS_PER_HOUR); enforced only with Redis. */
    fleetCallsPerHour: number;
  };
  /** Coalescing and the cross-request cache in front of Visma (docs/upstream-cache.md). */
  upstreamCache: {
    /** CACHE_ENABLED: serve answers from the cache. Coalescing of identical in-flight reads stays on either way. */
    enabled: boolean;
    /** CACHE_FRESHNESS_MS: no cached answer older than this is served; the change poll runs every half of it. */
    freshnessMs: number;
    /** CACHE_MAX_ENTRIES: invoices, customers and list pages held, all credentials together. */
    maxEntries: number;
    /** CACHE_MAX_BYTES: the heap they hold, estimated per entry; an answer over a quarter of it is not kept. */
    maxBytes: number;
    /** CACHE_MAX_AGE_MS: an entry is read again after this long whatever the polls say (they cannot see deletions). */
    maxAgeMs: number;
  };
  /** Trusted documents (docs/trusted-documents.md): which documents run, from which manifest. */
  trustedDocuments: {
    /** TRUSTED_DOCUMENTS: `off` (Apollo's APQ as it comes), `log` (unknown documents run and are logged), `enforce` (only the manifest's run). */
    mode: TrustedDocumentsMode;
    /** TRUSTED_DOCUMENTS_MANIFEST: a file (relative: to the package's root) or an http(s) URL. */
    manifest: string;
    /** TRUSTED_DOCUMENTS_RELOAD_MS: how often the manifest is looked at for a change; 0: never. */
    reloadMs: number;
  };
  /** Visma's webhooks in (docs/webhooks.md). */
  webhooks: {
    /** WEBHOOK_PATH: where the receiver takes them. */
    path: string;
    /** WEBHOOK_SIGNING_KEY, then WEBHOOK_SIGNING_KEY_PREVIOUS when set; none: no receiver (demo mode makes its own). Secret. */
    signingKeys: readonly string[];
    /** WEBHOOK_SIGNATURE_HEADER, lower case. */
    signatureHeader: string;
    /** WEBHOOK_TOLERANCE_SECONDS, in ms: how far a message's timestamp may be from the gateway's clock. */
    toleranceMs: number;
    /** WEBHOOK_POLL_INTERVAL_MS: the change poll's interval while webhooks are healthy. */
    pollIntervalMs: number;
    /** WEBHOOK_HEALTHY_MS: webhooks are healthy while a verified one arrived within this long. */
    healthyForMs: number;
    /** WEBHOOK_QUEUE_MAX: invoices waiting to be read again after a webhook. */
    queueMax: number;
  };
  /** The MCP endpoint for AI agents (docs/mcp.md): tools made from the trusted operations. */
  mcp: {
    /** MCP_ENABLED: serve /mcp. */
    enabled: boolean;
    /** MCP_MUTATIONS: the operation names of the trusted mutations offered as tools; none by default. */
    mutations: readonly string[];
  };
  /** Spans exported over OTLP/HTTP; null (the default) when no endpoint is set or OTEL_SDK_DISABLED is true. */
  tracing: TracingConfig | null;
}

/**
 * What the Visma client is given has its default in the client (DEFAULT_VISMA_OPTIONS), the
 * one place a value and its reason are written; the table below only spells it as a variable.
 */
const VISMA = DEFAULT_VISMA_OPTIONS;

export const CONFIG_DEFAULTS = Object.freeze({
  NODE_ENV: 'production',
  PORT: '4000',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  // The budget of a GraphQL request is the client's budget of a call: main gives it as the client's deadlineMs.
  REQUEST_DEADLINE_MS: String(VISMA.deadlineMs),
  // A slow client (slowloris) gets 408 and loses its socket after this, instead of Node's 60 s.
  HTTP_HEADERS_TIMEOUT_MS: '10000',
  // Receiving a whole request, 1 MB body included, instead of Node's 300 s; answering it is REQUEST_DEADLINE_MS's.
  HTTP_REQUEST_TIMEOUT_MS: '30000',
  // Above the 60 s idle timeout of the usual proxies in front (AWS ALB, ingress-nginx), so they close an idle connection first.
  HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
  MAX_PAGE_SIZE: '500',
  CUSTOMER_LOOKUP_CONCURRENCY: '4',
  INVOICE_LOOKUP_CONCURRENCY: '8',
  // About 1 MB of JSON (8 to 21 bytes a unit on the demo data): 500 invoices with their lines, or 50 with every field.
  MAX_OPERATION_COST: '100000',
  // A router's batch at MAX_ENTITY_REPRESENTATIONS with a customer look-up for each fits; 1.3 % of Visma's hourly 15,000.
  MAX_UPSTREAM_CALLS_PER_OPERATION: '200',
  // A router's batch is one page of another subgraph's references (its tests send 50); 13,000 made 11,507 Visma calls.
  MAX_ENTITY_REPRESENTATIONS: '100',
  // A client's refetch of a screen is tens of objects; 100 invoices and a customer look-up for each fit MAX_UPSTREAM_CALLS_PER_OPERATION.
  MAX_NODE_IDS: '100',
  // Two full pages at MAX_PAGE_SIZE: about 10 MB of invoices as read (fully expanded, ~10 kB each) for one operation.
  MAX_INVOICES_PER_OPERATION: '1000',
  // About 19 MB of invoice lines as the gateway holds them (~0.9 kB a line): one invoice of 15,000 lines still fits.
  MAX_INVOICE_LINES_PER_OPERATION: '20000',
  ROUTER_SECRET_HEADER: 'x-router-secret',
  // Trace data times every field: only the router, which proves itself with ROUTER_SECRET, gets it unless asked.
  FEDERATION_TRACES: 'router',
  VISMA_API_URL: VISMA.baseUrl,
  VISMA_TOKEN_URL: VISMA.tokenUrl,
  VISMA_AUTH_MODE: 'client_credentials',
  VISMA_SCOPES: VISMA.scopes.join(' '),
  VISMA_ATTEMPT_TIMEOUT_MS: String(VISMA.attemptTimeoutMs),
  VISMA_TIME_ZONE: VISMA.timeZone,
  // Attempts in flight and the client's keep-alive sockets are one number: main gives it as both.
  VISMA_MAX_CONCURRENCY: String(VISMA.maxSockets),
  VISMA_TRANSPORT: VISMA.transport,
  VISMA_MAX_INVOICES_IN_FLIGHT: String(VISMA.maxInvoicesInFlight),
  VISMA_MAX_RESPONSE_BYTES: String(VISMA.maxResponseBytes),
  VISMA_MAX_BYTES_IN_FLIGHT: String(VISMA.maxBytesInFlight),
  IDEMPOTENCY_SETTLE_MS: '30000',
  IDEMPOTENCY_RETENTION_HOURS: '24',
  AUTH_JWT_ALGORITHMS: 'RS256,ES256',
  // Apollo Client and urql put all of a page's subscriptions on one socket: a screen has a few, a dashboard tens.
  MAX_SUBSCRIPTIONS_PER_CONNECTION: '20',
  // An idle subscription holds about 10 kB (docs/subscriptions.md): 2,000 are about 20 MB of the 384 MiB heap.
  MAX_SUBSCRIPTIONS: '2000',
  // Events share their invoice, so a queued one costs a reference; 50 is a burst far beyond any screen's, not a backlog.
  SUBSCRIPTION_MAX_QUEUED_EVENTS: '50',
  // Under Visma's ~15,000 per hour per company and client (CONTRACT §7), leaving room for clock skew and other tools.
  VISMA_FLEET_CALLS_PER_HOUR: '14000',
  CACHE_ENABLED: 'true',
  // Issue 7 asks for 30 s or better; two polls fit in it, so one failed poll does not stop serving.
  CACHE_FRESHNESS_MS: '10000',
  CACHE_MAX_ENTRIES: '10000',
  // 64 MiB: a sixth of the deployment's 384 MiB heap cap, beside the gateway's own heap and its reads in flight (docs/operations.md, "Memory").
  CACHE_MAX_BYTES: '67108864',
  CACHE_MAX_AGE_MS: '300000',
  WEBHOOK_PATH: '/webhooks/visma',
  // An assumption: Visma does not publish the header's name (docs/webhooks.md, "Assumptions").
  WEBHOOK_SIGNATURE_HEADER: 'x-visma-signature',
  // Five minutes, as common signed-webhook schemes allow: room for clock skew and a delayed delivery, little for a replay.
  WEBHOOK_TOLERANCE_SECONDS: '300',
  // While webhooks carry the changes the poll only reconciles missed deliveries: one call a minute instead of every 5 s.
  WEBHOOK_POLL_INTERVAL_MS: '60000',
  // Two slow poll intervals without a delivery: a quiet company polls normally again, a dead channel is noticed within 2 minutes.
  WEBHOOK_HEALTHY_MS: '120000',
  // About 1,000 edits in a burst; each waiting invoice is a map entry, and past it a hint evicts instead of reading.
  WEBHOOK_QUEUE_MAX: '1000',
  // Every document runs and each one not in the manifest is logged once: enforcing by default would refuse every client not
  // yet sending ids and a federation router's generated queries (docs/trusted-documents.md, "The production default").
  TRUSTED_DOCUMENTS: 'log',
  // The manifest npm run trusted-documents builds from operations/, committed beside them.
  TRUSTED_DOCUMENTS_MANIFEST: 'operations/trusted-documents.json',
  // A deploy's new manifest is in use within 10 s; an unchanged file costs a stat, an unchanged URL a 304.
  TRUSTED_DOCUMENTS_RELOAD_MS: '10000',
  // Reads only (MCP_MUTATIONS is empty), through the same auth, budget and limits as /graphql: it exposes nothing /graphql does not.
  MCP_ENABLED: 'true',
  // OpenTelemetry's own switch; tracing is on when an OTLP endpoint is set, unless this says otherwise.
  OTEL_SDK_DISABLED: 'false',
  OTEL_SERVICE_NAME: 'visma-invoice-gateway',
  // OpenTelemetry's default: the caller's sampling decision stands, and a trace the gateway starts is kept.
  OTEL_TRACES_SAMPLER: 'parentbased_always_on',
  OTEL_TRACES_SAMPLER_ARG: '1',
} as const);

/** Every variable the gateway reads, in the order the documentation lists them. */
export const CONFIG_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'REQUEST_DEADLINE_MS',
  'HTTP_HEADERS_TIMEOUT_MS',
  'HTTP_REQUEST_TIMEOUT_MS',
  'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  'MAX_PAGE_SIZE',
  'CUSTOMER_LOOKUP_CONCURRENCY',
  'INVOICE_LOOKUP_CONCURRENCY',
  'MAX_OPERATION_COST',
  'MAX_UPSTREAM_CALLS_PER_OPERATION',
  'MAX_ENTITY_REPRESENTATIONS',
  'MAX_NODE_IDS',
  'MAX_INVOICES_PER_OPERATION',
  'MAX_INVOICE_LINES_PER_OPERATION',
  'VISMA_API_URL',
  'VISMA_TOKEN_URL',
  'VISMA_AUTH_MODE',
  'VISMA_CLIENT_ID',
  'VISMA_CLIENT_SECRET',
  'VISMA_TENANT_ID',
  'VISMA_SCOPES',
  'VISMA_ATTEMPT_TIMEOUT_MS',
  'VISMA_TIME_ZONE',
  'VISMA_MAX_CONCURRENCY',
  'VISMA_TRANSPORT',
  'VISMA_MAX_INVOICES_IN_FLIGHT',
  'VISMA_MAX_RESPONSE_BYTES',
  'VISMA_MAX_BYTES_IN_FLIGHT',
  'IDEMPOTENCY_SETTLE_MS',
  'IDEMPOTENCY_RETENTION_HOURS',
  'ROUTER_SECRET',
  'ROUTER_SECRET_HEADER',
  'FEDERATION_TRACES',
  'GRAPHQL_INTROSPECTION',
  'GRAPHQL_FIELD_SUGGESTIONS',
  'AUTH_REQUIRED',
  'AUTH_JWKS_URL',
  'AUTH_JWT_ISSUER',
  'AUTH_JWT_AUDIENCE',
  'AUTH_JWT_ALGORITHMS',
  'AUTH_API_KEY_SHA256',
  'PLAYGROUND',
  'CORS_ORIGINS',
  'MAX_SUBSCRIPTIONS_PER_CONNECTION',
  'MAX_SUBSCRIPTIONS',
  'SUBSCRIPTION_MAX_QUEUED_EVENTS',
  'REDIS_URL',
  'VISMA_FLEET_CALLS_PER_HOUR',
  'CACHE_ENABLED',
  'CACHE_FRESHNESS_MS',
  'CACHE_MAX_ENTRIES',
  'CACHE_MAX_BYTES',
  'CACHE_MAX_AGE_MS',
  'WEBHOOK_PATH',
  'WEBHOOK_SIGNING_KEY',
  'WEBHOOK_SIGNING_KEY_PREVIOUS',
  'WEBHOOK_SIGNATURE_HEADER',
  'WEBHOOK_TOLERANCE_SECONDS',
  'WEBHOOK_POLL_INTERVAL_MS',
  'WEBHOOK_HEALTHY_MS',
  'WEBHOOK_QUEUE_MAX',
  'TRUSTED_DOCUMENTS',
  'TRUSTED_DOCUMENTS_MANIFEST',
  'TRUSTED_DOCUMENTS_RELOAD_MS',
  'MCP_ENABLED',
  'MCP_MUTATIONS',
  'OTEL_SDK_DISABLED',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_SERVICE_NAME',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];
export type Environment = Readonly<Record<string, string | undefined>>;

/** Thrown by `loadConfig` with every problem found, one a line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const NODE_ENVS: readonly NodeEnv[] = ['production', 'development', 'test'];
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const AUTH_MODES: readonly VismaAuthMode[] = ['client_credentials', 'passthrough'];
const FEDERATION_TRACE_MODES: readonly FederationTraces[] = ['router', 'all', 'off'];
const TRUSTED_DOCUMENTS_MODES: readonly TrustedDocumentsMode[] = ['off', 'log', 'enforce'];
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'VISMA_CLIENT_SECRET',
  'ROUTER_SECRET',
  'WEBHOOK_SIGNING_KEY',
  'WEBHOOK_SIGNING_KEY_PREVIOUS',
]);

/**
 * Reads and checks the environment. An empty or blank variable counts as unset, so
 * `FOO= npm start` falls back to the default rather than failing.
 */
export function loadConfig(env: Environment): Config {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const nodeEnv = read.oneOf('NODE_ENV', NODE_ENVS);
  const port = read.integer('PORT', 0, 65_535);
  const host = read.host('HOST');
  const logLevel = read.oneOf('LOG_LEVEL', LOG_LEVELS);
  const requestDeadlineMs = read.integer('REQUEST_DEADLINE_MS', 100, 600_000);
  const http = readHttpTimeouts(read, problems);
  const maxPageSize = read.integer('MAX_PAGE_SIZE', 1, 10_000);
  const customerLookupConcurrency = read.integer('CUSTOMER_LOOKUP_CONCURRENCY', 1, 64);
  const invoiceLookupConcurrency = read.integer('INVOICE_LOOKUP_CONCURRENCY', 1, 64);
  const operationBudget = {
    maxCost: read.integer('MAX_OPERATION_COST', 1, 1_000_000_000),
    maxUpstreamCalls: read.integer('MAX_UPSTREAM_CALLS_PER_OPERATION', 1, 100_000),
    maxEntityRepresentations: read.integer('MAX_ENTITY_REPRESENTATIONS', 1, 100_000),
    maxNodeIds: read.integer('MAX_NODE_IDS', 1, 100_000),
    maxInvoices: read.integer('MAX_INVOICES_PER_OPERATION', 1, 10_000_000),
    maxInvoiceLines: read.integer('MAX_INVOICE_LINES_PER_OPERATION', 1, 100_000_000),
  };
  const federation = { ...readFederation(env, problems), traces: read.oneOf('FEDERATION_TRACES', FEDERATION_TRACE_MODES) };
  const apiUrl = read.url('VISMA_API_URL');
  const tokenUrl = read.url('VISMA_TOKEN_URL');
  const authMode = read.oneOf('VISMA_AUTH_MODE', AUTH_MODES);
  const scopes = read.scopes('VISMA_SCOPES');
  const attemptTimeoutMs = read.integer('VISMA_ATTEMPT_TIMEOUT_MS', 100, 600_000);
  const timeZone = read.timeZone('VISMA_TIME_ZONE');
  const maxConcurrency = read.integer('VISMA_MAX_CONCURRENCY', 1, 256);
  const transport = read.oneOf('VISMA_TRANSPORT', HTTP_TRANSPORTS);
  const maxInvoicesInFlight = read.integer('VISMA_MAX_INVOICES_IN_FLIGHT', 1, 10_000_000);
  const maxResponseBytes = read.integer('VISMA_MAX_RESPONSE_BYTES', 1_024, 1_073_741_824);
  const maxBytesInFlight = read.integer('VISMA_MAX_BYTES_IN_FLIGHT', 1_024, 1_099_511_627_776);
  if (maxBytesInFlight < maxResponseBytes) {
    problems.push(
      `VISMA_MAX_BYTES_IN_FLIGHT must be at least VISMA_MAX_RESPONSE_BYTES (${maxResponseBytes}), or an answer of the largest size could never be read; received ${maxBytesInFlight}.`,
    );
  }
  const idempotency = {
    settleMs: read.integer('IDEMPOTENCY_SETTLE_MS', 0, 3_600_000),
    retentionMs: read.integer('IDEMPOTENCY_RETENTION_HOURS', 24, 8_760) * 3_600_000,
  };
  const credentials = readCredentials(env, authMode, problems);

  // Incomplete credentials are reported above; they count as the demo here so that one mistake is one message.
  const demo = usesEmbeddedSimulator({ visma: { authMode, credentials } });
  const security = readSecurity(env, read, { demo, passthrough: authMode === 'passthrough' }, problems);
  // For trying the API out: on by default in demo mode (the embedded simulator), off in front of Visma.net.
  const playground = read.boolean('PLAYGROUND', demo);
  const cors = { origins: readCorsOrigins(env, problems) };
  const subscriptions = {
    maxPerConnection: read.integer('MAX_SUBSCRIPTIONS_PER_CONNECTION', 1, 1_000),
    maxPerReplica: read.integer('MAX_SUBSCRIPTIONS', 1, 1_000_000),
    maxQueuedEvents: read.integer('SUBSCRIPTION_MAX_QUEUED_EVENTS', 1, 10_000),
  };
  const scale = { redisUrl: readRedisUrl(env, problems), fleetCallsPerHour: read.integer('VISMA_FLEET_CALLS_PER_HOUR', 1, 1_000_000) };
  const upstreamCache = {
    enabled: read.boolean('CACHE_ENABLED', CONFIG_DEFAULTS.CACHE_ENABLED === 'true'),
    freshnessMs: read.integer('CACHE_FRESHNESS_MS', 1_000, 3_600_000),
    maxEntries: read.integer('CACHE_MAX_ENTRIES', 1, 10_000_000),
    maxBytes: read.integer('CACHE_MAX_BYTES', 1_048_576, 17_179_869_184),
    maxAgeMs: read.integer('CACHE_MAX_AGE_MS', 1_000, 86_400_000),
  };
  const trustedDocuments = readTrustedDocuments(env, read, problems);
  const mcp = { enabled: read.boolean('MCP_ENABLED', CONFIG_DEFAULTS.MCP_ENABLED === 'true'), mutations: readMcpMutations(env, problems) };
  const tracing = readTracing(env, read, problems);
  const webhooks = readWebhooks(env, read, problems);

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return {
    nodeEnv,
    port,
    host,
    logLevel,
    requestDeadlineMs,
    http,
    maxPageSize,
    customerLookupConcurrency,
    idempotency,
    invoiceLookupConcurrency,
    operationBudget,
    federation,
    visma: {
      apiUrl,
      tokenUrl,
      authMode,
      credentials,
      scopes,
      attemptTimeoutMs,
      timeZone,
      maxConcurrency,
      transport,
      maxInvoicesInFlight,
      maxResponseBytes,
      maxBytesInFlight,
    },
    security,
    playground,
    cors,
    subscriptions,
    scale,
    upstreamCache,
    webhooks,
    trustedDocuments,
    mcp,
    tracing,
  };
}

/** MCP_MUTATIONS: GraphQL operation names, separated by commas; whether each names a trusted mutation is checked at start (src/mcp). */
function readMcpMutations(env: Environment, problems: string[]): readonly string[] {
  const names = (valueOf(env, 'MCP_MUTATIONS') ?? '').split(/[\s,]+/).filter((name) => name !== '');
  const malformed = names.find((name) => !/^[_A-Za-z][_0-9A-Za-z]*$/.test(name));
  if (malformed !== undefined) {
    problems.push(
      `MCP_MUTATIONS must list operation names of trusted mutations, separated by commas, such as "CreateInvoice,UpdateInvoiceLines"; received ${JSON.stringify(malformed.slice(0, 80))}, which is not a GraphQL name.`,
    );
    return [];
  }
  return Object.freeze([...new Set(names)]);
}

/**
 * The manifest is a path or an http(s) URL; a URL's query may hold a token, so only its form is
 * echoed. The reload interval is 0 (never) or at least 100 ms: a poll every millisecond is a mistake.
 */
function readTrustedDocuments(env: Environment, read: Reader, problems: string[]): Config['trustedDocuments'] {
  const mode = read.oneOf('TRUSTED_DOCUMENTS', TRUSTED_DOCUMENTS_MODES);
  const manifest = valueOf(env, 'TRUSTED_DOCUMENTS_MANIFEST') ?? CONFIG_DEFAULTS.TRUSTED_DOCUMENTS_MANIFEST;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(manifest)) {
    const url = parseUrl(manifest);
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash !== '') {
      const shown = url === undefined ? 'a value that is not a URL' : url.hash !== '' ? 'a URL with a fragment' : `a ${url.protocol} URL`;
      problems.push(
        `TRUSTED_DOCUMENTS_MANIFEST must be a file path or an http(s) URL, such as "${CONFIG_DEFAULTS.TRUSTED_DOCUMENTS_MANIFEST}" or "https://cdn.example.com/manifest.json"; received ${shown}.`,
      );
    }
  } else if (manifest.includes('\0')) {
    problems.push('TRUSTED_DOCUMENTS_MANIFEST must be a file path or an http(s) URL; received a path with a NUL character.');
  }
  const reloadMs = read.integer('TRUSTED_DOCUMENTS_RELOAD_MS', 0, 86_400_000);
  if (reloadMs > 0 && reloadMs < 100) {
    problems.push(`TRUSTED_DOCUMENTS_RELOAD_MS must be 0 (never reload) or from 100 to 86400000; received ${reloadMs}.`);
  }
  return { mode, manifest, reloadMs };
}

/** Signing keys are secrets like the client secret: problems give their length, never the value. */
const WEBHOOK_KEY_MIN_LENGTH = 16;

function readWebhooks(env: Environment, read: Reader, problems: string[]): Config['webhooks'] {
  const path = valueOf(env, 'WEBHOOK_PATH') ?? CONFIG_DEFAULTS.WEBHOOK_PATH;
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(path) || path === '/graphql' || path === '/') {
    problems.push(
      `WEBHOOK_PATH must be a path such as "${CONFIG_DEFAULTS.WEBHOOK_PATH}" (letters, digits and . _ ~ / -), not / or /graphql; received ${JSON.stringify(path.slice(0, 60))}.`,
    );
  }
  const signingKeys: string[] = [];
  for (const name of ['WEBHOOK_SIGNING_KEY', 'WEBHOOK_SIGNING_KEY_PREVIOUS'] as const) {
    const key = valueOf(env, name);
    if (key === undefined) continue;
    if (key.length < WEBHOOK_KEY_MIN_LENGTH) {
      problems.push(
        `${name} must be at least ${WEBHOOK_KEY_MIN_LENGTH} characters (the subscription's signature key); received a value of ${key.length} characters.`,
      );
    }
    signingKeys.push(key);
  }
  if (valueOf(env, 'WEBHOOK_SIGNING_KEY_PREVIOUS') !== undefined && valueOf(env, 'WEBHOOK_SIGNING_KEY') === undefined) {
    problems.push('WEBHOOK_SIGNING_KEY_PREVIOUS is for a rotation: set WEBHOOK_SIGNING_KEY (the new key) too.');
  }
  const signatureHeader = (valueOf(env, 'WEBHOOK_SIGNATURE_HEADER') ?? CONFIG_DEFAULTS.WEBHOOK_SIGNATURE_HEADER).toLowerCase();
  if (!HEADER_NAME.test(signatureHeader) || RESERVED_HEADERS.has(signatureHeader)) {
    problems.push(
      `WEBHOOK_SIGNATURE_HEADER must be an HTTP header name other than Authorization, Cookie and X-API-Key, such as "${CONFIG_DEFAULTS.WEBHOOK_SIGNATURE_HEADER}"; received ${JSON.stringify(signatureHeader.slice(0, 60))}.`,
    );
  }
  return {
    path,
    signingKeys: Object.freeze(signingKeys),
    signatureHeader,
    toleranceMs: read.integer('WEBHOOK_TOLERANCE_SECONDS', 1, 86_400) * 1000,
    pollIntervalMs: read.integer('WEBHOOK_POLL_INTERVAL_MS', 1_000, 3_600_000),
    healthyForMs: read.integer('WEBHOOK_HEALTHY_MS', 1_000, 86_400_000),
    queueMax: read.integer('WEBHOOK_QUEUE_MAX', 1, 1_000_000),
  };
}

/**
 * Node refuses a headers timeout longer than the request timeout (the headers are part of the
 * request). The request timeout is not tied to REQUEST_DEADLINE_MS: Node stops counting it once
 * the body has arrived, so the answer's time is the deadline's alone.
 */
function readHttpTimeouts(read: Reader, problems: string[]): HttpTimeouts {
  const headersTimeoutMs = read.integer('HTTP_HEADERS_TIMEOUT_MS', 100, 600_000);
  const requestTimeoutMs = read.integer('HTTP_REQUEST_TIMEOUT_MS', 100, 600_000);
  const keepAliveTimeoutMs = read.integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 100, 600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request); received ${headersTimeoutMs} and ${requestTimeoutMs}.`,
    );
  }
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs };
}

/**
 * CORS_ORIGINS: origins exactly as a browser sends them in `Origin` (scheme://host[:port], http or
 * https), compared as strings. No default: a gateway no page may call across origins until its
 * operator names the pages that may. No wildcard: with inbound authentication off (a demo, a
 * private network), `*` would let any site a user visits read invoices through their browser.
 */
function readCorsOrigins(env: Environment, problems: string[]): readonly string[] {
  const entries = (valueOf(env, 'CORS_ORIGINS') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const origins: string[] = [];
  for (const entry of entries) {
    const problem = corsOriginProblem(entry);
    if (problem === null) {
      if (!origins.includes(entry)) origins.push(entry);
    } else {
      problems.push(
        `CORS_ORIGINS must list exact origins (scheme://host[:port], http or https), separated by commas, such as "https://app.example.com,http://localhost:5173"; received ${JSON.stringify(entry.slice(0, 80))}: ${problem}.`,
      );
    }
  }
  return Object.freeze(origins);
}

/** The URL `raw` spells, or undefined when it is not one (`new URL` throws). */
function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** Why an entry is not an origin a browser would send, with what to write instead; null when it is one. */
function corsOriginProblem(entry: string): string | null {
  if (entry.includes('*')) {
    return 'a wildcard; list each origin (any origin is never allowed, see docs/security.md)';
  }
  const url = parseUrl(entry);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return 'not an http or https origin';
  }
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return `an origin has no path, query or credentials; write ${JSON.stringify(url.origin)}`;
  }
  if (url.origin !== entry) {
    // A trailing slash, upper case or a default port: browsers send the origin serialized, and it is compared as a string.
    return `write it as a browser sends it: ${JSON.stringify(url.origin)}`;
  }
  return null;
}

/** A redis:// or rediss:// URL; its password is never echoed. */
function readRedisUrl(env: Environment, problems: string[]): string | null {
  const raw = valueOf(env, 'REDIS_URL');
  if (raw === undefined) return null;
  const url = parseUrl(raw);
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    const shown = url === undefined ? 'a value that is not a URL' : `a ${url.protocol} URL`;
    problems.push(`REDIS_URL must be a redis:// or rediss:// URL such as "redis://redis:6379/0"; received ${shown}.`);
    return null;
  }
  return raw;
}

const TRACES_SAMPLERS: readonly TracesSampler[] = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
];

/**
 * Tracing, in OpenTelemetry's own variables (its SDK specification's meanings): on when an OTLP
 * endpoint is set and OTEL_SDK_DISABLED is not "true". Each is checked even while tracing is
 * off, so a mistake shows at start rather than on the day someone sets the endpoint.
 */
function readTracing(env: Environment, read: Reader, problems: string[]): TracingConfig | null {
  const disabled = read.oneOf('OTEL_SDK_DISABLED', ['true', 'false']) === 'true';
  const tracesEndpoint = readOtlpEndpoint(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', problems);
  const baseEndpoint = readOtlpEndpoint(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', problems);
  const headers = {
    ...readOtlpHeaders(env, 'OTEL_EXPORTER_OTLP_HEADERS', problems),
    ...readOtlpHeaders(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', problems),
  };
  const serviceName = valueOf(env, 'OTEL_SERVICE_NAME') ?? CONFIG_DEFAULTS.OTEL_SERVICE_NAME;
  const sampler = read.oneOf('OTEL_TRACES_SAMPLER', TRACES_SAMPLERS);
  const ratioText = valueOf(env, 'OTEL_TRACES_SAMPLER_ARG') ?? CONFIG_DEFAULTS.OTEL_TRACES_SAMPLER_ARG;
  const samplerRatio = /^(\d+(\.\d*)?|\.\d+)$/.test(ratioText) ? Number(ratioText) : Number.NaN;
  if (!(samplerRatio >= 0 && samplerRatio <= 1)) {
    problems.push(
      `OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (the share of traces kept); received ${JSON.stringify(ratioText.slice(0, 60))}.`,
    );
  }
  const endpoint = tracesEndpoint ?? (baseEndpoint === undefined ? undefined : `${baseEndpoint.replace(/\/*$/, '/')}v1/traces`);
  if (disabled || endpoint === undefined) return null;
  return { endpoint, headers: Object.freeze(headers), serviceName, sampler, samplerRatio: Number.isNaN(samplerRatio) ? 1 : samplerRatio };
}

/** An http(s) URL; never echoed, since a collector's URL may hold credentials. */
function readOtlpEndpoint(
  env: Environment,
  name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_EXPORTER_OTLP_ENDPOINT',
  problems: string[],
): string | undefined {
  const raw = valueOf(env, name);
  if (raw === undefined) return undefined;
  const url = parseUrl(raw);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash !== '') {
    const example = name === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? 'http://otel-collector:4318' : 'http://otel-collector:4318/v1/traces';
    const shown = url === undefined ? 'a value that is not a URL' : url.hash !== '' ? 'a URL with a fragment' : `a ${url.protocol} URL`;
    problems.push(`${name} must be an absolute http(s) URL such as "${example}"; received ${shown}.`);
    return undefined;
  }
  return raw;
}

/**
 * `key=value` pairs separated by commas, values percent-encoded (OpenTelemetry's form, W3C
 * Baggage's). They usually carry a collector's credentials, so a mistake is counted, never shown.
 */
function readOtlpHeaders(
  env: Environment,
  name: 'OTEL_EXPORTER_OTLP_HEADERS' | 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  problems: string[],
): Record<string, string> {
  const pairs = (valueOf(env, name) ?? '')
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '');
  const headers: Record<string, string> = {};
  let malformed = 0;
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    const key = pair.slice(0, Math.max(0, equals)).trim().toLowerCase();
    let value: string | undefined;
    try {
      value = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      value = undefined;
    }
    if (equals < 1 || !HEADER_NAME.test(key) || value === undefined || value === '' || /[\r\n\0]/.test(value)) {
      malformed += 1;
    } else {
      headers[key] = value;
    }
  }
  if (malformed > 0) {
    problems.push(
      `${name} must be key=value pairs separated by commas, values percent-encoded, such as "x-api-key=abc123"; received ${pairs.length} pair${pairs.length === 1 ? '' : 's'}, ${malformed} malformed.`,
    );
  }
  return headers;
}

/** Asymmetric algorithms only: a JWKS publishes public keys, and HS* with a public key is the classic confusion attack. */
const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const JWT_VARIABLES = ['AUTH_JWKS_URL', 'AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'] as const;

/**
 * Introspection, suggestions and inbound authentication default from the mode: lenient on the
 * embedded simulator (a demo on loopback), strict when the gateway holds Visma.net credentials.
 */
function readSecurity(env: Environment, read: Reader, mode: { demo: boolean; passthrough: boolean }, problems: string[]): SecurityConfig {
  const introspection = read.boolean('GRAPHQL_INTROSPECTION', mode.demo);
  const fieldSuggestions = read.boolean('GRAPHQL_FIELD_SUGGESTIONS', mode.demo);
  const required = read.boolean('AUTH_REQUIRED', !mode.demo);

  let jwt: InboundAuthConfig['jwt'] = null;
  const [jwksUrl, issuer, audience] = JWT_VARIABLES.map((name) => valueOf(env, name));
  const set = JWT_VARIABLES.filter((name) => valueOf(env, name) !== undefined);
  if (set.length > 0 && (jwksUrl === undefined || issuer === undefined || audience === undefined)) {
    const missing = JWT_VARIABLES.filter((name) => valueOf(env, name) === undefined);
    problems.push(
      `JWT authentication needs AUTH_JWKS_URL, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE together: ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not.`,
    );
  } else if (jwksUrl !== undefined && issuer !== undefined && audience !== undefined) {
    const algorithms = read.list('AUTH_JWT_ALGORITHMS', JWT_ALGORITHMS);
    jwt = { jwksUrl: read.optionalUrl('AUTH_JWKS_URL', jwksUrl), issuer, audience, algorithms };
  }
  const apiKeySha256 = read.sha256List('AUTH_API_KEY_SHA256');

  if (required && !mode.passthrough && jwt === null && apiKeySha256.length === 0) {
    problems.push(
      'Inbound authentication is required (AUTH_REQUIRED defaults to true when the gateway uses its own Visma.net credentials) but none is configured: set AUTH_JWKS_URL, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE, or AUTH_API_KEY_SHA256, or set AUTH_REQUIRED=false to serve without it.',
    );
  }
  return { introspection, fieldSuggestions, auth: { required, jwt, apiKeySha256 } };
}

/** Short secrets can be guessed; 16 characters is the least a generated one has. */
const ROUTER_SECRET_MIN_LENGTH = 16;
/** An HTTP field name (RFC 9110 5.1). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers that carry the caller's own credentials through the router: the secret cannot share them. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'x-api-key']);

function readFederation(env: Environment, problems: string[]): Omit<FederationConfig, 'traces'> {
  const routerSecret = valueOf(env, 'ROUTER_SECRET') ?? null;
  if (routerSecret !== null && routerSecret.length < ROUTER_SECRET_MIN_LENGTH) {
    problems.push(
      `ROUTER_SECRET must be at least ${ROUTER_SECRET_MIN_LENGTH} characters (generate one, e.g. "openssl rand -hex 32"); received a value of ${routerSecret.length} characters.`,
    );
  }
  const header = (valueOf(env, 'ROUTER_SECRET_HEADER') ?? CONFIG_DEFAULTS.ROUTER_SECRET_HEADER).toLowerCase();
  if (!HEADER_NAME.test(header) || RESERVED_HEADERS.has(header)) {
    problems.push(
      `ROUTER_SECRET_HEADER must be an HTTP header name other than Authorization, Cookie and X-API-Key, such as "${CONFIG_DEFAULTS.ROUTER_SECRET_HEADER}"; received ${JSON.stringify(header.slice(0, 60))}.`,
    );
  }
  return { routerSecret, routerSecretHeader: header };
}

const CREDENTIAL_VARIABLES = ['VISMA_CLIENT_ID', 'VISMA_CLIENT_SECRET', 'VISMA_TENANT_ID'] as const;

/**
 * All three credentials or none: a partial set is almost always a deployment mistake, and
 * silently falling back to the embedded simulator would hide it.
 */
function readCredentials(env: Environment, authMode: VismaAuthMode, problems: string[]): VismaCredentials | null {
  const [clientId, clientSecret, tenantId] = CREDENTIAL_VARIABLES.map((name) => valueOf(env, name));
  const set = CREDENTIAL_VARIABLES.filter((name) => valueOf(env, name) !== undefined);
  if (authMode === 'passthrough') {
    if (set.length > 0) {
      problems.push(
        `${set.join(', ')} must not be set when VISMA_AUTH_MODE is "passthrough" (each request brings its own Visma token); received ${set.length === 1 ? 'a value' : 'values'}.`,
      );
    }
    return null;
  }
  if (set.length === 0) {
    return null;
  }
  if (clientId === undefined || clientSecret === undefined || tenantId === undefined) {
    const missing = CREDENTIAL_VARIABLES.filter((name) => valueOf(env, name) === undefined);
    problems.push(
      `Visma credentials are incomplete: ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not. Set all three to use Visma.net, or none to use the embedded simulator.`,
    );
    return null;
  }
  return { clientId, clientSecret, tenantId };
}

function valueOf(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Reads one variable (or its default) and records a problem when it is malformed. */
class Reader {
  constructor(
    private readonly env: Environment,
    private readonly problems: string[],
  ) {}

  integer(name: keyof typeof CONFIG_DEFAULTS, min: number, max: number): number {
    const raw = this.raw(name);
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}; received ${this.describe(name, raw)}.`);
      return Number(CONFIG_DEFAULTS[name]);
    }
    return value;
  }

  oneOf<T extends string>(name: keyof typeof CONFIG_DEFAULTS, allowed: readonly T[]): T {
    const raw = this.raw(name);
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(
        `${name} must be one of ${allowed.map((value) => `"${value}"`).join(', ')}; received ${this.describe(name, raw)}.`,
      );
      return CONFIG_DEFAULTS[name] as T;
    }
    return raw as T;
  }

  host(name: 'HOST'): string {
    const raw = this.raw(name);
    if (!/^[A-Za-z0-9.:[\]-]+$/.test(raw)) {
      this.problems.push(
        `${name} must be a host name or IP address to listen on, such as "127.0.0.1" or "0.0.0.0"; received ${this.describe(name, raw)}.`,
      );
    }
    return raw;
  }

  url(name: 'VISMA_API_URL' | 'VISMA_TOKEN_URL'): string {
    const raw = this.raw(name);
    const url = parseUrl(raw);
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
      this.problems.push(
        `${name} must be an absolute http(s) URL without query or fragment, such as "${CONFIG_DEFAULTS[name]}"; received ${this.describe(name, raw)}.`,
      );
      return CONFIG_DEFAULTS[name];
    }
    return raw.replace(/\/+$/, '');
  }

  scopes(name: 'VISMA_SCOPES'): readonly string[] {
    const scopes = this.raw(name)
      .split(/[\s,]+/)
      .filter((scope) => scope !== '');
    return Object.freeze(scopes);
  }

  timeZone(name: 'VISMA_TIME_ZONE'): string {
    const raw = this.raw(name);
    if (!isIanaTimeZone(raw)) {
      this.problems.push(
        `${name} must be an IANA time zone such as "Europe/Oslo" or "Europe/Stockholm"; received ${this.describe(name, raw)}.`,
      );
      return CONFIG_DEFAULTS[name];
    }
    return raw;
  }

  boolean(
    name: 'GRAPHQL_INTROSPECTION' | 'GRAPHQL_FIELD_SUGGESTIONS' | 'AUTH_REQUIRED' | 'PLAYGROUND' | 'CACHE_ENABLED' | 'MCP_ENABLED',
    fallback: boolean,
  ): boolean {
    const raw = valueOf(this.env, name);
    if (raw === undefined) {
      return fallback;
    }
    if (raw !== 'true' && raw !== 'false') {
      this.problems.push(`${name} must be "true" or "false"; received ${this.describe(name, raw)}.`);
      return fallback;
    }
    return raw === 'true';
  }

  list<T extends string>(name: 'AUTH_JWT_ALGORITHMS', allowed: readonly T[]): readonly T[] {
    const values = this.raw(name)
      .split(/[\s,]+/)
      .filter((value) => value !== '');
    const unknown = values.filter((value) => !(allowed as readonly string[]).includes(value));
    if (values.length === 0 || unknown.length > 0) {
      this.problems.push(
        `${name} must list algorithms from ${allowed.map((value) => `"${value}"`).join(', ')}, separated by commas; received ${this.describe(name, this.raw(name))}.`,
      );
      return CONFIG_DEFAULTS[name].split(',') as T[];
    }
    return Object.freeze(values as T[]);
  }

  optionalUrl(name: 'AUTH_JWKS_URL', raw: string): string {
    const url = parseUrl(raw);
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash !== '') {
      this.problems.push(
        `${name} must be an absolute http(s) URL, such as "https://login.example.com/.well-known/jwks.json"; received ${this.describe(name, raw)}.`,
      );
    }
    return raw;
  }

  /** Digests, not keys: a leaked configuration does not give anyone a working key. */
  sha256List(name: 'AUTH_API_KEY_SHA256'): readonly string[] {
    const values = (valueOf(this.env, name) ?? '').split(/[\s,]+/).filter((value) => value !== '');
    const malformed = values.filter((value) => !/^[0-9a-fA-F]{64}$/.test(value));
    if (malformed.length > 0) {
      this.problems.push(
        `${name} must be SHA-256 digests of the API keys (64 hex characters each, as printed by "printf %s KEY | sha256sum"), separated by commas; received ${values.length} value${values.length === 1 ? '' : 's'}, ${malformed.length} malformed.`,
      );
      return [];
    }
    return Object.freeze(values.map((value) => value.toLowerCase()));
  }

  private raw(name: keyof typeof CONFIG_DEFAULTS): string {
    return valueOf(this.env, name) ?? CONFIG_DEFAULTS[name];
  }

  private describe(name: string, raw: string): string {
    if (SECRET_VARIABLES.has(name)) {
      return `a value of ${raw.length} characters`;
    }
    const shown = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
    return JSON.stringify(shown);
  }
}

/** Intl throws a RangeError for a zone it does not know; that is the whole check. */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) {
    return false;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Demo mode: no Visma credentials in client-credentials mode, so `main` starts the embedded
 * simulator. Settings whose safe default differs between a demo and production (the playground,
 * introspection, inbound authentication) take their default from this.
 */
export function usesEmbeddedSimulator(config: { visma: Pick<Config['visma'], 'authMode' | 'credentials'> }): boolean {
  return config.visma.authMode === 'client_credentials' && config.visma.credentials === null;
}
