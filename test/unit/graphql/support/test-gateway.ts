import type { GraphQLFormattedError } from 'graphql';
import { loadConfig, type Environment } from '../../../../src/config';
import { createLogger } from '../../../../src/logger';
import { composeGateway, type CompositionSeams } from '../../../../src/compose';
import type { GatewayServer } from '../../../../src/server/create-server';
import type { GatewayContext } from '../../../../src/graphql/context';
import type { RequestFacts } from '../../../../src/server/context';
import type { VismaApi } from '../../../../src/visma/api';

export interface Result {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

export interface TestGateway {
  server: GatewayServer;
  /** Structured log lines written so far. */
  logs: Array<Record<string, unknown>>;
  run(query: string, variables?: Record<string, unknown>, facts?: Partial<RequestFacts>): Promise<Result>;
  /** Runs with a context the test keeps, to ask the request's invoices service afterwards. */
  runWith(context: GatewayContext, query: string, variables?: Record<string, unknown>): Promise<Result>;
  stop(): Promise<void>;
}

/**
 * The gateway as the composition root builds it (schema, resolvers, plugins, error formatting,
 * the upstream cache, idempotency) over a fake VismaApi in place of the HTTP client, in process.
 * Settings are the shipped defaults plus `env`, by name; `seams` may leave the upstream cache out.
 */
export async function testGateway(
  visma: VismaApi,
  env: Environment = {},
  seams: Pick<CompositionSeams, 'withoutUpstreamCache'> = {},
): Promise<TestGateway> {
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const gateway = await composeGateway(loadConfig(env), { ...seams, logger, visma });
  const { server } = gateway;
  const runWith = async (context: GatewayContext, query: string, variables?: Record<string, unknown>): Promise<Result> => {
    const response = await server.apollo.executeOperation(
      { query, ...(variables === undefined ? {} : { variables }) },
      { contextValue: context },
    );
    if (response.body.kind !== 'single') {
      throw new Error('expected a single result');
    }
    return response.body.singleResult;
  };
  return {
    server,
    logs,
    run: (query, variables, facts) => runWith(server.createContext(facts), query, variables),
    runWith,
    stop: () => gateway.close(),
  };
}
