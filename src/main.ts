// Decorator metadata must be in place before any type-graphql class is loaded.
import 'reflect-metadata';
import path from 'node:path';
import { ConfigError, loadConfig, usesEmbeddedSimulator, type Config } from './config';
import { createLogger, toVismaLogger, type Logger } from './logger';
import { createServer, type ListeningServer } from './server/create-server';
import type { ReadinessProbe } from './server/health';
import { GatewayMetrics } from './server/metrics';
import { withRequestId } from './server/request-scope';
import type { EmbeddedSimulator } from './server/embedded-simulator';
import { createVismaClient, type VismaClientConfig } from './visma';
import { createResilience } from './visma/resilience';
import type { SharedPieces } from './scale';
import { CachingVismaApi, upstreamCacheMetrics } from './upstream-cache';

/**
 * The composition root: configuration, then the upstream (Visma.net, or the embedded simulator
 * when no credentials are configured), the Visma client, the server, and signal handling.
 * NODE_ENV defaults to production so Express and Apollo run in their production modes unless
 * a developer asks otherwise.
 */
process.env['NODE_ENV'] ??= 'production';

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let shuttingDown = false;
  let stopAll = async (): Promise<void> => undefined;
  const shutdown = (reason: string, exitCode: number): void => {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    logger.info({ reason }, 'shutting down');
    setTimeout(() => process.exit(exitCode === 0 ? 1 : exitCode), SHUTDOWN_TIMEOUT_MS).unref();
    stopAll().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM', 0));
  process.once('SIGINT', () => shutdown('SIGINT', 0));

  let simulator: EmbeddedSimulator | undefined;
  if (usesEmbeddedSimulator(config)) {
    // Loaded only in demo mode, like the scale module below: a production start needs neither.
    const { startEmbeddedSimulator } = await import('./server/embedded-simulator');
    simulator = await startEmbeddedSimulator({
      entry: path.join(__dirname, 'simulator', 'main.js'),
      logger,
      timeZone: config.visma.timeZone,
      onUnexpectedExit: () => shutdown('the embedded simulator exited', 1),
    });
  }

  // With REDIS_URL, replicas share the idempotency keys and one Visma call budget (README, "Scaling out").
  let shared: SharedPieces | undefined;
  if (config.scale.redisUrl !== null) {
    const owner =
      simulator !== undefined
        ? // Each replica's embedded simulator is its own Visma: nothing is shared between them.
          { tenantId: simulator.tenantId, clientId: `${simulator.clientId}@${simulator.url}` }
        : config.visma.authMode === 'passthrough'
          ? null
          : config.visma.credentials;
    // Loaded only here: ioredis cost about 50 ms of every cold start without Redis (bench/README.md, "Levers").
    const { createSharedPieces } = await import('./scale');
    shared = await createSharedPieces(config, config.scale.redisUrl, owner, logger);
  }
  // Breaker, retry budget, rate pacing and the concurrency cap around every call (README, "Resilience").
  const resilience = createResilience({ maxConcurrent: config.visma.maxConcurrency, fleetBudget: shared?.fleetBudget });
  // Visma calls are counted off the client's log lines (vismaClientConfig wraps its logger).
  const metrics = new GatewayMetrics({
    processMetrics: true,
    tokenPath: simulator === undefined ? new URL(config.visma.tokenUrl).pathname : '/connect/token',
  });
  const visma = createVismaClient({
    ...vismaClientConfig(config, simulator, logger, metrics),
    attemptGuard: resilience.attemptGuard,
    retryBudget: resilience.retryBudget,
    sharedTokens: shared?.tokens,
  });
  resilience.bindRateLimit(() => visma.rateLimit());
  metrics.watchRateLimit(() => visma.rateLimit());
  // Ready when a token can be had: from Visma Connect, or from the embedded simulator (proving it answers).
  const readiness: ReadinessProbe | undefined =
    config.visma.authMode === 'passthrough' ? undefined : (signal) => visma.obtainToken({ signal });
  // Coalescing and the cross-request cache sit between the client and everything above it; with
  // REDIS_URL, replicas tell each other about their writes (README, "Upstream cache"). With both
  // off (a benchmark's side-by-side runs) the server talks to the client itself.
  const { coalescing, ...cacheSettings } = config.upstreamCache;
  const upstream =
    !cacheSettings.enabled && !coalescing
      ? undefined
      : new CachingVismaApi(visma, {
          ...cacheSettings,
          bus: shared?.invalidations,
          auth:
            config.visma.authMode === 'passthrough'
              ? { mode: 'passthrough' }
              : { mode: 'client_credentials', identity: simulator?.tenantId ?? config.visma.credentials?.tenantId ?? '' },
          onEvent: upstreamCacheMetrics(metrics.registry),
          warn: (fields, message) => logger.warn({ component: 'upstream-cache', ...fields }, message),
        });
  const server = await createServer({ config, visma: upstream ?? visma, logger, metrics, readiness, idempotency: shared?.idempotency });
  let listening: ListeningServer;
  try {
    listening = await server.listen(config.port, config.host);
  } catch (error) {
    await simulator?.stop();
    upstream?.close();
    visma.close();
    await shared?.close();
    throw error;
  }
  stopAll = async () => {
    await listening.close();
    upstream?.close();
    visma.close();
    await shared?.close();
    await simulator?.stop();
  };

  if (simulator === undefined) {
    logger.info(
      { url: listening.url, visma: config.visma.apiUrl, authMode: config.visma.authMode },
      `GraphQL gateway ready at ${listening.url}`,
    );
  } else {
    logger.info(
      { url: listening.url, simulator: simulator.url },
      `GraphQL gateway ready at ${listening.url}, backed by the embedded Visma simulator at ${simulator.url} because no Visma credentials are configured (set VISMA_CLIENT_ID, VISMA_CLIENT_SECRET and VISMA_TENANT_ID to use Visma.net). POST GraphQL queries to ${listening.url}.`,
    );
  }
}

function vismaClientConfig(
  config: Config,
  simulator: EmbeddedSimulator | undefined,
  logger: Logger,
  metrics: GatewayMetrics,
): VismaClientConfig {
  const shared = {
    timeZone: config.visma.timeZone,
    attemptTimeoutMs: config.visma.attemptTimeoutMs,
    deadlineMs: config.requestDeadlineMs,
    transport: config.visma.transport,
    maxInvoicesInFlight: config.visma.maxInvoicesInFlight,
    logger: metrics.observeVisma(withRequestId(toVismaLogger(logger.child({ component: 'visma-client' })))),
  };
  if (simulator !== undefined) {
    return {
      ...shared,
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
    return { ...shared, baseUrl: config.visma.apiUrl, auth: { mode: 'passthrough' } };
  }
  return {
    ...shared,
    baseUrl: config.visma.apiUrl,
    auth: { mode: 'client_credentials', tokenUrl: config.visma.tokenUrl, ...config.visma.credentials, scopes: config.visma.scopes },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
