import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stampFor } from '../../src/idempotency';
import { NO_POLL_DURING_SUITE, startGateway, type StartedGateway } from './helpers/start-gateway';

/**
 * /mcp as an MCP client sees it: the SDK's own Client over Streamable HTTP, against a gateway
 * from the composition root on the shipped defaults, with the simulator as Visma. The tools are
 * the committed manifest of operations/ (TRUSTED_DOCUMENTS_MANIFEST's default).
 */

interface Manifest {
  operations: Array<{ name: string; body: string }>;
}

const MANIFEST = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'operations', 'trusted-documents.json'), 'utf8')) as Manifest;

function bodyOf(operationName: string): string {
  const operation = MANIFEST.operations.find((candidate) => candidate.name === operationName);
  if (operation === undefined) throw new Error(`operations/trusted-documents.json has no ${operationName}`);
  return operation.body;
}

function mcpUrl(gateway: StartedGateway): URL {
  return new URL(gateway.url.replace(/\/graphql$/, '/mcp'));
}

async function connect(gateway: StartedGateway, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'gateway-mcp-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl(gateway), { requestInit: { headers } }));
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** What the tool answered, as the JSON its text content carries. */
function resultOf(result: CallToolResult): Record<string, unknown> {
  const [first] = result.content;
  if (first?.type !== 'text') throw new Error('the tool answered without text content');
  return JSON.parse(first.text) as Record<string, unknown>;
}

interface ErrorShape {
  message: string;
  path?: unknown;
  extensions: Record<string, unknown>;
}

function errorsOf(result: CallToolResult): ErrorShape[] {
  expect(result.isError).toBe(true);
  return resultOf(result)['errors'] as ErrorShape[];
}

/**
 * Calls a tool from zeroed simulator counters and expects it refused before any Visma call: a tool
 * error whose first error's extensions match `extensions`, and no call counted. Returns the errors.
 */
async function refusedBeforeVisma(
  gateway: StartedGateway,
  client: Client,
  name: string,
  args: Record<string, unknown>,
  extensions: Record<string, unknown>,
): Promise<ErrorShape[]> {
  await gateway.control.resetCounters();
  const errors = errorsOf(await call(client, name, args));
  expect(errors[0]?.extensions).toMatchObject(extensions);
  expect(await vismaCalls(gateway)).toEqual({});
  return errors;
}

async function graphql(gateway: StartedGateway, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: ErrorShape[] } };
}

/** Every call the simulator answered since its counters were last reset, by route (`POST /v2/customerinvoice`). */
async function vismaCalls(gateway: StartedGateway): Promise<Record<string, number>> {
  const counters = await gateway.control.counters();
  return Object.fromEntries(Object.entries(counters).map(([route, { total }]) => [route, total]));
}

function total(calls: Record<string, number>): number {
  return Object.values(calls).reduce((sum, count) => sum + count, 0);
}

const NEW_INVOICE = {
  customerNumber: '10000',
  documentDate: '2025-01-27',
  invoiceText: 'Potatoes by MCP',
  lines: [
    { description: 'Potatoes, 25 kg', quantity: '4', unitPrice: '199.00' },
    { description: 'Delivery', quantity: '1', unitPrice: '250.00' },
  ],
};

