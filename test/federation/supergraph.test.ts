import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONFIG_DEFAULTS } from '../../src/config';
import { encodeGlobalId } from '../../src/graphql/node/global-id';
import type { ListeningServer } from '../../src/server/create-server';
import { SimulatorControlClient } from '../../src/simulator/control-client';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { NO_POLL_DURING_SUITE, startGateway, type StartedGateway } from '../integration/helpers/start-gateway';
import { startCustomersSubgraph, type CustomerRecord, type CustomersSubgraph } from './helpers/customers-subgraph';

const ROUTER_SECRET = 'test-router-secret-0123456789abcdef';
const SECRET_HEADER = 'x-router-secret';
/** INVOICE_LOOKUP_CONCURRENCY as shipped. */
const INVOICE_CONCURRENCY = Number(CONFIG_DEFAULTS.INVOICE_LOOKUP_CONCURRENCY);

interface Body {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/**
 * An HTTP hop in front of the simulator that counts the single-invoice GETs in flight through
 * it, so the test sees the invoice loader's bound from outside the gateway, on the wire.
 */
async function startInvoiceProbe(target: string): Promise<{ url: string; inFlight: number; max: number; close(): Promise<void> }> {
  const probe = { url: '', inFlight: 0, max: 0, close: () => Promise.resolve() };
  const server = http.createServer((request, response) => {
    const single = request.method === 'GET' && /^\/v1\/customerinvoice\/[^/?]+/i.test(request.url ?? '');
    if (single) {
      probe.inFlight += 1;
      probe.max = Math.max(probe.max, probe.inFlight);
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name, value]) => typeof value === 'string' && name !== 'host' && name !== 'connection'),
      ) as Record<string, string>;
      const body = chunks.length === 0 ? undefined : Buffer.concat(chunks);
      void fetch(`${target}${request.url ?? '/'}`, { method: request.method ?? 'GET', headers, body }).then(async (upstream) => {
        const payload = Buffer.from(await upstream.arrayBuffer());
        if (single) probe.inFlight -= 1;
        const forwarded: Record<string, string> = {};
        upstream.headers.forEach((value, name) => {
          if (name !== 'content-encoding' && name !== 'transfer-encoding' && name !== 'connection' && name !== 'keep-alive')
            forwarded[name] = value;
        });
        response.writeHead(upstream.status, { ...forwarded, 'content-length': String(payload.length) }).end(payload);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  probe.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  probe.close = () => new Promise((resolve) => server.close(() => resolve()));
  return probe;
}

async function post(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

describe('the invoices subgraph in a composed supergraph', () => {
  let simulator: RunningSimulator;
  let control: SimulatorControlClient;
  let started: StartedGateway;
  let probe: Awaited<ReturnType<typeof startInvoiceProbe>>;
  let invoices: ListeningServer;
  let customers: CustomersSubgraph;
  let router: ApolloServer;
  let routerUrl: string;
  let logs: string[];
  /** Invoices of the simulator's demo data as the subgraph lists them: number and customer. */
  let demo: Array<{ referenceNumber: string; customer: { number: string; name: string } }>;
  let customerRecords: CustomerRecord[];
  /** The customers subgraph's `watchedInvoices`. */
  let watched: string[];
  /** Invoice numbers the gateway never listed, so nothing of them is cached when a test starts. */
  let unlisted: string[];
  /** What composition said besides the supergraph: none of either is expected. */
  let compositionHints: string[];

  const subgraph = (query: string, variables?: Record<string, unknown>) =>
    post(invoices.url, query, variables, { [SECRET_HEADER]: ROUTER_SECRET });
  const supergraph = (query: string, variables?: Record<string, unknown>) => post(routerUrl, query, variables);

  /** Visma API calls per route since the last reset (the token endpoint left out). */
  async function apiCalls(): Promise<Record<string, number>> {
    const counters = await control.counters();
    return Object.fromEntries(
      Object.entries(counters)
        .filter(([template]) => !template.includes('/connect/token'))
        .map(([template, counts]) => [template, counts.total]),
    );
  }

  beforeAll(async () => {
    // @apollo/gateway otherwise reports anonymous usage to Apollo; this machine is offline.
    process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
    simulator = await startSimulator({ port: 0 });
    control = new SimulatorControlClient(simulator.url);
    probe = await startInvoiceProbe(simulator.url);
    // The gateway as it ships (cache on), reaching Visma through the probe, with the router's secret.
    started = await startGateway({ simulator, env: { VISMA_API_URL: probe.url, ROUTER_SECRET, ...NO_POLL_DURING_SUITE } });
    invoices = started.listening;
    logs = started.logLines;

    const listed = await subgraph('{ customerInvoices(first: 100) { nodes { referenceNumber customer { number name } } } }');
    demo = (listed.body.data?.['customerInvoices'] as { nodes: typeof demo }).nodes;
    const names = new Map(demo.map((invoice) => [invoice.customer.number, invoice.customer.name]));
    customerRecords = [...names].slice(0, 3).map(([number, name]) => ({ number, name, segment: `segment-${number}` }));
    // Invoices the gateway has not read yet (past the first page of 100), straight from the simulator.
    unlisted = (await started.visma.listInvoices({ pageNumber: 2, pageSize: 100 })).invoices.map((invoice) => invoice.referenceNumber);
    // Twenty invoices the other team references: listed above, so they are in the shipped cache.
    watched = demo.slice(40, 60).map((invoice) => invoice.referenceNumber);
    customers = await startCustomersSubgraph(customerRecords, watched);

    // What the router composes from: each subgraph's own `_service { sdl }`.
    const sdl = (await subgraph('{ _service { sdl } }')).body.data?.['_service'] as { sdl: string };
    const composed = composeServices([
      { name: 'invoices', url: invoices.url, typeDefs: parse(sdl.sdl) },
      { name: 'customers', url: customers.url, typeDefs: parse(await customersSdl(customers.url)) },
    ]);
    if (composed.errors !== undefined) {
      throw new Error(`composition failed: ${composed.errors.map((error) => error.message).join('; ')}`);
    }
    compositionHints = composed.hints.map((hint) => `${hint.definition.code}: ${hint.message}`);
    const gateway = new ApolloGateway({
      supergraphSdl: composed.supergraphSdl,
      buildService: ({ name, url }) =>
        new RemoteGraphQLDataSource({
          url,
          // The router's half of the handshake: only the invoices subgraph asks for a secret.
          willSendRequest: ({ request }) => {
            if (name === 'invoices') request.http?.headers.set(SECRET_HEADER, ROUTER_SECRET);
          },
        }),
    });
    router = new ApolloServer({ gateway });
    routerUrl = (await startStandaloneServer(router, { listen: { port: 0, host: '127.0.0.1' } })).url;
  });

  afterAll(async () => {
    await router?.stop();
    await customers?.stop();
    await started?.stop();
    await probe?.close();
    await simulator?.close();
  });

  beforeEach(async () => {
    await control.resetCounters();
    probe.max = 0;
    customers.referenceBatches.length = 0;
  });

  it("composes with the other team's customers subgraph with no errors and no hints", () => {
    // An error throws in beforeAll; a hint (such as a field resolved differently in two subgraphs) fails here.
    expect(compositionHints).toEqual([]);
  });

  describe('from invoices to customers', () => {
    it('serves a field only the customers subgraph has, with one Visma list call', async () => {
      const mine = new Set(customerRecords.map((customer) => customer.number));
      const wanted = demo.filter((invoice) => mine.has(invoice.customer.number)).slice(0, 4);
      const result = await supergraph(
        `query ($filter: CustomerInvoiceFilter) {
          customerInvoices(first: 4, filter: $filter) { nodes { referenceNumber customer { number name segment } } }
        }`,
        { filter: { customerNumber: wanted[0]?.customer.number } },
      );
      expect(result.body.errors).toBeUndefined();
      const nodes = (result.body.data?.['customerInvoices'] as { nodes: Array<{ customer: Record<string, string> }> }).nodes;
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        expect(node.customer).toEqual({
          number: wanted[0]?.customer.number,
          name: wanted[0]?.customer.name,
          segment: `segment-${wanted[0]?.customer.number}`,
        });
      }
      // name came with the invoice (@provides); segment cost the customers subgraph one _entities call.
      expect(await apiCalls()).toEqual({ 'GET /v1/customerinvoice': 1 });
      expect(customers.referenceBatches.map((batch) => [...new Set(batch)])).toEqual([[wanted[0]?.customer.number]]);
    });
  });

  describe('from customers to invoices', () => {
    it("serves one customer's invoices when the customers subgraph starts the query: one list call", async () => {
      const [first] = customerRecords;
      const result = await supergraph(
        `query ($number: ID!) { customer(number: $number) { segment invoices(first: 3) { nodes { referenceNumber amount } } } }`,
        { number: first?.number },
      );
      expect(result.body.errors).toBeUndefined();
      const customer = result.body.data?.['customer'] as { segment: string; invoices: { nodes: Array<{ referenceNumber: string }> } };
      expect(customer.segment).toBe(`segment-${first?.number}`);
      const expected = demo.filter((invoice) => invoice.customer.number === first?.number).slice(0, 3);
      expect(customer.invoices.nodes.map((node) => node.referenceNumber)).toEqual(expected.map((invoice) => invoice.referenceNumber));
      expect(await apiCalls()).toEqual({ 'GET /v1/customerinvoice': 1 });
    });

    it("lists every customer's invoices with Visma details: one list call and one customer GET per customer", async () => {
      const result = await supergraph(`{
        customers {
          number name segment currencyId
          invoices(first: 2) { totalCount nodes { referenceNumber customer { number } } }
        }
      }`);
      expect(result.body.errors).toBeUndefined();
      const list = result.body.data?.['customers'] as Array<{
        number: string;
        name: string;
        segment: string;
        currencyId: string | null;
        invoices: { totalCount: number; nodes: Array<{ referenceNumber: string; customer: { number: string } }> };
      }>;
      expect(list.map((customer) => customer.number)).toEqual(customerRecords.map((customer) => customer.number));
      for (const customer of list) {
        const theirs = demo.filter((invoice) => invoice.customer.number === customer.number);
        expect(customer.segment).toBe(`segment-${customer.number}`);
        expect(customer.currencyId).toEqual(expect.any(String));
        expect(customer.invoices.nodes.map((node) => node.referenceNumber)).toEqual(
          theirs.slice(0, 2).map((invoice) => invoice.referenceNumber),
        );
        expect(customer.invoices.nodes.every((node) => node.customer.number === customer.number)).toBe(true);
        expect(customer.invoices.totalCount).toBeGreaterThanOrEqual(theirs.length);
      }
      expect(await apiCalls()).toEqual({
        'GET /v1/customerinvoice': customerRecords.length,
        'GET /v1/customer/{customerNumber}': customerRecords.length,
      });
    });

    it("keeps Visma's internal customer key out of the supergraph (@inaccessible)", async () => {
      const result = await supergraph('{ customers { internalId } }');
      expect(result.body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await apiCalls()).toEqual({});
    });
  });

  describe('_entities', () => {
    it('costs exactly 40 upstream GETs for 50 representations of uncached invoices with 10 repeats, a few at a time', async () => {
      const distinct = unlisted.slice(0, 40);
      const numbers = [...distinct, ...distinct.slice(0, 10)];
      const result = await subgraph(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on CustomerInvoice { referenceNumber } } }`,
        { representations: numbers.map((referenceNumber) => ({ __typename: 'CustomerInvoice', referenceNumber })) },
      );
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data?.['_entities']).toEqual(numbers.map((referenceNumber) => ({ referenceNumber })));
      expect(await apiCalls()).toEqual({ 'GET /v1/customerinvoice/{referenceNumber}': 40 });
      // Never more than INVOICE_LOOKUP_CONCURRENCY on the wire at once, and more than one: batched, not serial.
      expect(probe.max).toBeLessThanOrEqual(INVOICE_CONCURRENCY);
      expect(probe.max).toBeGreaterThan(1);
    });

    it('resolves a missing invoice to null without failing the others', async () => {
      const [a, b] = unlisted.slice(40, 42).map((referenceNumber) => ({ referenceNumber }));
      const result = await subgraph(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on CustomerInvoice { referenceNumber } } }`,
        {
          representations: [a?.referenceNumber, '999999', b?.referenceNumber].map((referenceNumber) => ({
            __typename: 'CustomerInvoice',
            referenceNumber,
          })),
        },
      );
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data?.['_entities']).toEqual([
        { referenceNumber: a?.referenceNumber },
        null,
        { referenceNumber: b?.referenceNumber },
      ]);
      expect(await apiCalls()).toEqual({ 'GET /v1/customerinvoice/{referenceNumber}': 3 });
    });
  });

