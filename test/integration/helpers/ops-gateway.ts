import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Environment } from '../../../src/config';
import type { SimulatorControlClient } from '../../../src/simulator/control-client';
import type { RunningSimulator } from '../../../src/simulator/index';
import type { VismaApi } from '../../../src/visma/api';
import { startGateway, type StartedGateway } from './start-gateway';

export interface OpsGatewayOptions {
  /** Settings on top of the suites' own (start-gateway.ts), by name. */
  env?: Environment;
  /** Use this simulator instead of starting one (it is not closed by `stop`). */
  simulator?: RunningSimulator;
}

/** A real simulator and the gateway as `npm start` builds it (metrics, readiness, logs), on 127.0.0.1:0. */
export class OpsGateway {
  private constructor(private readonly started: StartedGateway) {}

  static async start(options: OpsGatewayOptions = {}): Promise<OpsGateway> {
    return new OpsGateway(
      await startGateway({ ...(options.simulator === undefined ? {} : { simulator: options.simulator }), env: options.env }),
    );
  }

  get simulator(): RunningSimulator {
    return this.started.simulator;
  }

  get control(): SimulatorControlClient {
    return this.started.control;
  }

  /** What the gateway's requests call: its rate-limit reading is the one /metrics reports. */
  get upstream(): VismaApi {
    return this.started.gateway.upstream;
  }

  get logs(): Array<Record<string, unknown>> {
    return this.started.logs;
  }

  /** The GraphQL endpoint. */
  get url(): string {
    return this.started.url;
  }

  /** Another path on the gateway, such as `/readyz`. */
  at(path: string): string {
    return new URL(path, this.started.url).toString();
  }

  /** Runs a typed document (test/generated) and returns its typed data and errors. */
  async run<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    headers: Record<string, string> = {},
  ): Promise<{
    status: number;
    data: Result | null | undefined;
    errors: Array<{ message: string; extensions?: Record<string, unknown> }> | undefined;
  }> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await response.json()) as {
      data?: Result | null;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    };
    return { status: response.status, data: body.data, errors: body.errors };
  }

  async metricsText(): Promise<string> {
    const response = await fetch(this.at('/metrics'));
    if (response.status !== 200) {
      throw new Error(`/metrics answered ${response.status}`);
    }
    return response.text();
  }

  /** Closes the gateway (draining in-flight requests), then everything it built, and its own simulator. */
  stop(): Promise<void> {
    return this.started.stop();
  }

  /** Starts closing the gateway without waiting, as SIGTERM does. */
  beginShutdown(): Promise<void> {
    return this.started.listening.close();
  }
}

/** The value of one sample in Prometheus text, such as `visma_requests_total{route="…",status="200"}`; 0 when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) {
      return Number(match[3]);
    }
  }
  return 0;
}
