import type { GraphQLSchema } from 'graphql';
import { buildGatewaySchema } from '../graphql/build-schema';
import { buildSubgraphSchemaFrom } from '../graphql/federation/build-subgraph-schema';
import { guardEntityRepresentations } from './security/entity-representations';

/**
 * The schema a server serves: the API schema as an Apollo Federation 2 subgraph (docs/federation.md),
 * with its entity lookups guarded. Each server builds its own, unless a V8 startup snapshot built
 * one in advance (src/snapshot/entry.ts): the first server then takes that one.
 */
let prebuilt: GraphQLSchema | undefined = undefined;

export async function buildServedSchema(): Promise<GraphQLSchema> {
  return guardEntityRepresentations(buildSubgraphSchemaFrom(await buildGatewaySchema()));
}

/** Builds the schema now, for the next server to take (the snapshot's build step). */
export async function prebuildServedSchema(): Promise<GraphQLSchema> {
  prebuilt = await buildServedSchema();
  return prebuilt;
}

/** The schema built in advance, once, or a new one. */
export function takeServedSchema(): Promise<GraphQLSchema> {
  const schema = prebuilt;
  prebuilt = undefined;
  return schema === undefined ? buildServedSchema() : Promise.resolve(schema);
}