describe('/mcp on the shipped defaults', () => {
  let gateway: StartedGateway;
  let client: Client;

  beforeAll(async () => {
    gateway = await startGateway({ env: NO_POLL_DURING_SUITE });
    client = await connect(gateway);
  });
  afterAll(async () => {
    await client.close();
    await gateway.stop();
  });

  it('lists one tool per trusted query, named in snake_case, and no mutation', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['invoice', 'list_invoices']);
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
  });

  it("derives list_invoices' input schema from its variables against the schema", async () => {
    const { tools } = await client.listTools();
    const list = tools.find((tool) => tool.name === 'list_invoices');
    expect(list?.description).toContain('customerInvoices:');
    const schema = list?.inputSchema as { properties: Record<string, Record<string, unknown>>; required?: string[] };
    // Every variable has a default or is nullable: none is required.
    expect(schema.required).toBeUndefined();
    expect(schema.properties['first']).toMatchObject({ type: 'integer', default: 10 });
    expect(schema.properties['after']).toMatchObject({ type: 'string' });
    const filter = schema.properties['filter'] as { default: unknown; properties: Record<string, Record<string, unknown>> };
    expect(filter.default).toEqual({ status: 'OPEN' });
    // An enum lists what input takes: UNKNOWN is answered, never accepted.
    expect(filter.properties['status']?.['enum']).toEqual(expect.arrayContaining(['OPEN', 'HOLD', 'BALANCED']));
    expect(filter.properties['status']?.['enum']).not.toContain('UNKNOWN');
    expect(filter.properties['documentDate']).toMatchObject({
      type: 'object',
      required: ['operator', 'value'],
      properties: { value: { type: 'string', format: 'date' } },
    });

    const invoice = tools.find((tool) => tool.name === 'invoice');
    expect(invoice?.inputSchema).toMatchObject({ type: 'object', required: ['referenceNumber'], additionalProperties: false });
  });

  it('answers a read with the data the same operation gets from /graphql', async () => {
    const variables = { referenceNumber: '003547' };
    const result = await call(client, 'invoice', variables);
    expect(result.isError).toBeUndefined();
    const viaGraphql = await graphql(gateway, bodyOf('Invoice'), variables);
    expect(viaGraphql.body.errors).toBeUndefined();
    expect(resultOf(result)['data']).toEqual(viaGraphql.body.data);
    expect(result.structuredContent?.['data']).toEqual(viaGraphql.body.data);
  });

  it('answers a page of list_invoices with its variables and defaults', async () => {
    const result = await call(client, 'list_invoices', { first: 3 });
    const data = resultOf(result)['data'] as { customerInvoices: { nodes: Array<{ status: string }> } };
    expect(data.customerInvoices.nodes).toHaveLength(3);
    expect(data.customerInvoices.nodes.every((node) => node.status === 'OPEN')).toBe(true);
  });

  it('refuses a mutation that MCP_MUTATIONS does not name: it is no tool', async () => {
    const before = await vismaCalls(gateway);
    await expect(call(client, 'create_invoice', { input: NEW_INVOICE, idempotencyKey: randomUUID() })).rejects.toThrow(
      /no tool "create_invoice"/,
    );
    expect(total(await vismaCalls(gateway))).toBe(total(before));
  });

  it("answers a variable the schema refuses as a tool error with GraphQL's code, carrying the caller's request id", async () => {
    const requestId = `mcp-test-${randomUUID()}`;
    const traced = await connect(gateway, { 'x-request-id': requestId });
    try {
      const errors = errorsOf(await call(traced, 'list_invoices', { first: 'ten' }));
      expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', requestId });
    } finally {
      await traced.close();
    }
  });

  it("answers Visma's failure as a tool error with the gateway's code for it", async () => {
    await gateway.control.addFault({ route: 'GET /v1/customerinvoice/{referenceNumber}', kind: 'status', status: 503, times: 10 });
    try {
      // Another invoice than the suite reads elsewhere: the upstream cache must not hold it.
      const errors = errorsOf(await call(client, 'invoice', { referenceNumber: '003548' }));
      expect(errors[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', requestId: expect.any(String) });
      expect(errors[0]?.path).toEqual(['customerInvoice']);
    } finally {
      await gateway.control.clearFaults();
    }
  });

  it('refuses an argument the tool does not take, naming it', async () => {
    const errors = errorsOf(await call(client, 'invoice', { referenceNumber: '003547', limit: 5 }));
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
  });

  describe('hostile requests', () => {
    it('refuses a page over MAX_PAGE_SIZE before any Visma call: the largest the trusted operations allow fits the budget', async () => {
      await refusedBeforeVisma(
        gateway,
        client,
        'list_invoices',
        { first: 100_000 },
        { code: 'BAD_USER_INPUT', requestId: expect.any(String) },
      );
    });

    it('refuses a body over the 1 MB /graphql takes with its 413, before reading it as MCP', async () => {
      const response = await fetch(mcpUrl(gateway), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { padding: 'x'.repeat(1024 * 1024) } }),
      });
      expect(response.status).toBe(413);
      const body = (await response.json()) as { errors: ErrorShape[] };
      expect(body.errors[0]?.extensions['code']).toBe('BAD_REQUEST');
      expect(body.errors[0]?.extensions['requestId']).toBe(response.headers.get('x-request-id'));
    });

    it('holds no session or stream open: GET and DELETE are 405 at once, and a made-up session id changes nothing', async () => {
      for (const method of ['GET', 'DELETE']) {
        const response = await fetch(mcpUrl(gateway), { method, headers: { accept: 'text/event-stream', 'mcp-session-id': 'forged' } });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('POST');
        expect(((await response.json()) as { error: { data: { code: string } } }).error.data.code).toBe('METHOD_NOT_ALLOWED');
      }
      const forged = await connect(gateway, { 'mcp-session-id': randomUUID() });
      try {
        expect((await forged.listTools()).tools).toHaveLength(2);
      } finally {
        await forged.close();
      }
    });

    it('refuses a JSON-RPC batch: one message, one operation and its budget per request, as /graphql', async () => {
      const calls = Array.from({ length: 50 }, (_, index) => ({
        jsonrpc: '2.0',
        id: index,
        method: 'tools/call',
        params: { name: 'invoice', arguments: { referenceNumber: '003547' } },
      }));
      const response = await fetch(mcpUrl(gateway), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(calls),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { data: { code: string } } }).error.data.code).toBe('BAD_REQUEST');
    });
  });
});

