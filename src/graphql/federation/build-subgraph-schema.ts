import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { graphqlSync, isScalarType, isSpecifiedScalarType, lexicographicSortSchema, parse, type GraphQLSchema } from 'graphql';
import { createResolversMap } from 'type-graphql';
import type { GatewayContext } from '../context';
import { resolveNodeType } from '../node/node-values';
import { FEDERATION_LINK } from './federation-link';
import { REFERENCE_RESOLVERS } from './reference-resolvers';

/**
 * The gateway's schema as an Apollo Federation 2 subgraph: the type-graphql schema (the API in
 * `schema/schema.graphql`) plus `_service`, `_entities` and the federation directives the
 * classes carry (`@Directive`).
 *
 * graphql's `printSchema` drops directives such as `@key`, so the SDL is printed with
 * `printSchemaWithDirectives`; and `buildSubgraphSchema` gets the array form, since its object
 * form throws in later 2.x releases. Resolvers are type-graphql's own, taken from the built
 * schema, plus the reference resolvers.
 * https://typegraphql.com/docs/next/examples.html (apollo-federation-2)
 */
export function buildSubgraphSchemaFrom(apiSchema: GraphQLSchema): GraphQLSchema {
  const sorted = lexicographicSortSchema(apiSchema);
  const typeDefs = parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(sorted)}`);
  return buildSubgraphSchema([{ typeDefs, resolvers: resolversOf(apiSchema) }]);
}

/**
 * Exactly what `_service { sdl }` answers (the full Federation 2 form, with the directive
 * definitions the router composes from): the file `npm run schema:subgraph` writes.
 */
export function printGatewaySubgraphSchema(subgraphSchema: GraphQLSchema): string {
  const result = graphqlSync({ schema: subgraphSchema, source: '{ _service { sdl } }' });
  const sdl = (result.data?.['_service'] as { sdl?: unknown } | undefined)?.sdl;
  if (typeof sdl !== 'string') {
    throw new Error(`the subgraph schema did not answer _service { sdl }: ${JSON.stringify(result.errors)}`);
  }
  return `${sdl.trim()}\n`;
}

function resolversOf(apiSchema: GraphQLSchema): GraphQLResolverMap<GatewayContext> {
  // type-graphql's map types its values loosely; they are graphql-js resolvers, scalars and enum maps.
  const map = createResolversMap(apiSchema) as GraphQLResolverMap<GatewayContext>;
  // String, Int and the like are graphql's own singletons: nothing to copy onto them.
  for (const [name, type] of Object.entries(apiSchema.getTypeMap())) {
    if (isScalarType(type) && isSpecifiedScalarType(type)) {
      delete map[name];
    }
  }
  for (const [typeName, resolvers] of Object.entries(REFERENCE_RESOLVERS)) {
    map[typeName] = { ...map[typeName], ...resolvers } as GraphQLResolverMap<GatewayContext>[string];
  }
  // type-graphql wraps a type resolver in an async function; graphql-jit needs the type name itself.
  map['Node'] = { ...map['Node'], __resolveType: resolveNodeType } as GraphQLResolverMap<GatewayContext>[string];
  return map;
}
