import { loadConfig, type Environment } from '../../../src/config';
import { createIdempotentCreator } from '../../../src/idempotency';
import { createLogger } from '../../../src/logger';
import { createServer, type ListeningServer } from '../../../src/server/create-server';
import { DEMO_CLIENT, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator/index';
import { createVismaClient, type VismaClient } from '../../../src/visma';
import { createResilience, type Resilience, type ResilienceOptions } from '../../../src/visma/resilience';

export interface ResilientHarnessOptions {
  simulator?: SimulatorOptions;
  env?: Environment;
  resilience?: Partial<ResilienceOptions>;
  /** IDEMPOTENCY_SETTLE_MS for the server's idempotent creates. */
  settleMs?: number;
}

export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/**
 * The real simulator and the real gateway wired as src/main.ts wires them, resilience
 * included (breaker, retry budget, pacing, concurrency cap, idempotent creates), both in this
 * process on 127.0.0.1:0. Retry pauses are short so a failing test stays fast.
 */
export class ResilientHarness {
  private constructor(
    readonly simulator: RunningSimulator,
    readonly visma: VismaClient,
    readonly resilience: Resilience,
    private readonly gateway: ListeningServer,
    readonly logs: Array<Record<string, unknown>>,
  ) {}

  static async start(options: ResilientHarnessOptions = {}): Promise<ResilientHarness> {
    const simulator = await startSimulator({ port: 0, ...options.simulator });
    const config = loadConfig({
      NODE_ENV: 'test',
      VISMA_API_URL: simulator.url,
      VISMA_TOKEN_URL: `${simulator.url}/connect/token`,
      VISMA_CLIENT_ID: DEMO_CLIENT.clientId,
      VISMA_CLIENT_SECRET: DEMO_CLIENT.clientSecret,
      VISMA_TENANT_ID: DEMO_CLIENT.tenantId,
      AUTH_REQUIRED: 'false',
      ...options.env,
    });
    const credentials = config.visma.credentials;
    if (credentials === null) throw new Error('the harness needs client credentials');
    const logs: Array<Record<string, unknown>> = [];
    const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const resilience = createResilience({ maxConcurrent: config.visma.maxConcurrency, ...options.resilience });
    const visma = createVismaClient({
      baseUrl: config.visma.apiUrl,
      auth: { mode: 'client_credentials', tokenUrl: config.visma.tokenUrl, ...credentials, scopes: config.visma.scopes },
      timeZone: config.visma.timeZone,
      attemptTimeoutMs: config.visma.attemptTimeoutMs,
      deadlineMs: config.requestDeadlineMs,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
      attemptGuard: resilience.attemptGuard,
      retryBudget: resilience.retryBudget,
    });
    resilience.bindRateLimit(() => visma.rateLimit());
    const idempotency = createIdempotentCreator({
      ...config.idempotency,
      ...(options.settleMs === undefined ? {} : { settleMs: options.settleMs }),
      leaseMs: config.requestDeadlineMs * 2,
      now: Date.now,
      logger,
    });
    const server = await createServer({ config, visma, logger, idempotency });
    const listening = await server.listen(0, '127.0.0.1');
    return new ResilientHarness(simulator, visma, resilience, listening, logs);
  }

  async post(query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer> {
    const response = await fetch(this.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }) }),
    });
    return (await response.json()) as GraphQLAnswer;
  }

  /** Calls per Visma API route (token endpoint left out) since the last counter reset. */
  apiCalls(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.simulator.controls.counters())
        .filter(([template]) => !template.includes('/connect/token'))
        .map(([template, counts]) => [template, counts.total]),
    );
  }

  async stop(): Promise<void> {
    await this.gateway.close();
    this.visma.close();
    await this.simulator.close();
  }
}