  describe('entity lookups on the shipped defaults (upstream cache on)', () => {
    const ENTITIES = `query ($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on CustomerInvoice { referenceNumber amount status customer { number } } }
    }`;

    it('resolves 20 of 20 existing invoices twice in a row when called directly, with no error', async () => {
      const representations = watched.map((referenceNumber) => ({ __typename: 'CustomerInvoice', referenceNumber }));
      for (const round of [1, 2]) {
        const result = await subgraph(ENTITIES, { representations });
        expect({ round, errors: result.body.errors }).toEqual({ round, errors: undefined });
        const entities = result.body.data?.['_entities'] as Array<{ referenceNumber: string; amount: string } | null>;
        expect(entities.map((entity) => entity?.referenceNumber)).toEqual(watched);
        expect(entities.every((entity) => typeof entity?.amount === 'string')).toBe(true);
      }
    });

    it('resolves 20 of 20 through a real @apollo/gateway router, twice in a row, with no error', async () => {
      const query = '{ watchedInvoices { referenceNumber amount status customer { number name } } }';
      const answers = [];
      for (const round of [1, 2]) {
        const result = await supergraph(query);
        expect({ round, errors: result.body.errors }).toEqual({ round, errors: undefined });
        const found = result.body.data?.['watchedInvoices'] as Array<{ referenceNumber: string; customer: { number: string } }>;
        expect(found.map((invoice) => invoice.referenceNumber)).toEqual(watched);
        answers.push(found);
      }
      expect(answers[1]).toEqual(answers[0]);
    });
  });

