#!/usr/bin/env node
/**
 * Bounded soak: the gateway as the composition root builds it on its shipped defaults (the Visma
 * client with its resilience, the upstream cache, idempotent creates) in front of the simulator in its own process, driven at saturation for a
 * fixed time by concurrent client loops over loopback HTTP. Reports requests, errors by code,
 * latency percentiles, and the gateway process's memory before and after (after a forced GC).
 *
 *   npm run build && node --expose-gc bench/soak.js            # 60 s, 32 client loops
 *   SOAK_SECONDS=10 SOAK_CONCURRENCY=16 node --expose-gc bench/soak.js
 *
 * It is a benchmark, not a test: the figures depend on the machine. The simulator's hourly rate
 * limit is raised for the run, since this measures the gateway, not Visma's budget.
 */
'use strict';
require('reflect-metadata');
const { fork } = require('node:child_process');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const { loadConfig } = require(path.join(dist, 'config'));
const { createLogger } = require(path.join(dist, 'logger'));
const { composeGateway } = require(path.join(dist, 'compose'));

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 32);
const DEMO = { clientId: 'demo-client', clientSecret: 'demo-secret', tenantId: '11111111-2222-3333-4444-555555555555' };

/** The mix: mostly reads (a page with customers, one invoice), one create in ten. */
const OPERATIONS = [
  {
    weight: 5,
    name: 'page',
    body: () => ({
      query:
        '{ customerInvoices(first: 20, filter: { status: OPEN }) { totalCount nodes { referenceNumber amount customer { number name email } } } }',
    }),
  },
  {
    weight: 4,
    name: 'single',
    body: (i) => ({
      query: `{ customerInvoice(referenceNumber: "${String(3097 + (i % 500)).padStart(6, '0')}") { referenceNumber status lines { lineNumber amount } } }`,
    }),
  },
  {
    weight: 1,
    name: 'create',
    body: (i) => ({
      query:
        'mutation($input: CreateInvoiceInput!, $key: String) { createInvoice(input: $input, idempotencyKey: $key) { referenceNumber } }',
      variables: {
        key: `soak-${process.pid}-${i}-create-key`,
        input: { customerNumber: '10000', lines: [{ description: `Soak ${i}`, quantity: '1', unitPrice: '10' }] },
      },
    }),
  },
];
const WHEEL = OPERATIONS.flatMap((operation) => Array.from({ length: operation.weight }, () => operation));

function startSimulator() {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(dist, 'simulator', 'main.js'), [], {
      env: { ...process.env, SIMULATOR_PORT: '0', SIMULATOR_RATE_LIMIT: '1000000000', SIMULATOR_INVOICE_COUNT: '500' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    child.on('message', (message) => {
      if (message && message.type === 'listening') resolve({ child, url: message.url });
    });
  });
}

function memory() {
  if (global.gc) global.gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMB: +(rss / 1048576).toFixed(1), heapUsedMB: +(heapUsed / 1048576).toFixed(1) };
}

function percentile(sorted, p) {
  return sorted.length === 0 ? null : +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
}

async function main() {
  const simulator = await startSimulator();
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTH_REQUIRED: 'false',
    VISMA_API_URL: simulator.url,
    VISMA_TOKEN_URL: `${simulator.url}/connect/token`,
    VISMA_CLIENT_ID: DEMO.clientId,
    VISMA_CLIENT_SECRET: DEMO.clientSecret,
    VISMA_TENANT_ID: DEMO.tenantId,
  });
  const gateway = await composeGateway(config, { logger: createLogger('silent') });
  const listening = await gateway.listen();

  const post = async (body) => {
    const response = await fetch(listening.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    return { status: response.status, json };
  };

  // Warm up (token, code paths, JIT), then take the baseline.
  for (let i = 0; i < 200; i += 1) await post(WHEEL[i % WHEEL.length].body(-i - 1));
  const before = memory();

  const counts = { requests: 0, errors: 0, byOperation: {}, errorCodes: {} };
  const latencies = [];
  let sequence = 0;
  const endAt = Date.now() + SECONDS * 1000;
  const loop = async () => {
    while (Date.now() < endAt) {
      const i = (sequence += 1);
      const operation = WHEEL[i % WHEEL.length];
      const started = performance.now();
      let failed = null;
      try {
        const { status, json } = await post(operation.body(i));
        if (status !== 200 || json.errors !== undefined) failed = json.errors?.[0]?.extensions?.code ?? `HTTP ${status}`;
      } catch (error) {
        failed = error.code ?? error.name;
      }
      latencies.push(performance.now() - started);
      counts.requests += 1;
      counts.byOperation[operation.name] = (counts.byOperation[operation.name] ?? 0) + 1;
      if (failed !== null) {
        counts.errors += 1;
        counts.errorCodes[failed] = (counts.errorCodes[failed] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = memory();

  // Upstream calls as the simulator counted them (warm-up included), by status.
  const counters = await (await fetch(`${simulator.url}/_simulator/counters`)).json();
  const upstream = { calls: 0, byStatus: {} };
  for (const [template, { total, byStatus }] of Object.entries(counters)) {
    if (template.includes('/connect/token')) continue;
    upstream.calls += total;
    for (const [status, count] of Object.entries(byStatus)) upstream.byStatus[status] = (upstream.byStatus[status] ?? 0) + count;
  }
  latencies.sort((a, b) => a - b);
  const report = {
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    ...counts,
    requestsPerSecond: +(counts.requests / SECONDS).toFixed(1),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    upstream,
    memory: { before, after, gcExposed: global.gc !== undefined },
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

  await gateway.close();
  simulator.child.kill('SIGTERM');
  process.exitCode = counts.errors === 0 ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`soak failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
