import type { Environment } from '../../../src/config';
import { createIdempotentCreator } from '../../../src/idempotency';
import { createServer, type ListeningServer } from '../../../src/server/create-server';
import type { RunningSimulator, SimulatorOptions } from '../../../src/simulator/index';
import { createVismaClient, type VismaClient } from '../../../src/visma';
import { createResilience, type Resilience, type ResilienceOptions } from '../../../src/visma/resilience';
import { startUpstream } from './gateway-harness';

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
    const { simulator, config, logger, logs, clientConfig } = await startUpstream(options);
    const resilience = createResilience({ maxConcurrent: config.visma.maxConcurrency, ...options.resilience });
    const visma = createVismaClient({
      ...clientConfig,
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