  describe('global ids (Node) through the router', () => {
    it("refetches an invoice and a customer by id, the customer's own fields from the customers subgraph", async () => {
      const [customer] = customerRecords;
      const invoice = demo.find((candidate) => candidate.customer.number === customer?.number);
      const ids = [
        encodeGlobalId({ type: 'CustomerInvoice', referenceNumber: invoice?.referenceNumber ?? '' }),
        encodeGlobalId({ type: 'Customer', number: customer?.number ?? '' }),
      ];
      const result = await supergraph(
        `query ($ids: [ID!]!) {
          nodes(ids: $ids) { __typename id ... on CustomerInvoice { referenceNumber customer { id name } } ... on Customer { number segment } }
        }`,
        { ids },
      );
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data?.['nodes']).toEqual([
        {
          __typename: 'CustomerInvoice',
          id: ids[0],
          referenceNumber: invoice?.referenceNumber,
          customer: { id: ids[1], name: customer?.name },
        },
        { __typename: 'Customer', id: ids[1], number: customer?.number, segment: customer?.segment },
      ]);
      // segment: one _entities call to the customers subgraph, keyed by the number this subgraph resolved.
      expect(customers.referenceBatches).toEqual([[customer?.number]]);
    });
  });

  describe('the router secret', () => {
    const ENTITIES = '{ _entities(representations: [{ __typename: "CustomerInvoice", referenceNumber: "1" }]) { __typename } }';

    it.each([
      ['without the header', {}],
      ['with a wrong secret', { [SECRET_HEADER]: 'not-the-router-secret-at-all' }],
      ['with the secret in another header', { authorization: `Bearer ${ROUTER_SECRET}` }],
    ])('refuses a request %s with 401 before any upstream call', async (_case, headers: Record<string, string>) => {
      const result = await post(invoices.url, ENTITIES, undefined, headers);
      expect(result.status).toBe(401);
      expect(result.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      expect(await apiCalls()).toEqual({});
    });

    it('never writes the secret to the logs or a response', async () => {
      const refused = await post(invoices.url, ENTITIES, undefined, { [SECRET_HEADER]: `${ROUTER_SECRET}x` });
      expect(JSON.stringify(refused.body)).not.toContain(ROUTER_SECRET);
      expect(logs.join('\n')).not.toContain(ROUTER_SECRET);
    });
  });
});

/** The customers subgraph's SDL, fetched the way a router (or rover) does. */
async function customersSdl(url: string): Promise<string> {
  const result = await post(url, '{ _service { sdl } }');
  return (result.body.data?.['_service'] as { sdl: string }).sdl;
}
