import path from 'node:path';
import { usesEmbeddedSimulator, type Config } from './config';
import { createIdempotentCreator, IdempotentCreator } from './idempotency';
import { toVismaLogger, type Logger } from './logger';
import type { SharedPieces } from './scale';
import { createServer, type GatewayServer, type ListeningServer } from './server/create-server';
import { openTrustedDocuments, type TrustedDocuments } from './trusted-documents';
import type { Tracing } from './tracing';
import type { EmbeddedSimulator } from './server/embedded-simulator';
import type { ReadinessProbe } from './server/health';
import { GatewayMetrics } from './server/metrics';
import { withRequestId } from './server/request-scope';
import { webhookReceiver, webhookSigningKeys } from './webhooks';
import { CachingVismaApi, upstreamCacheMetrics } from './upstream-cache';
import { LocalChangeFeed, type ChangeFeed } from './upstream-cache/change-feed';
import { createVismaClient, type VismaClient, type VismaClientConfig } from './visma';
import { credentialScope } from './visma/credential-scope';
import type { VismaApi } from './visma/api';
import { RateLimitReadings } from './visma/rate-limit';
import { createResilience } from './visma/resilience';

/**
 * What a caller may replace when composing the gateway. Everything else is built from the
 * validated config, exactly as `npm start` builds it: tests change settings by name (ports, the
 * upstream URL, …) in the config they pass, not by wiring parts of their own.
 */
export interface CompositionSeams {
  /** Where every log line goes. */
  logger: Logger;
  /**
   * The one clock of the server, the Visma client and its resilience (breaker, budgets), the idempotent
   * creates and the Redis pieces; timers still run on real time. Defaults to `Date.now`.
   */
  now?: () => number;
  /**
   * Called when the embedded simulator (demo mode only) exits without being asked to; main
   * shuts the process down. Defaults to logging it.
   */
  onSimulatorExit?: () => void;
  /** Node's process metrics (event loop, heap) in /metrics. Defaults to false: main turns them on once per process. */
  processMetrics?: boolean;
  /**
   * An in-memory Visma in place of the HTTP client and the embedded simulator, for unit tests
   * that run operations without sockets. Everything above it is built as shipped.
   */
  visma?: VismaApi;
  /**
   * Leaves the upstream cache out, coalescing included, so that every read is its own Visma
   * call: a measuring device for the benchmark's side-by-side runs (bench/gateway.js) and for
   * tests that look at one request's calls. No setting turns it on: production always coalesces.
   */
  withoutUpstreamCache?: boolean;
}

/** The running graph: everything `npm start` serves, and the one way to stop it. */
export interface ComposedGateway {
  readonly config: Config;
  readonly server: GatewayServer;
  readonly metrics: GatewayMetrics;
  /** The embedded simulator in demo mode (no Visma credentials); undefined in front of Visma.net. */
  readonly simulator: EmbeddedSimulator | undefined;
  /** The upstream the invoices service talks to: the cache over the Visma client, or the client itself `withoutUpstreamCache`. */
  readonly upstream: VismaApi;
  /** The trusted documents manifest in use (docs/trusted-documents.md); undefined when TRUSTED_DOCUMENTS is off. */
  readonly trustedDocuments: TrustedDocuments | undefined;
  /** Binds `config.port` on `config.host` (port 0: an ephemeral one). */
  listen(): Promise<ListeningServer>;
  /**
   * The one shutdown path: stops taking requests and drains the ones in flight, then the cache,
   * the Visma client, the Redis connections and the embedded simulator, in that order, and last
   * sends the spans still queued when tracing is on.
   */
  close(): Promise<void>;
}

/**
 * The composition root: builds the whole gateway from a validated config. The upstream is
 * Visma.net with credentials, the embedded simulator without (demo mode), or whatever
 * VISMA_API_URL names. Above the Visma client (and its resilience: breaker, retry budget, rate
 * pacing, concurrency, the fleet budget with Redis) sit the upstream cache, the idempotent
 * creates and the HTTP server, whose requests each get their own invoices service.
 */
