import { composeGateway, type ComposedGateway } from './compose';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, logProcessWarnings, type Logger } from './logger';

/** How long a shutdown may take before the process exits anyway (non-zero). */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * config → logger → compose → listen → signals. Shared by `main.ts` (a plain start) and
 * `snapshot/entry.ts` (a start from the V8 startup snapshot, where the schema is already built).
 */
async function start(afterListen: () => void): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  logProcessWarnings(logger);

  let gateway: ComposedGateway | undefined = undefined;
  let stopping = false;
  const shutdown = (reason: string, exitCode: number): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    setTimeout(() => process.exit(exitCode === 0 ? 1 : exitCode), SHUTDOWN_TIMEOUT_MS).unref();
    (gateway?.close() ?? Promise.resolve()).then(
      () => process.exit(exitCode),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM', 0));
  process.once('SIGINT', () => shutdown('SIGINT', 0));

  gateway = await composeGateway(config, {
    logger,
    processMetrics: true,
    onSimulatorExit: () => shutdown('the embedded simulator exited', 1),
  });
  try {
    const listening = await gateway.listen();
    announce(gateway, listening.url, logger);
    afterListen();
  } catch (error) {
    await gateway.close();
    throw error;
  }
}

/** A bad setting stops the process with every problem named, before anything starts. */
function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

function announce(gateway: ComposedGateway, url: string, logger: Logger): void {
  const { config, simulator } = gateway;
  if (simulator === undefined) {
    logger.info({ url, visma: config.visma.apiUrl, authMode: config.visma.authMode }, `GraphQL gateway ready at ${url}`);
    return;
  }
  logger.info(
    { url, simulator: simulator.url },
    `GraphQL gateway ready at ${url}, backed by the embedded Visma simulator at ${simulator.url} because no Visma credentials are configured (set VISMA_CLIENT_ID, VISMA_CLIENT_SECRET and VISMA_TENANT_ID to use Visma.net). POST GraphQL queries to ${url}.`,
  );
}

/**
 * Starts the gateway, and exits with the reason on stderr if it cannot. NODE_ENV defaults to
 * production so Express and Apollo run in their production modes unless a developer asks otherwise.
 * `afterListen` runs once the gateway answers.
 */
export function runGateway(afterListen: () => void = () => undefined): void {
  process.env['NODE_ENV'] ??= 'production';
  start(afterListen).catch((error: unknown) => {
    process.stderr.write(`gateway: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
