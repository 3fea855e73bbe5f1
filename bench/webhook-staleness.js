#!/usr/bin/env node
/**
 * Staleness with Visma's webhooks on (docs/webhooks.md): an edit made in Visma (the simulator's
 * external-edit control), then reads through the gateway until one shows it. The simulator is
 * subscribed to the gateway's receiver; the gateway's change poll is pushed past the run
 * (CACHE_FRESHNESS_MS=3600000), so whatever it sees, it saw through a webhook. Both processes
 * are built ones (dist/), on loopback.
 *
 *   node bench/webhook-staleness.js            200 edits over 20 cached invoices
 *   BENCH_EDITS=50 node bench/webhook-staleness.js
 *
 * The last line on stdout is one JSON summary: p50, p99 and max from the edit's acknowledgement
 * to the first answer that shows it, and the Visma calls the run cost.
 */
'use strict';
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { log, freePort } = require('./lib');

const ROOT = path.join(__dirname, '..');
const EDITS = Number(process.env.BENCH_EDITS ?? 200);
const INVOICES = Array.from({ length: 20 }, (_, i) => String(3547 + i).padStart(6, '0'));
const KEY = crypto.randomBytes(24).toString('base64url');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const children = [];

async function start(name, file, env, ready) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', file)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  for (let i = 0; i < 400; i += 1) {
    if (await ready().catch(() => false)) return child;
    await sleep(50);
  }
  throw new Error(`${name} did not start`);
}

async function main() {
  const [simPort, gatewayPort] = [await freePort(), await freePort()];
  const sim = `http://127.0.0.1:${simPort}`;
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  await start(
    'simulator',
    'simulator/main.js',
    { SIMULATOR_PORT: String(simPort), SIMULATOR_RATE_LIMIT: '1000000000' },
    async () => (await fetch(`${sim}/_simulator/health`)).ok,
  );
  await start(
    'gateway',
    'main.js',
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(gatewayPort),
      VISMA_API_URL: sim,
      VISMA_TOKEN_URL: `${sim}/connect/token`,
      VISMA_CLIENT_ID: 'demo-client',
      VISMA_CLIENT_SECRET: 'demo-secret',
      VISMA_TENANT_ID: '11111111-2222-3333-4444-555555555555',
      AUTH_REQUIRED: 'false',
      WEBHOOK_SIGNING_KEY: KEY,
      CACHE_FRESHNESS_MS: '3600000',
    },
    async () => (await fetch(`${gateway}/healthz`)).ok,
  );
  await fetch(`${sim}/_simulator/webhooks`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${gateway}/webhooks/visma`, signingKey: KEY }),
  });
  const read = async (n) => {
    const answer = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query($n: ID!) { customerInvoice(referenceNumber: $n) { invoiceText } }', variables: { n } }),
    });
    return (await answer.json()).data.customerInvoice.invoiceText;
  };
  for (const n of INVOICES) await read(n);
  await fetch(`${sim}/_simulator/counters`, { method: 'DELETE' });
  const staleness = [];
  let reads = 0;
  for (let edit = 0; edit < EDITS; edit += 1) {
    const n = INVOICES[edit % INVOICES.length];
    const text = `webhook edit ${edit}`;
    await fetch(`${sim}/_simulator/invoices/${n}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invoiceText: text }),
    });
    const acknowledged = performance.now();
    for (;;) {
      reads += 1;
      if ((await read(n)) === text) break;
      if (performance.now() - acknowledged > 30_000) throw new Error(`edit ${edit} of ${n} not seen within 30 s`);
    }
    staleness.push(performance.now() - acknowledged);
  }
  const counters = await (await fetch(`${sim}/_simulator/counters`)).json();
  const calls = Object.fromEntries(
    Object.entries(counters)
      .filter(([route]) => route.includes('/v1/'))
      .map(([route, value]) => [route, value.total]),
  );
  const sorted = [...staleness].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  const summary = {
    edits: EDITS,
    invoices: INVOICES.length,
    p50Ms: Number(at(0.5).toFixed(1)),
    p99Ms: Number(at(0.99).toFixed(1)),
    maxMs: Number(sorted[sorted.length - 1].toFixed(1)),
    meanMs: Number((staleness.reduce((s, x) => s + x, 0) / staleness.length).toFixed(1)),
    gatewayReads: reads,
    vismaCalls: calls,
    vismaCallsPerEdit: Object.values(calls).reduce((s, x) => s + x, 0) / EDITS,
  };
  log(
    `webhook staleness over ${EDITS} edits: p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, max ${summary.maxMs} ms; Visma calls ${JSON.stringify(calls)}`,
  );
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main()
  .catch((error) => {
    log(error.stack);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill('SIGTERM');
  });
