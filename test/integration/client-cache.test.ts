import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Kind, visit, type DocumentNode } from 'graphql';
import { sha256Hex } from '../../src/server/auth/inbound-auth';
import {
  InvoiceDocument,
  UpdateInvoiceLinesDocument,
  type InvoiceQuery,
  type InvoiceQueryVariables,
  type UpdateInvoiceLinesMutation,
  type UpdateInvoiceLinesMutationVariables,
} from '../generated/operations';
import { NO_POLL_DURING_SUITE, startGateway, type StartedGateway } from './helpers/start-gateway';

const API_KEY = 'frontend-team-key-0123456789abcdef';
/** Editable in the demo data: the example update (operations/update-invoice-lines.variables.json) changes it too. */
const REFERENCE_NUMBER = '003547';

interface Frontend {
  client: ApolloClient;
  /** The operation names the client sent over HTTP, in order. */
  sent: string[];
}

/**
 * What a frontend team writes (docs/frontend.md): Apollo Client 4 with an InMemoryCache on its
 * defaults (no typePolicies, no keyFields), an HttpLink with Node's fetch and the API key. The
 * fetch is wrapped only to count what goes over the wire.
 */
const clients: ApolloClient[] = [];

function frontend(url: string): Frontend {
  const sent: string[] = [];
  const link = new HttpLink({
    uri: url,
    headers: { 'x-api-key': API_KEY },
    fetch: (input, init) => {
      // HttpLink posts its JSON body as a string.
      sent.push((JSON.parse(init?.body as string) as { operationName: string }).operationName);
      return fetch(input, init);
    },
  });
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  clients.push(client);
  return { client, sent };
}

/** The same operation without any `id` field: what the example operations were before global ids. */
function withoutIds<T extends DocumentNode>(document: T): T {
  return visit(document, { Field: (node) => (node.name.value === 'id' && node.kind === Kind.FIELD ? null : undefined) });
}

