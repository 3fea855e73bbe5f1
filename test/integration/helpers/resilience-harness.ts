import type { Environment } from '../../../src/config';
import type { RunningSimulator, SimulatorOptions } from '../../../src/simulator/index';
import type { VismaClient } from '../../../src/visma';
import { startGateway, type StartedGateway } from './start-gateway';

export interface ResilientHarnessOptions {
  simulator?: SimulatorOptions;
  /** Settings on top of the suites' own (start-gateway.ts), by name. */
  env?: Environment;
  /** The gateway's clock (its breaker, budgets and idempotency windows); defaults to `Date.now`. */
  now?: () => number;
}

export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/**
 * The real simulator and the gateway as `npm start` builds it, resilience included (breaker,
 * retry budget, pacing, concurrency cap, idempotent creates), both in this process on 127.0.0.1:0.
 */
export class ResilientHarness {
  private constructor(private readonly started: StartedGateway) {}

  static async start(options: ResilientHarnessOptions = {}): Promise<ResilientHarness> {
    return new ResilientHarness(
      await startGateway({
        simulatorOptions: options.simulator,
        env: options.env,
        ...(options.now === undefined ? {} : { now: options.now }),
      }),
    );
  }

  get simulator(): RunningSimulator {
    return this.started.simulator;
  }

  /** A client of the test's own, straight to the simulator: ground truth that bypasses the gateway. */
  get visma(): VismaClient {
    return this.started.visma;
  }

  get logs(): Array<Record<string, unknown>> {
    return this.started.logs;
  }

  async post(query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer> {
    const response = await fetch(this.started.url, {
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

  stop(): Promise<void> {
    return this.started.stop();
  }
}
