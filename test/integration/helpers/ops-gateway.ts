import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { loadConfig, type Environment } from '../../../src/config';
import { createLogger, toVismaLogger } from '../../../src/logger';
import { createServer, type GatewayServer, type ListeningServer } from '../../../src/server/create-server';
import { GatewayMetrics } from '../../../src/server/metrics';
import { withRequestId } from '../../../src/server/request-scope';
import { SimulatorControlClient } from '../../../src/simulator/control-client';
import { DEMO_CLIENT, startSimulator, type RunningSimulator } from '../../../src/simulator/index';
import { createVismaClient, type VismaClient } from '../../../src/visma';

export interface OpsGatewayOptions {
  env?: Environment;
  clientSecret?: string;
  /** Use this simulator instead of starting one (it is not closed by `stop`). */
  simulator?: RunningSimulator;
}

/**
 * A real simulator and a gateway wired as src/main.ts wires them for operations: metrics that
 * observe the Visma client, and the token readiness probe. HTTP on 127.0.0.1:0.
 */
export class OpsGateway {
  private constructor(
    readonly simulator: RunningSimulator,
    private readonly ownsSimulator: boolean,
    readonly control: SimulatorControlClient,
    readonly visma: VismaClient,
    readonly server: GatewayServer,
    private readonly listening: ListeningServer,
    readonly logs: Array<Record<string, unknown>>,
  ) {}

  static async start(options: OpsGatewayOptions = {}): Promise<OpsGateway> {
    const simulator = options.simulator ?? (await startSimulator({ port: 0 }));
    const config = loadConfig({
      NODE_ENV: 'test',
      VISMA_API_URL: simulator.url,
      VISMA_TOKEN_URL: `${simulator.url}/connect/token`,
      VISMA_CLIENT_ID: DEMO_CLIENT.clientId,
      VISMA_CLIENT_SECRET: options.clientSecret ?? DEMO_CLIENT.clientSecret,
      VISMA_TENANT_ID: DEMO_CLIENT.tenantId,
      AUTH_REQUIRED: 'false',
      ...options.env,
    });
    const credentials = config.visma.credentials;
    if (credentials === null) {
      throw new Error('the ops gateway needs client credentials');
    }
    const logs: Array<Record<string, unknown>> = [];
    const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const metrics = new GatewayMetrics({ tokenPath: '/connect/token' });
    const visma = createVismaClient({
      baseUrl: config.visma.apiUrl,
      auth: { mode: 'client_credentials', tokenUrl: config.visma.tokenUrl, ...credentials, scopes: config.visma.scopes },
      timeZone: config.visma.timeZone,
      deadlineMs: config.requestDeadlineMs,
      attemptTimeoutMs: config.visma.attemptTimeoutMs,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
      logger: metrics.observeVisma(withRequestId(toVismaLogger(logger.child({ component: 'visma-client' })))),
    });
    metrics.watchRateLimit(() => visma.rateLimit());
    const server = await createServer({ config, visma, logger, metrics, readiness: (signal) => visma.obtainToken({ signal }) });
    const listening = await server.listen(0, '127.0.0.1');
    return new OpsGateway(
      simulator,
      options.simulator === undefined,
      new SimulatorControlClient(simulator.url),
      visma,
      server,
      listening,
      logs,
    );
  }

  /** The GraphQL endpoint. */
  get url(): string {
    return this.listening.url;
  }

  /** Another path on the gateway, such as `/readyz`. */
  at(path: string): string {
    return new URL(path, this.listening.url).toString();
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

  /** Closes the gateway (draining in-flight requests), then the client and its own simulator. */
  async stop(): Promise<void> {
    await this.listening.close();
    this.visma.close();
    if (this.ownsSimulator) {
      await this.simulator.close();
    }
  }

  /** Starts closing the gateway without waiting, as SIGTERM does. */
  beginShutdown(): Promise<void> {
    return this.listening.close();
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
