import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { AccountResolver } from './resolvers/account.resolver';
import { CustomerInvoiceConnectionResolver } from './resolvers/customer-invoice-connection.resolver';
import { CustomerInvoiceMutationResolver } from './resolvers/customer-invoice-mutation.resolver';
import { CustomerInvoiceResolver } from './resolvers/customer-invoice.resolver';
import { CustomerResolver } from './resolvers/customer.resolver';
import { InvoiceChangedResolver } from './resolvers/invoice-changed.resolver';
import { InvoiceLineResolver } from './resolvers/invoice-line.resolver';
import { NodeResolver } from './resolvers/node.resolver';
import { CountyCodeResolver, LocationCodeResolver, ProjectTaskCodeResolver } from './resolvers/owned-codes.resolver';
import { ReleaseInvoicePayloadResolver } from './resolvers/release-invoice-payload.resolver';
import { WorkTypeResolver } from './resolvers/work-type.resolver';

export const RESOLVERS = [
  CustomerInvoiceResolver,
  CustomerInvoiceConnectionResolver,
  CustomerInvoiceMutationResolver,
  CustomerResolver,
  InvoiceLineResolver,
  AccountResolver,
  WorkTypeResolver,
  ReleaseInvoicePayloadResolver,
  NodeResolver,
  LocationCodeResolver,
  ProjectTaskCodeResolver,
  CountyCodeResolver,
  InvoiceChangedResolver,
] as const;

/**
 * type-graphql will not build a Subscription type without a PubSub, even when every subscription
 * brings its own `subscribe` (invoiceChanged subscribes through the invoices service's change
 * hub). Topics are never used, so this one refuses to be.
 */
const NO_TOPICS: PubSub = {
  publish: () => {
    throw new Error('Subscriptions here have their own subscribe; there are no topics to publish to.');
  },
  subscribe: () => {
    throw new Error('Subscriptions here have their own subscribe; there are no topics to subscribe to.');
  },
};

/**
 * The gateway's schema, from the decorated classes. No file is written at run time: the
 * committed `schema/schema.graphql` is produced by `npm run schema:emit` from `printGatewaySchema`.
 */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: RESOLVERS, validate: false, pubSub: NO_TOPICS });
}

/** The schema as committed: sorted, so the file only changes when the schema does. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
