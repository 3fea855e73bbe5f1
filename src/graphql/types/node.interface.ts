import { Field, ID, InterfaceType } from 'type-graphql';
import { resolveNodeType } from '../node/node-values';

/**
 * Relay's Global Object Identification (https://relay.dev/graphql/objectidentification.htm):
 * every object a client cache keeps by identity has an opaque, globally unique `id`, and
 * `node(id:)` reads it again. The ids are made and read in src/graphql/node/global-id.ts.
 */
@InterfaceType({
  description:
    'An object with a global id: CustomerInvoice, InvoiceLine and Customer. Read any of them again by its id with node(id:) or nodes(ids:).',
  resolveType: (value: unknown) => resolveNodeType(value),
})
export abstract class Node {
  @Field(() => ID, {
    description:
      'A global id: opaque, stable, and unique across every type. Client caches key the object by it; node(id:) reads it again. Do not parse it.',
  })
  id!: string;
}
