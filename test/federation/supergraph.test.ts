import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse } from 'graphql';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createServer, type ListeningServer } from '../../src/server/create-server';
import { SimulatorControlClient } from '../../src/simulator/control-client';
import { DEMO_CLIENT, startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { createVismaClient, type VismaClient } from '../../src/visma';
import type { VismaApi } from '../../src/visma/api';
import { startCustomersSubgraph, type CustomerRecord, type CustomersSubgraph } from './helpers/customers-subgraph';

const ROUTER_SECRET = 'test-router-secret-0123456789abcdef';
const SECRET_HEADER = 'x-router-secret';
const INVOICE_CONCURRENCY = 4;

interface Body {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** Counts the invoice GETs the real client has in flight, to see the loader's bound from outside. */
function withInvoiceProbe(visma: VismaApi): { api: VismaApi; probe: { inFlight: number; max: number } } {
  const probe = { inFlight: 0, max: 0 };
  const api = new Proxy(visma, {
    get(target, property) {
      if (property === 'getInvoice') {
        return async (...args: Parameters<VismaApi['getInvoice']>) => {
          probe.inFlight += 1;
          probe.max = Math.max(probe.max, probe.inFlight);
          try {
            return await target.getInvoice(...args);
          } finally {
            probe.inFlight -= 1;
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { api, probe };
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
  let client: VismaClient;
  let probe: { inFlight: number; max: number };
  let invoices: ListeningServer;
  let customers: CustomersSubgraph;
  let router: ApolloServer;
  let routerUrl: string;
  let logs: string[];
  /** Invoices of the simulator's demo data as the subgraph lists them: number and customer. */
  let demo: Array<{ referenceNumber: string; customer: { number: string; name: string } }>;
  let customerRecords: CustomerRecord[];

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
    const config = loadConfig({
      NODE_ENV: 'test',
      VISMA_API_URL: simulator.url,
      VISMA_TOKEN_URL: `${simulator.url}/connect/token`,
      VISMA_CLIENT_ID: DEMO_CLIENT.clientId,
      VISMA_CLIENT_SECRET: DEMO_CLIENT.clientSecret,
      VISMA_TENANT_ID: DEMO_CLIENT.tenantId,
      AUTH_REQUIRED: 'false',
      INVOICE_LOOKUP_CONCURRENCY: String(INVOICE_CONCURRENCY),
      ROUTER_SECRET,
    });
    logs = [];
    const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
    client = createVismaClient({
      baseUrl: config.visma.apiUrl,
      auth: { mode: 'client_credentials', tokenUrl: config.visma.tokenUrl, ...DEMO_CLIENT, scopes: config.visma.scopes },
      timeZone: config.visma.timeZone,
      attemptTimeoutMs: config.visma.attemptTimeoutMs,
      deadlineMs: config.requestDeadlineMs,
    });
    const probed = withInvoiceProbe(client);
    probe = probed.probe;
    invoices = await (await createServer({ config, visma: probed.api, logger })).listen(0, '127.0.0.1');

    const listed = await subgraph('{ customerInvoices(first: 100) { nodes { referenceNumber customer { number name } } } }');
    demo = (listed.body.data?.['customerInvoices'] as { nodes: typeof demo }).nodes;
    const names = new Map(demo.map((invoice) => [invoice.customer.number, invoice.customer.name]));
    customerRecords = [...names].slice(0, 3).map(([number, name]) => ({ number, name, segment: `segment-${number}` }));
    customers = await startCustomersSubgraph(customerRecords);

    // What the router composes from: each subgraph's own `_service { sdl }`.
    const sdl = (await subgraph('{ _service { sdl } }')).body.data?.['_service'] as { sdl: string };
    const composed = composeServices([
      { name: 'invoices', url: invoices.url, typeDefs: parse(sdl.sdl) },
      { name: 'customers', url: customers.url, typeDefs: parse(await customersSdl(customers.url)) },
    ]);
    if (composed.errors !== undefined) {
      throw new Error(`composition failed: ${composed.errors.map((error) => error.message).join('; ')}`);
    }
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
    await invoices?.close();
    client?.close();
    await simulator?.close();
  });

  beforeEach(async () => {
    await control.resetCounters();
    probe.max = 0;
    customers.referenceBatches.length = 0;
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
    it('costs exactly 40 upstream GETs for 50 representations with 10 repeats, a few at a time', async () => {
      const distinct = demo.slice(0, 40).map((invoice) => invoice.referenceNumber);
      const numbers = [...distinct, ...distinct.slice(0, 10)];
      const result = await subgraph(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on CustomerInvoice { referenceNumber } } }`,
        { representations: numbers.map((referenceNumber) => ({ __typename: 'CustomerInvoice', referenceNumber })) },
      );
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data?.['_entities']).toEqual(numbers.map((referenceNumber) => ({ referenceNumber })));
      expect(await apiCalls()).toEqual({ 'GET /v1/customerinvoice/{referenceNumber}': 40 });
      expect(probe.max).toBe(INVOICE_CONCURRENCY);
    });

    it('resolves a missing invoice to null without failing the others', async () => {
      const [a, b] = demo;
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
