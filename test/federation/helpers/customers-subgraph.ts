import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';
import { FEDERATION_SPEC_URL } from '../../../src/graphql/federation/federation-link';

export interface CustomerRecord {
  number: string;
  name: string;
  /** The field only this subgraph has. */
  segment: string;
}

/**
 * A small customers subgraph, as another team would own it: `Customer` keyed by `number`, its
 * `name` (shareable, because the invoices subgraph provides it from an invoice) and a field of
 * its own, `segment`; and `watchedInvoices`, references to invoices it does not own, which the
 * router resolves through the invoices subgraph's `_entities`.
 */
export const CUSTOMERS_TYPE_DEFS: DocumentNode = parse(`
  extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@shareable"])

  type Query {
    customers: [Customer!]!
    customer(number: ID!): Customer
    "Invoices this team follows up, by reference only: the router asks the invoices subgraph for the rest."
    watchedInvoices: [CustomerInvoice!]!
  }

  type CustomerInvoice @key(fields: "referenceNumber", resolvable: false) {
    referenceNumber: ID!
  }

  type Customer @key(fields: "number") {
    number: ID!
    name: String @shareable
    segment: String!
  }
`);

export interface CustomersSubgraph {
  url: string;
  /** Every `_entities` batch it was asked to resolve, as lists of customer numbers. */
  referenceBatches: string[][];
  stop(): Promise<void>;
}

export async function startCustomersSubgraph(
  customers: readonly CustomerRecord[],
  watchedInvoices: readonly string[] = [],
): Promise<CustomersSubgraph> {
  const byNumber = new Map(customers.map((customer) => [customer.number, customer]));
  const referenceBatches: string[][] = [];
  let batch: string[] | null = null;
  const server = new ApolloServer({
    schema: buildSubgraphSchema([
      {
        typeDefs: CUSTOMERS_TYPE_DEFS,
        resolvers: {
          Query: {
            customers: () => customers,
            customer: (_: unknown, args: { number: string }) => byNumber.get(args.number) ?? null,
            watchedInvoices: () => watchedInvoices.map((referenceNumber) => ({ referenceNumber })),
          },
          Customer: {
            __resolveReference: (reference: { number: string }) => {
              // References of one `_entities` call arrive in the same tick: group them.
              if (batch === null) {
                const current: string[] = [];
                batch = current;
                referenceBatches.push(current);
                queueMicrotask(() => (batch = null));
              }
              batch.push(reference.number);
              return byNumber.get(reference.number) ?? null;
            },
          },
        },
      },
    ]),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, referenceBatches, stop: () => server.stop() };
}