describe('a normalising client cache on its defaults (Apollo Client 4, InMemoryCache without typePolicies)', () => {
  let started: StartedGateway;

  beforeAll(async () => {
    // The shipped defaults, with API keys required as a deployment would have them.
    started = await startGateway({ env: { AUTH_REQUIRED: 'true', AUTH_API_KEY_SHA256: sha256Hex(API_KEY), ...NO_POLL_DURING_SUITE } });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.stop();
  });

  afterAll(() => started.stop());

  /** Query, then updateInvoiceLines on the first line, then the same query again; both with the cache-first default. */
  async function queryMutateQuery(
    { client }: Frontend,
    documents: { invoice: typeof InvoiceDocument; update: typeof UpdateInvoiceLinesDocument },
  ): Promise<{ before: InvoiceQuery; updated: UpdateInvoiceLinesMutation; after: InvoiceQuery; quantity: string }> {
    const variables: InvoiceQueryVariables = { referenceNumber: REFERENCE_NUMBER };
    const before = (await client.query({ query: documents.invoice, variables })).data as InvoiceQuery;
    const line = before.customerInvoice?.lines[0];
    const quantity = String(Number(line?.quantity ?? '0') + 2);
    const changes: UpdateInvoiceLinesMutationVariables = {
      referenceNumber: REFERENCE_NUMBER,
      expectedVersion: before.customerInvoice?.version ?? null,
      lines: [{ operation: 'UPDATE', lineNumber: line?.lineNumber ?? 0, line: { quantity } }],
    };
    const updated = (await client.mutate({ mutation: documents.update, variables: changes })).data as UpdateInvoiceLinesMutation;
    const after = (await client.query({ query: documents.invoice, variables })).data as InvoiceQuery;
    return { before, updated, after, quantity };
  }

  it('shows the quantity updateInvoiceLines returned when the same query runs again, from the cache, with no refetch', async () => {
    const app = frontend(started.url);
    const watched: Array<string | null | undefined> = [];
    // A screen showing the invoice (what useQuery does): it must re-render with the new quantity by itself.
    const screen = app.client
      .watchQuery({ query: InvoiceDocument, variables: { referenceNumber: REFERENCE_NUMBER } })
      .subscribe((result) => watched.push((result.data as InvoiceQuery | undefined)?.customerInvoice?.lines[0]?.quantity));

    const { before, updated, after, quantity } = await queryMutateQuery(app, {
      invoice: InvoiceDocument,
      update: UpdateInvoiceLinesDocument,
    });
    screen.unsubscribe();

    expect(before.customerInvoice?.lines[0]?.quantity).not.toBe(quantity);
    expect(updated.updateInvoiceLines.lines[0]?.quantity).toBe(quantity);
    expect(after.customerInvoice?.lines[0]?.quantity).toBe(quantity);
    expect(after.customerInvoice?.version).toBe(updated.updateInvoiceLines.version);
    // The rest of the invoice the mutation did not select is still there, merged by id.
    expect(after.customerInvoice?.customer).toEqual(before.customerInvoice?.customer);
    expect(after.customerInvoice?.lines.map((line) => line.inventoryNumber)).toEqual(
      before.customerInvoice?.lines.map((line) => line.inventoryNumber),
    );
    // One query for the screen and the first query (deduplicated), the mutation; the second query never left the cache.
    expect(app.sent).toEqual(['Invoice', 'UpdateInvoiceLines']);
    expect(watched.at(-1)).toBe(quantity);
    // What the cache shows is what Visma holds.
    const truth = await started.visma.getInvoice(REFERENCE_NUMBER);
    expect(truth.lines[0]?.quantity).toBe(quantity);
  });

  it('keeps the invoice, its lines and its customer as normalised entries keyed by their global ids', async () => {
    const app = frontend(started.url);
    const { after } = await queryMutateQuery(app, { invoice: InvoiceDocument, update: UpdateInvoiceLinesDocument });
    const invoice = after.customerInvoice;
    const cache = app.client.cache.extract() as Record<string, Record<string, unknown>>;
    expect(cache['ROOT_QUERY']?.[`customerInvoice({"referenceNumber":"${REFERENCE_NUMBER}"})`]).toEqual({
      __ref: `CustomerInvoice:${invoice?.id}`,
    });
    expect(cache[`CustomerInvoice:${invoice?.id}`]?.['lines']).toEqual(invoice?.lines.map((line) => ({ __ref: `InvoiceLine:${line.id}` })));
    expect(cache[`CustomerInvoice:${invoice?.id}`]?.['customer']).toEqual({ __ref: `Customer:${invoice?.customer?.id}` });
    expect(Object.keys(cache).filter((key) => key.startsWith('InvoiceLine:'))).toHaveLength(invoice?.lines.length ?? -1);
  });

  it('answers the old quantity from the cache after the same steps without ids, which is why every example selects them', async () => {
    const app = frontend(started.url);
    const { before, updated, after, quantity } = await queryMutateQuery(app, {
      invoice: withoutIds(InvoiceDocument),
      update: withoutIds(UpdateInvoiceLinesDocument),
    });
    expect(updated.updateInvoiceLines.lines[0]?.quantity).toBe(quantity);
    // Served from the cache all the same, but stale: nothing tied the mutation's answer to the query's invoice.
    expect(app.sent).toEqual(['Invoice', 'UpdateInvoiceLines']);
    expect(after.customerInvoice?.lines[0]?.quantity).toBe(before.customerInvoice?.lines[0]?.quantity);
    expect(after.customerInvoice?.lines[0]?.quantity).not.toBe(quantity);
    const cache = app.client.cache.extract() as Record<string, unknown>;
    expect(Object.keys(cache).filter((key) => key.startsWith('CustomerInvoice:'))).toEqual([]);
  });

  it("keeps each invoice's location with its invoice when code is selected; their deprecated id merges every customer's MAIN", async () => {
    const page = (location: string): DocumentNode =>
      gql(`query Locations { customerInvoices(first: 40) { nodes { id location { ${location} countryId } } } }`);
    const countries = (data: unknown): Array<string | undefined> =>
      (data as { customerInvoices: { nodes: Array<{ location: { countryId: string } | null }> } }).customerInvoices.nodes.map(
        (invoice) => invoice.location?.countryId,
      );
    const asSent = await fetch(started.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ query: '{ customerInvoices(first: 40) { nodes { location { countryId } } } }' }),
    });
    const truth = countries(((await asSent.json()) as { data: unknown }).data);
    // Customers in several countries, every location of them called MAIN.
    expect(new Set(truth).size).toBeGreaterThan(2);

    const byCode = await frontend(started.url).client.query({ query: page('code') });
    expect(countries(byCode.data)).toEqual(truth);
    const byId = await frontend(started.url).client.query({ query: page('id') });
    expect(new Set(countries(byId.data)).size).toBe(1);
  });
});
