import { composeGateway, type ComposedGateway } from '../../../src/compose';
import { loadConfig, type Environment } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import type { ListeningServer } from '../../../src/server/create-server';
import { SimulatorControlClient } from '../../../src/simulator/control-client';
import { DEMO_CLIENT, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator/index';
import { createVismaClient, type VismaClient } from '../../../src/visma';

/**
 * The only settings the suites change from the shipped defaults, all in this one place and by
 * name: an ephemeral port on loopback, the upstream (an in-process simulator and its demo
 * client), inbound authentication off (it has suites of its own, which turn it on), and a debug
 * log the test can read. Everything else (cache, coalescing, resilience, limits) is what
 * `npm start` runs. A suite adds its own settings through `env`, visibly, by name.
 */
export function testSettings(simulator: RunningSimulator): Environment {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    ...simulatorUpstream(simulator.url),
    AUTH_REQUIRED: 'false',
    LOG_LEVEL: 'debug',
  };
}

/** The upstream settings for a simulator at `url` (in this process or its own) and its demo client. */
export function simulatorUpstream(url: string): Record<string, string> {
  return {
    VISMA_API_URL: url,
    VISMA_TOKEN_URL: `${url}/connect/token`,
    VISMA_CLIENT_ID: DEMO_CLIENT.clientId,
    VISMA_CLIENT_SECRET: DEMO_CLIENT.clientSecret,
    VISMA_TENANT_ID: DEMO_CLIENT.tenantId,
  };
}

/**
 * For suites that assert exact Visma calls per query. The cache's change poll (every half of
 * CACHE_FRESHNESS_MS, on its own clock) would add a list call at random; this pushes it past a
 * suite's length. The cache itself stays on.
 */
export const NO_POLL_DURING_SUITE: Environment = { CACHE_FRESHNESS_MS: '600000' };

export interface StartOptions {
  /** Options of the in-process simulator this starts; ignored when `simulator` is given. */
  simulatorOptions?: SimulatorOptions;
  /** Use this running simulator (it is not closed by `stop`). */
  simulator?: RunningSimulator;
  /** Settings on top of `testSettings`, by name. */
  env?: Environment;
  /** The gateway's clock; defaults to `Date.now`. */
  now?: () => number;
}

/** A gateway built by the composition root from its shipped defaults, listening on loopback, over a real simulator. */
export interface StartedGateway {
  readonly simulator: RunningSimulator;
  readonly control: SimulatorControlClient;
  readonly gateway: ComposedGateway;
  readonly listening: ListeningServer;
  /** The GraphQL endpoint. */
  readonly url: string;
  /** Every log line, parsed, in order. */
  readonly logs: Array<Record<string, unknown>>;
  /** Every log line as written. */
  readonly logLines: string[];
  /**
   * A Visma client of the test's own, straight to the simulator with the demo client: ground
   * truth that never goes through the gateway's cache.
   */
  readonly visma: VismaClient;
  stop(): Promise<void>;
}

export async function startGateway(options: StartOptions = {}): Promise<StartedGateway> {
  const ownsSimulator = options.simulator === undefined;
  const simulator = options.simulator ?? (await startSimulator({ port: 0, ...options.simulatorOptions }));
  const logs: Array<Record<string, unknown>> = [];
  const logLines: string[] = [];
  const write = (line: string): void => {
    logLines.push(line);
    logs.push(JSON.parse(line) as Record<string, unknown>);
  };
  try {
    const config = loadConfig({ ...testSettings(simulator), ...options.env });
    const logger = createLogger(config.logLevel, { write });
    const gateway = await composeGateway(config, { logger, ...(options.now === undefined ? {} : { now: options.now }) });
    const listening = await gateway.listen().catch(async (error: unknown) => {
      await gateway.close();
      throw error;
    });
    const visma = createVismaClient({
      baseUrl: simulator.url,
      auth: { mode: 'client_credentials', tokenUrl: `${simulator.url}/connect/token`, ...DEMO_CLIENT },
      timeZone: config.visma.timeZone,
    });
    return {
      simulator,
      control: new SimulatorControlClient(simulator.url),
      gateway,
      listening,
      url: listening.url,
      logs,
      logLines,
      visma,
      stop: async () => {
        visma.close();
        await gateway.close();
        if (ownsSimulator) await simulator.close();
      },
    };
  } catch (error) {
    if (ownsSimulator) await simulator.close();
    throw error;
  }
}