describe('/mcp under a lower operation budget (MAX_OPERATION_COST=2000)', () => {
  let gateway: StartedGateway;
  let client: Client;

  beforeAll(async () => {
    gateway = await startGateway({ env: { ...NO_POLL_DURING_SUITE, MAX_OPERATION_COST: '2000' } });
    client = await connect(gateway);
  });
  afterAll(async () => {
    await client.close();
    await gateway.stop();
  });

  it('refuses a tool call over the budget before any Visma call, with the code and figures /graphql gives', async () => {
    const errors = await refusedBeforeVisma(
      gateway,
      client,
      'list_invoices',
      { first: 500 },
      { code: 'COST_LIMIT_EXCEEDED', limit: 2000, cost: expect.any(Number) },
    );
    const viaGraphql = await graphql(gateway, bodyOf('ListInvoices'), { first: 500 });
    expect(viaGraphql.body.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', cost: errors[0]?.extensions['cost'] });
    expect(await vismaCalls(gateway)).toEqual({});
    // Within the budget the same tool answers.
    expect((await call(client, 'list_invoices', { first: 5 })).isError).toBeUndefined();
  });
});

describe('/mcp with CreateInvoice enabled (MCP_MUTATIONS=CreateInvoice)', () => {
  let gateway: StartedGateway;
  let client: Client;

  beforeAll(async () => {
    gateway = await startGateway({ env: { ...NO_POLL_DURING_SUITE, MCP_MUTATIONS: 'CreateInvoice' } });
    client = await connect(gateway);
  });
  afterAll(async () => {
    await client.close();
    await gateway.stop();
  });
  beforeEach(() => gateway.control.resetCounters());

  it('offers create_invoice with idempotencyKey required and a dry run', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['create_invoice', 'invoice', 'list_invoices']);
    const create = tools.find((tool) => tool.name === 'create_invoice');
    expect(create?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    expect(create?.inputSchema).toMatchObject({
      required: ['input', 'idempotencyKey'],
      properties: { idempotencyKey: { type: 'string' }, dryRun: { type: 'boolean', default: false } },
    });
  });

  it('refuses a create without idempotencyKey with BAD_USER_INPUT naming it, sending nothing', async () => {
    for (const dryRun of [false, true]) {
      const errors = errorsOf(await call(client, 'create_invoice', { input: NEW_INVOICE, dryRun }));
      expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey', requestId: expect.any(String) });
    }
    expect(await vismaCalls(gateway)).toEqual({});
  });

  it('refuses a dryRun that is not a boolean, rather than take it for a real call', async () => {
    await refusedBeforeVisma(
      gateway,
      client,
      'create_invoice',
      { input: NEW_INVOICE, idempotencyKey: randomUUID(), dryRun: 'true' },
      { code: 'BAD_USER_INPUT', field: 'dryRun' },
    );
  });

  it('dry-runs a create: the Visma calls it would make in their wire format, and none is made', async () => {
    const idempotencyKey = randomUUID();
    const result = await call(client, 'create_invoice', { input: NEW_INVOICE, idempotencyKey, dryRun: true });
    expect(result.isError).toBeUndefined();
    const plan = resultOf(result) as { dryRun: boolean; write: string; calls: Array<{ method: string; path: string; body?: unknown }> };
    expect(plan).toMatchObject({ dryRun: true, write: 'created' });
    const stamp = stampFor(idempotencyKey);
    expect(plan.calls.map((planned) => `${planned.method} ${planned.path}`)).toEqual([
      `GET /v1/customerinvoice?externalReference=${stamp}&pageNumber=1&pageSize=2`,
      'POST /v2/customerinvoice',
      'GET /v1/customerinvoice/{referenceNumber}',
    ]);
    expect(plan.calls[1]?.body).toMatchObject({
      customerNumber: { value: '10000' },
      documentDate: { value: '2025-01-27' },
      externalReference: { value: stamp },
      invoiceLines: [
        { operation: 'Insert', description: { value: 'Potatoes, 25 kg' }, quantity: { value: 4 } },
        { operation: 'Insert', description: { value: 'Delivery' } },
      ],
    });
    expect(await vismaCalls(gateway)).toEqual({});
  });

  it('fails a dry run of a bad input exactly as the real call fails it', async () => {
    const input = { ...NEW_INVOICE, documentDate: '9999-12-31', lines: [{ quantity: '1' }] };
    const dry = errorsOf(await call(client, 'create_invoice', { input, idempotencyKey: randomUUID(), dryRun: true }));
    const real = errorsOf(await call(client, 'create_invoice', { input, idempotencyKey: randomUUID() }));
    expect(dry.map(({ message, extensions }) => ({ message, code: extensions['code'], problems: extensions['problems'] }))).toEqual(
      real.map(({ message, extensions }) => ({ message, code: extensions['code'], problems: extensions['problems'] })),
    );
    expect(dry[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    expect(await vismaCalls(gateway)).toEqual({});
  });

  it('creates with a key, answers the same invoice for the same key again, and Visma holds exactly one', async () => {
    const idempotencyKey = randomUUID();
    const first = resultOf(await call(client, 'create_invoice', { input: NEW_INVOICE, idempotencyKey }));
    const again = resultOf(await call(client, 'create_invoice', { input: NEW_INVOICE, idempotencyKey }));
    const created = (first['data'] as { createInvoice: { referenceNumber: string; lines: unknown[] } }).createInvoice;
    expect(created.lines).toHaveLength(2);
    expect((again['data'] as { createInvoice: { referenceNumber: string } }).createInvoice.referenceNumber).toBe(created.referenceNumber);

    const calls = await vismaCalls(gateway);
    expect(calls['POST /v2/customerinvoice']).toBe(1);
    const stamped = await gateway.visma.listInvoices({
      filter: { externalReference: stampFor(idempotencyKey) },
      pageNumber: 1,
      pageSize: 10,
    });
    expect(stamped.invoices.map((invoice) => invoice.referenceNumber)).toEqual([created.referenceNumber]);
  });
});

describe('/mcp with UpdateInvoiceLines enabled (MCP_MUTATIONS=UpdateInvoiceLines)', () => {
  let gateway: StartedGateway;
  let client: Client;

  beforeAll(async () => {
    gateway = await startGateway({ env: { ...NO_POLL_DURING_SUITE, MCP_MUTATIONS: 'UpdateInvoiceLines' } });
    client = await connect(gateway);
  });
  afterAll(async () => {
    await client.close();
    await gateway.stop();
  });

  it('requires expectedVersion, so that a repeated change fails with CONFLICT instead of applying twice', async () => {
    const lines = [{ operation: 'DELETE', lineNumber: 1 }];
    await refusedBeforeVisma(
      gateway,
      client,
      'update_invoice_lines',
      { referenceNumber: '003547', lines },
      { code: 'BAD_USER_INPUT', field: 'expectedVersion' },
    );
  });

  it('dry-runs a change: the PUT with If-Match and its body in Visma’s format, then the read-back, none sent', async () => {
    const read = resultOf(await call(client, 'invoice', { referenceNumber: '003547' }));
    const version = (read['data'] as { customerInvoice: { version: string } }).customerInvoice.version;
    await gateway.control.resetCounters();
    const result = await call(client, 'update_invoice_lines', {
      referenceNumber: '003547',
      expectedVersion: version,
      lines: [{ operation: 'UPDATE', lineNumber: 1, line: { quantity: '3' } }],
      dryRun: true,
    });
    const plan = resultOf(result) as { write: string; calls: Array<{ method: string; path: string; headers?: unknown; body?: unknown }> };
    expect(plan.write).toBe('updated');
    expect(plan.calls[0]).toMatchObject({
      method: 'PUT',
      path: '/v1/customerinvoice/003547',
      headers: { 'If-Match': `"${version}"` },
      body: { invoiceLines: [{ operation: 'Update', lineNumber: { value: 1 }, quantity: { value: 3 } }] },
    });
    expect(plan.calls[1]).toMatchObject({ method: 'GET', path: '/v1/customerinvoice/003547' });
    expect(await vismaCalls(gateway)).toEqual({});
  });
});

describe('/mcp behind inbound authentication', () => {
  const API_KEY = 'mcp-suite-api-key-7c2e91d04b';
  let gateway: StartedGateway;

  beforeAll(async () => {
    gateway = await startGateway({
      env: { AUTH_REQUIRED: 'true', AUTH_API_KEY_SHA256: createHash('sha256').update(API_KEY).digest('hex'), ...NO_POLL_DURING_SUITE },
    });
  });
  afterAll(() => gateway.stop());

  it('refuses a client without the API key as /graphql does: 401 UNAUTHENTICATED, before any MCP message is read', async () => {
    await expect(connect(gateway)).rejects.toMatchObject({ code: 401, message: expect.stringContaining('UNAUTHENTICATED') });
    const refusal = await fetch(mcpUrl(gateway), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    const viaGraphql = await graphql(gateway, '{ __typename }', {});
    expect(refusal.status).toBe(401);
    expect(viaGraphql.status).toBe(401);
    const body = (await refusal.json()) as { errors: ErrorShape[] };
    expect(body.errors[0]?.extensions['code']).toBe('UNAUTHENTICATED');
    expect(body.errors[0]?.message).toBe(viaGraphql.body.errors?.[0]?.message);
    expect(refusal.headers.get('www-authenticate')).not.toBeNull();
  });

  it('serves a client with the API key', async () => {
    const client = await connect(gateway, { 'x-api-key': API_KEY });
    try {
      const result = await call(client, 'invoice', { referenceNumber: '003547' });
      expect((resultOf(result)['data'] as { customerInvoice: { referenceNumber: string } }).customerInvoice.referenceNumber).toBe('003547');
    } finally {
      await client.close();
    }
  });
});

describe('/mcp from a browser (CORS_ORIGINS)', () => {
  const ORIGIN = 'https://agent.example.com';

  it("answers an allowed page's preflight with /graphql's policy, MCP's protocol version header included, and no other page's", async () => {
    const gateway = await startGateway({ env: { CORS_ORIGINS: ORIGIN } });
    try {
      const preflight = (origin: string) =>
        fetch(mcpUrl(gateway), {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type,mcp-protocol-version',
          },
        });
      const allowed = await preflight(ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(allowed.headers.get('access-control-allow-headers')?.split(',')).toContain('Mcp-Protocol-Version');
      expect((await preflight('https://elsewhere.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await gateway.stop();
    }
  });
});

describe('MCP settings at start', () => {
  it('refuses to start when MCP_MUTATIONS names an operation that is not a trusted mutation', async () => {
    await expect(startGateway({ env: { MCP_MUTATIONS: 'Invoice' } })).rejects.toThrow(
      /Invoice: MCP_MUTATIONS names it, but no trusted mutation/,
    );
  });

  it('serves nothing at /mcp with MCP_ENABLED=false', async () => {
    const gateway = await startGateway({ env: { MCP_ENABLED: 'false' } });
    try {
      const response = await fetch(mcpUrl(gateway), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(404);
    } finally {
      await gateway.stop();
    }
  });
});
