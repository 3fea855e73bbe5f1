import { composeServices } from '@apollo/composition';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'graphql';
import { sha256Hex } from '../../src/server/auth/inbound-auth';
import { CUSTOMERS_TYPE_DEFS, startCustomersSubgraph, type CustomersSubgraph } from './helpers/customers-subgraph';
import { freePort } from '../integration/helpers/redis-server';
import { startGateway, type StartedGateway } from '../integration/helpers/start-gateway';
import { subscribeSse, type Received } from '../integration/helpers/subscription-clients';

const ROUTER_SECRET = 'router-secret-for-callback-test-0123';
const API_KEY = 'callback-test-api-key-0123456789';
const HIVE = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'hive-gateway');

const CHANGED = `subscription Changed($ref: ID!) {
  invoiceChanged(filter: { referenceNumber: $ref }) { referenceNumber kind invoice { referenceNumber lines { lineNumber quantity } } }
}`;

/**
 * The subgraph's subscriptions through a real router speaking Apollo's HTTP callback protocol:
 * Hive Gateway (a process) composes nothing itself, serves the supergraph composed here, and
 * subscribes to this subgraph by POSTing the subscription with a callback URL; the subgraph
 * (Apollo's ApolloServerPluginSubscriptionCallback) checks it, then POSTs each event and a
 * heartbeat to it. A client reads the router over SSE.
 */