export async function composeGateway(config: Config, seams: CompositionSeams): Promise<ComposedGateway> {
  const { logger } = seams;
  const now = seams.now ?? Date.now;
  const closers: Array<() => unknown> = [];
  const closeAll = async (): Promise<void> => {
    // Last built, first closed: the server drains before anything it calls goes away.
    for (const close of closers.splice(0).reverse()) {
      await close();
    }
  };
  try {
    // Built first, so closed last: the spans of the requests drained at shutdown are sent too.
    const tracing = config.tracing === null ? undefined : await startTracing(config.tracing, logger);
    if (tracing !== undefined) closers.push(() => tracing.shutdown());

    const simulator = seams.visma === undefined && usesEmbeddedSimulator(config) ? await startSimulator(config, seams) : undefined;
    if (simulator !== undefined) closers.push(() => simulator.stop());

    const shared = await connectShared(config, simulator, logger, now);
    if (shared !== undefined) closers.push(() => shared.close());
    // What the cache learns of reaches every replica's subscriptions (docs/subscriptions.md).
    const changes: ChangeFeed = shared?.changes ?? new LocalChangeFeed();

    // Visma's rate-limit headers as the client last saw them: the pacer and the metrics read them.
    const rateLimits = new RateLimitReadings();
    const metrics = new GatewayMetrics({ processMetrics: seams.processMetrics ?? false, rateLimit: () => rateLimits.latest() });
    let visma: VismaApi;
    let readiness: ReadinessProbe | undefined;
    if (seams.visma === undefined) {
      const client = vismaClient(config, { simulator, shared, metrics, rateLimits, logger, now, tracing });
      closers.push(() => client.close());
      visma = client;
      // Ready when a token can be had: from Visma Connect, or from the embedded simulator (proving it answers).
      readiness = config.visma.authMode === 'passthrough' ? undefined : (signal) => client.obtainToken({ signal });
    } else {
      visma = seams.visma;
    }

    const cache =
      seams.withoutUpstreamCache === true ? undefined : upstreamCache(config, visma, simulator, shared, metrics, logger, changes);
    if (cache !== undefined) closers.push(() => cache.close());
    const upstream: VismaApi = cache ?? visma;

    // Visma's webhooks in (docs/webhooks.md): hints to the cache; on with a signing key, and in demo mode.
    const webhookKeys = cache === undefined ? [] : webhookSigningKeys(config, simulator !== undefined);
    const webhooks =
      cache === undefined || webhookKeys.length === 0
        ? undefined
        : webhookReceiver({
            config,
            signingKeys: webhookKeys,
            target: cache,
            redis: shared?.redis,
            tenantId: webhookTenant(config, simulator),
            logger,
            registry: metrics.registry,
            now,
          });
    if (webhooks !== undefined) closers.push(() => webhooks.close());

    const idempotency = idempotentCreates(config, shared, now, logger);
    const trusted = await openTrustedDocuments(config.trustedDocuments, logger, metrics.registry);
    if (trusted !== undefined) closers.push(() => trusted.close());
    const server = await createServer({
      config,
      visma: upstream,
      logger,
      now,
      idempotency,
      metrics,
      readiness,
      tracing: tracing?.server,
      changes: { feed: changes, scope: clientCredentialScope(config, simulator) },
      webhooks: webhooks?.router,
      trustedDocuments: trusted?.gate,
      documents: trusted?.documents,
    });
    closers.push(() => server.apollo.stop());

    let listening: ListeningServer | undefined;
    return {
      config,
      server,
      metrics,
      simulator,
      upstream,
      trustedDocuments: trusted?.documents,
      listen: async () => {
        if (listening === undefined) {
          listening = await server.listen(config.port, config.host);
          // The port is known only now: the embedded simulator is subscribed to this gateway's receiver.
          if (simulator !== undefined && webhooks !== undefined) {
            const url = `http://127.0.0.1:${listening.port}${config.webhooks.path}`;
            await simulator.subscribeWebhooks({ url, signingKey: webhookKeys[0]!, signatureHeader: config.webhooks.signatureHeader });
          }
        }
        return listening;
      },
      close: async () => {
        // Closing what listens first turns /readyz to 503 and drains (Apollo's drain plugin).
        await listening?.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** With an OTLP endpoint configured: spans for requests, operations and Visma calls (docs/operations.md, "Tracing"). */
async function startTracing(settings: NonNullable<Config['tracing']>, logger: Logger): Promise<Tracing> {
  // Loaded only here: with tracing off no OpenTelemetry SDK or exporter is loaded (their load alone takes ~150 ms).
  const tracing = await import('./tracing');
  return tracing.startTracing(settings, logger);
}

async function startSimulator(config: Config, seams: CompositionSeams): Promise<EmbeddedSimulator> {
  // Loaded only in demo mode: a production start needs neither child_process nor readline.
  const { startEmbeddedSimulator } = await import('./server/embedded-simulator');
  return startEmbeddedSimulator({
    entry: path.join(__dirname, 'simulator', 'main.js'),
    logger: seams.logger,
    timeZone: config.visma.timeZone,
    onUnexpectedExit: seams.onSimulatorExit ?? (() => seams.logger.error({}, 'the embedded simulator exited')),
  });
}

/** With REDIS_URL, replicas share idempotency keys, the call budget, the token and cache invalidations (docs/scaling.md). */
async function connectShared(
  config: Config,
  simulator: EmbeddedSimulator | undefined,
  logger: Logger,
  now: () => number,
): Promise<SharedPieces | undefined> {
  if (config.scale.redisUrl === null) {
    return undefined;
  }
  // Loaded only here: ioredis cost about 50 ms of every cold start without Redis (bench/README.md, "Levers").
  const { createSharedPieces } = await import('./scale');
  return createSharedPieces(config, config.scale.redisUrl, clientCredentialScope(config, simulator), logger, now);
}

/**
 * Whose credentials the client calls with (`credentialScope`); null in passthrough mode, where
 * each caller brings their own. Each replica's embedded simulator is its own Visma (its own URL),
 * so nothing is shared between them.
 */
function clientCredentialScope(config: Config, simulator: EmbeddedSimulator | undefined): string | null {
  if (simulator !== undefined) {
    return credentialScope({ apiUrl: simulator.url, tenantId: simulator.tenantId, clientId: simulator.clientId });
  }
  const credentials = config.visma.authMode === 'passthrough' ? null : config.visma.credentials;
  return credentials === null
    ? null
    : credentialScope({ apiUrl: config.visma.apiUrl, tenantId: credentials.tenantId, clientId: credentials.clientId });
}

/**
 * The Visma client with its resilience around every attempt: breaker, retry budget, rate pacing,
 * the concurrency cap and, with Redis, the fleet's call budget (docs/resilience.md).
 */
function vismaClient(
  config: Config,
  parts: {
    simulator: EmbeddedSimulator | undefined;
    shared: SharedPieces | undefined;
    metrics: GatewayMetrics;
    rateLimits: RateLimitReadings;
    logger: Logger;
    now: () => number;
    tracing: Tracing | undefined;
  },
): VismaClient {
  const { simulator, shared, metrics, rateLimits, logger, now, tracing } = parts;
  const resilience = createResilience({
    maxConcurrent: config.visma.maxConcurrency,
    fleetBudget: shared?.fleetBudget,
    rateLimit: () => rateLimits.latest(),
    now,
  });
  return createVismaClient({
    ...clientConfig(config, simulator),
    logger: withRequestId(toVismaLogger(logger.child({ component: 'visma-client' }))),
    // Metrics count the client's events, never its log lines.
    onEvent: metrics.observeVisma,
    attemptGuard: resilience.attemptGuard,
    retryBudget: resilience.retryBudget,
    sharedTokens: shared?.tokens,
    rateLimits,
    now,
    // Spans for each call and attempt, under the operation of the request that makes it.
    tracer: tracing?.visma,
  });
}

/** The Visma client's settings: the embedded simulator in demo mode, Visma.net (or VISMA_API_URL) otherwise. */
export function clientConfig(config: Config, simulator: EmbeddedSimulator | undefined): VismaClientConfig {
  const common = {
    timeZone: config.visma.timeZone,
    attemptTimeoutMs: config.visma.attemptTimeoutMs,
    deadlineMs: config.requestDeadlineMs,
    // A socket for each attempt the concurrency cap lets through, no fewer.
    maxSockets: config.visma.maxConcurrency,
    transport: config.visma.transport,
    maxInvoicesInFlight: config.visma.maxInvoicesInFlight,
    maxResponseBytes: config.visma.maxResponseBytes,
    maxBytesInFlight: config.visma.maxBytesInFlight,
  };
  if (simulator !== undefined) {
    return {
      ...common,
      baseUrl: simulator.url,
      auth: {
        mode: 'client_credentials',
        tokenUrl: `${simulator.url}/connect/token`,
        clientId: simulator.clientId,
        clientSecret: simulator.clientSecret,
        tenantId: simulator.tenantId,
        scopes: config.visma.scopes,
      },
    };
  }
  if (config.visma.authMode === 'passthrough' || config.visma.credentials === null) {
    return { ...common, baseUrl: config.visma.apiUrl, auth: { mode: 'passthrough' } };
  }
  return {
    ...common,
    baseUrl: config.visma.apiUrl,
    auth: { mode: 'client_credentials', tokenUrl: config.visma.tokenUrl, ...config.visma.credentials, scopes: config.visma.scopes },
  };
}

/**
 * Coalescing and the cross-request cache between the client and everything above it; with
 * REDIS_URL, replicas tell each other about their writes (docs/upstream-cache.md).
 * With CACHE_ENABLED=false it still coalesces identical reads in flight.
 */
function upstreamCache(
  config: Config,
  visma: VismaApi,
  simulator: EmbeddedSimulator | undefined,
  shared: SharedPieces | undefined,
  metrics: GatewayMetrics,
  logger: Logger,
  changes: ChangeFeed,
): CachingVismaApi {
  const scope = clientCredentialScope(config, simulator);
  return new CachingVismaApi(visma, {
    ...config.upstreamCache,
    webhooks: { pollIntervalMs: config.webhooks.pollIntervalMs, healthyForMs: config.webhooks.healthyForMs },
    bus: shared?.invalidations,
    onChange: (change) => changes.publish(change),
    auth: scope === null ? { mode: 'passthrough' } : { mode: 'client_credentials', scope },
    ...upstreamCacheMetrics(metrics.registry),
    warn: (fields, message) => logger.warn({ component: 'upstream-cache', ...fields }, message),
  });
}

/** The tenant whose webhooks the gateway takes: the embedded simulator's, the configured one's, or any in passthrough mode. */
function webhookTenant(config: Config, simulator: EmbeddedSimulator | undefined): string | null {
  return simulator?.tenantId ?? config.visma.credentials?.tenantId ?? null;
}

/** One idempotent-create service per process, over Redis's key store when replicas share one. */
function idempotentCreates(config: Config, shared: SharedPieces | undefined, now: () => number, logger: Logger): IdempotentCreator {
  const log = logger.child({ component: 'idempotency' });
  const settings = { ...config.idempotency, leaseMs: idempotencyLeaseMs(config), now };
  if (shared === undefined) {
    return createIdempotentCreator({ ...settings, logger: log });
  }
  return new IdempotentCreator({ ...settings, store: shared.idempotencyKeys, warn: (fields, message) => log.warn(fields, message) });
}

/** A claim on a key outlives any request that could hold it. */
export function idempotencyLeaseMs(config: Pick<Config, 'requestDeadlineMs'>): number {
  return config.requestDeadlineMs * 2;
}
