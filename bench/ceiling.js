#!/usr/bin/env node
/**
 * The CEILING target: a minimal REST endpoint (node:http, no framework) that answers each
 * benchmark scenario with the same fields as the gateway, through the gateway's own VismaClient
 * and wire mapping (dist/visma). What the gateway costs above this is the price of GraphQL,
 * Apollo, Express, auth and the loaders; the gateway ÷ ceiling ratios in bench/README.md are
 * measured against it.
 *
 * Env: PORT (0 = free port), VISMA_API_URL, VISMA_TOKEN_URL, VISMA_CLIENT_ID,
 * VISMA_CLIENT_SECRET, VISMA_TENANT_ID. Sends {type:'listening', url} over IPC when forked and
 * prints the URL on stdout.
 *
 *   GET  /invoice/:number                      one invoice with its lines (null when unknown)
 *   GET  /invoices?page=N&size=S[&customers=1] a Visma page; with customers=1 each distinct
 *                                              customer is read once, like the gateway's loader
 *   POST /entities        {"numbers":[…]}      the invoices by number, in order
 *   POST /invoices        {"customerNumber", "description"}  create, then read back
 *   PUT  /invoice/:number/line1 {"description"} update line 1, then read back
 */
'use strict';
const http = require('node:http');
const path = require('node:path');

const { createVismaClient, VismaNotFoundError } = require(path.join(__dirname, '..', 'dist', 'visma'));

const visma = createVismaClient({
  baseUrl: process.env.VISMA_API_URL,
  auth: {
    mode: 'client_credentials',
    tokenUrl: process.env.VISMA_TOKEN_URL,
    clientId: process.env.VISMA_CLIENT_ID,
    clientSecret: process.env.VISMA_CLIENT_SECRET,
    tenantId: process.env.VISMA_TENANT_ID,
  },
  timeZone: 'Europe/Oslo',
  // run.js's ceilingNodeFetch target sets it; otherwise the client's default transport.
  transport: process.env.BENCH_VISMA_TRANSPORT,
  // The gateway's own setting, so a run that changes it changes it for both targets.
  maxInvoicesInFlight:
    process.env.VISMA_MAX_INVOICES_IN_FLIGHT === undefined ? undefined : Number(process.env.VISMA_MAX_INVOICES_IN_FLIGHT),
});

/** The GraphQL enum spelling of a Visma status (PendingPrint → PENDING_PRINT), as the gateway answers. */
const enumName = (value) => (value === null ? null : value.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase());

const line = (l) => ({
  lineNumber: l.lineNumber,
  description: l.description,
  quantity: l.quantity,
  unitPrice: l.unitPrice,
  amount: l.amount,
});

/** The fields the benchmark's GraphQL documents select (bench/scenarios.js). */
function invoice(i, customer) {
  return {
    referenceNumber: i.referenceNumber,
    status: enumName(i.status),
    currencyId: i.currencyId,
    amount: i.amount,
    balance: i.balance,
    documentDate: i.documentDate,
    customer: customer ?? (i.customer && { number: i.customer.number, name: i.customer.name }),
    lines: i.lines.map(line),
  };
}

async function handle(method, url, body) {
  const parts = url.pathname.split('/').filter(Boolean);
  if (method === 'GET' && parts[0] === 'invoice' && parts.length === 2) {
    try {
      return invoice(await visma.getInvoice(parts[1]));
    } catch (error) {
      if (error instanceof VismaNotFoundError) return null;
      throw error;
    }
  }
  if (method === 'GET' && parts[0] === 'invoices') {
    const page = await visma.listInvoices({
      filter: {},
      pageNumber: Number(url.searchParams.get('page')),
      pageSize: Number(url.searchParams.get('size')),
    });
    if (url.searchParams.get('customers') !== '1') return { totalCount: page.totalCount, nodes: page.invoices.map((i) => invoice(i)) };
    const numbers = [...new Set(page.invoices.map((i) => i.customer.number))];
    const customers = new Map(await Promise.all(numbers.map(async (n) => [n, await visma.getCustomer(n)])));
    return {
      totalCount: page.totalCount,
      nodes: page.invoices.map((i) => {
        const c = customers.get(i.customer.number);
        return invoice(i, { number: c.number, name: c.name, email: c.mainContact?.email ?? null, currencyId: c.currencyId });
      }),
    };
  }
  if (method === 'POST' && parts[0] === 'entities') {
    return Promise.all(body.numbers.map(async (n) => invoice(await visma.getInvoice(n))));
  }
  if (method === 'POST' && parts[0] === 'invoices') {
    const created = await visma.createInvoice({
      customerNumber: body.customerNumber,
      lines: [{ description: body.description, quantity: '1', unitPriceInCurrency: '10' }],
    });
    return invoice(await visma.getInvoice(created.referenceNumber));
  }
  if (method === 'PUT' && parts[0] === 'invoice' && parts[2] === 'line1') {
    await visma.updateInvoice(parts[1], { lineChanges: [{ operation: 'Update', lineNumber: 1, line: { description: body.description } }] });
    return invoice(await visma.getInvoice(parts[1]));
  }
  return undefined;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const url = new URL(req.url, 'http://ceiling');
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    handle(req.method, url, body).then(
      (data) => {
        res.writeHead(data === undefined ? 404 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data }));
      },
      (error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: error.name }));
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  if (process.send) process.send({ type: 'listening', url });
  process.stdout.write(`${url}\n`);
});
const stop = () => {
  visma.close();
  server.close();
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
