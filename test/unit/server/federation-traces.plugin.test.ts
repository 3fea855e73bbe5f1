import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { FederationConfig, FederationTraces } from '../../../src/config';
import { federationTracesPlugins } from '../../../src/server/plugins/federation-traces.plugin';

const SECRET = 'a-router-secret-of-some-length';
const ASK = { 'apollo-federation-include-trace': 'ftv1' };

/** A one-field subgraph, which Apollo would trace by default, with only the plugins under test. */
async function subgraph(traces: FederationTraces, routerSecret: string | null): Promise<ApolloServer> {
  const settings: FederationConfig = { routerSecret, routerSecretHeader: 'x-router-secret', traces };
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: parse('type Query { hello: String }'), resolvers: { Query: { hello: () => 'world' } } }),
    plugins: federationTracesPlugins(settings),
  });
  await server.start();
  return server;
}

/** Whether an operation sent with these headers comes back with `extensions.ftv1`. */
async function traced(server: ApolloServer, headers: Record<string, string>): Promise<boolean> {
  const http = { method: 'POST', headers: new HeaderMap(Object.entries(headers)), search: '', body: {} };
  const response = await server.executeOperation({ query: '{ hello }', http });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  expect(response.body.singleResult.data).toEqual({ hello: 'world' });
  return typeof response.body.singleResult.extensions?.['ftv1'] === 'string';
}

describe('federationTracesPlugins', () => {
  const servers: ApolloServer[] = [];
  const start = async (traces: FederationTraces, routerSecret: string | null): Promise<ApolloServer> => {
    const server = await subgraph(traces, routerSecret);
    servers.push(server);
    return server;
  };

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('traces, in router mode, only a request that carries the router secret, checked on each request', async () => {
    const server = await start('router', SECRET);
    expect(await traced(server, { ...ASK, 'x-router-secret': SECRET })).toBe(true);
    expect(await traced(server, ASK)).toBe(false);
    expect(await traced(server, { ...ASK, 'x-router-secret': `${SECRET}x` })).toBe(false);
    expect(await traced(server, { 'x-router-secret': SECRET })).toBe(false);
  });

  it('traces nobody in router mode when no router secret is configured (Apollo would trace any subgraph)', async () => {
    const server = await start('router', null);
    expect(await traced(server, ASK)).toBe(false);
  });

  it('traces anyone who asks with all, and nobody with off', async () => {
    expect(await traced(await start('all', null), ASK)).toBe(true);
    expect(await traced(await start('off', SECRET), { ...ASK, 'x-router-secret': SECRET })).toBe(false);
  });
});