describe('invoiceChanged through a federation router (HTTP callbacks, Hive Gateway)', () => {
  let subgraph: StartedGateway;
  let customers: CustomersSubgraph;
  let router: ChildProcess;
  let routerUrl: string;
  let routerLog = '';
  let dir: string;
  const open: Received[] = [];

  beforeAll(async () => {
    subgraph = await startGateway({
      env: { ROUTER_SECRET, AUTH_REQUIRED: 'true', AUTH_API_KEY_SHA256: sha256Hex(API_KEY) },
    });
    const sdl = readFileSync(path.join(__dirname, '..', '..', 'schema', 'subgraph.graphql'), 'utf8');
    customers = await startCustomersSubgraph([{ number: '10000', name: 'Nordlys Potetlager AS', segment: 'retail' }], []);
    const composed = composeServices([
      { name: 'invoices', url: subgraph.url, typeDefs: parse(sdl) },
      { name: 'customers', url: customers.url, typeDefs: CUSTOMERS_TYPE_DEFS },
    ]);
    if (composed.errors !== undefined) throw new Error(composed.errors.map((error) => error.message).join('\n'));
    dir = mkdtempSync(path.join(tmpdir(), 'hive-gateway-'));
    writeFileSync(path.join(dir, 'supergraph.graphql'), composed.supergraphSdl);
    const port = await freePort();
    routerUrl = `http://127.0.0.1:${port}/graphql`;
    writeFileSync(
      path.join(dir, 'gateway.config.cjs'),
      `const { defineConfig } = require(${JSON.stringify(require.resolve('@graphql-hive/gateway'))});
const { MemPubSub } = require(${JSON.stringify(require.resolve('@graphql-hive/pubsub'))});
module.exports.gatewayConfig = defineConfig({
  pubsub: new MemPubSub(),
  webhooks: true,
  transportEntries: {
    invoices: {
      headers: [['${'x-router-secret'}', ${JSON.stringify(ROUTER_SECRET)}], ['x-api-key', ${JSON.stringify(API_KEY)}]],
      options: {
        subscriptions: {
          kind: 'http-callback',
          headers: [['x-router-secret', ${JSON.stringify(ROUTER_SECRET)}], ['x-api-key', ${JSON.stringify(API_KEY)}]],
          options: { public_url: 'http://127.0.0.1:${port}/callback', path: '/callback', heartbeat_interval: 5000 },
        },
      },
    },
  },
});
`,
    );
    router = spawn(
      HIVE,
      [
        'supergraph',
        path.join(dir, 'supergraph.graphql'),
        '-c',
        path.join(dir, 'gateway.config.cjs'),
        '-p',
        String(port),
        '-h',
        '127.0.0.1',
      ],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    router.stdout?.on('data', (chunk: Buffer) => (routerLog += chunk.toString()));
    router.stderr?.on('data', (chunk: Buffer) => (routerLog += chunk.toString()));
    for (let tries = 0; tries < 150; tries += 1) {
      const ready = await fetch(`http://127.0.0.1:${port}/readiness`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return;
      await sleep(100);
    }
    throw new Error(`Hive Gateway did not start:\n${routerLog}`);
  }, 60_000);

  afterEach(() => {
    for (const each of open.splice(0)) each.dispose();
  });

  afterAll(async () => {
    if (router !== undefined && router.exitCode === null) {
      const exited = new Promise((resolve) => router.once('exit', resolve));
      router.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (router.exitCode === null) router.kill('SIGKILL');
    }
    await subgraph?.stop();
    await customers?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function write(query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-router-secret': ROUTER_SECRET, 'x-api-key': API_KEY },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data ?? {};
  }

  it("gives a client subscribed at the router each change, through the subgraph's callbacks", async () => {
    const created = await write('mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { referenceNumber } }', {
      input: { customerNumber: '10000', lines: [{ description: 'Routed', quantity: '1', unitPrice: '1' }] },
    });
    const ref = (created['createInvoice'] as { referenceNumber: string }).referenceNumber;
    const client = subscribeSse(routerUrl, { query: CHANGED, variables: { ref } });
    open.push(client);
    // The router's subscription reaches the subgraph, which checks the callback and starts the subscription.
    const started = (): boolean => subgraph.logLines.some((line) => line.includes('graphql-js subscription successful'));
    for (let tries = 0; tries < 200 && !started(); tries += 1) await sleep(50);
    expect(started()).toBe(true);
    for (const quantity of ['2', '3']) {
      await write(
        'mutation($ref: ID!, $q: Decimal!) { updateInvoiceLines(referenceNumber: $ref, lines: [{ operation: UPDATE, lineNumber: 1, line: { quantity: $q } }]) { version } }',
        { ref, q: quantity },
      );
      expect(
        await client.until(() => client.events.some((event) => JSON.stringify(event).includes(`"quantity":"${quantity}"`)), 10_000),
      ).toBe(true);
    }
    expect(client.events.map((event) => event.data?.['invoiceChanged'])).toEqual([
      { referenceNumber: ref, kind: 'UPDATED', invoice: { referenceNumber: ref, lines: [{ lineNumber: 1, quantity: '2' }] } },
      { referenceNumber: ref, kind: 'UPDATED', invoice: { referenceNumber: ref, lines: [{ lineNumber: 1, quantity: '3' }] } },
    ]);
    expect(client.error).toBeUndefined();
  }, 40_000);

  it("gives the router's client the documented code of a Visma failure inside an event, with a request id, as WebSocket and SSE do", async () => {
    const created = await write('mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { referenceNumber } }', {
      input: { customerNumber: '10000', lines: [{ description: 'Routed, failing', quantity: '1', unitPrice: '1' }] },
    });
    const ref = (created['createInvoice'] as { referenceNumber: string }).referenceNumber;
    // The customer's e-mail is the invoices subgraph's and read from Visma's customer register for each event.
    const query = `subscription Failing($ref: ID!) {
      invoiceChanged(filter: { referenceNumber: $ref }) { referenceNumber invoice { referenceNumber customer { number email } } }
    }`;
    const startedBefore = successfulStarts();
    const client = subscribeSse(routerUrl, { query, variables: { ref } });
    open.push(client);
    for (let tries = 0; tries < 400 && successfulStarts() === startedBefore; tries += 1) await sleep(50);
    expect(successfulStarts()).toBe(startedBefore + 1);
    await subgraph.control.addFault({ route: 'GET /v1/customer/{customerNumber}', kind: 'status', status: 503, probability: 1 });
    try {
      await write(
        'mutation($ref: ID!) { updateInvoiceLines(referenceNumber: $ref, lines: [{ operation: UPDATE, lineNumber: 1, line: { quantity: "4" } }]) { version } }',
        { ref },
      );
      expect(await client.until(() => client.events.length > 0, 20_000)).toBe(true);
    } finally {
      await subgraph.control.clearFaults();
    }
    const [event] = client.events;
    expect(event?.data?.['invoiceChanged']).toEqual({
      referenceNumber: ref,
      invoice: { referenceNumber: ref, customer: { number: '10000', email: null } },
    });
    expect(event?.errors).toEqual([
      {
        message: 'Visma is unavailable or gave an unreadable answer.',
        path: ['invoiceChanged', 'invoice', 'customer', 'email'],
        // The router names the subgraph the error came from.
        extensions: { code: 'UPSTREAM_UNAVAILABLE', requestId: expect.any(String), serviceName: 'invoices' },
      },
    ]);
    // The id is the router's subscription request's, which the subgraph logged.
    const requestId = event?.errors?.[0]?.extensions?.['requestId'] as string;
    expect(subgraph.logs.some((line) => line['requestId'] === requestId)).toBe(true);
    expect(client.error).toBeUndefined();
  }, 60_000);

  function successfulStarts(): number {
    return subgraph.logLines.filter((line) => line.includes('graphql-js subscription successful')).length;
  }
});
