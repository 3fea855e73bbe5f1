#!/usr/bin/env node
/**
 * Soak: memory over time. The gateway as the container runs it (from its startup snapshot, the
 * Deployment's NODE_OPTIONS heap cap read from deploy/kubernetes/deployment.yaml, the shipped
 * defaults, an API key) in front of the simulator, each in a process of its own, driven at
 * saturation for a fixed time by concurrent client loops over loopback HTTP with issue 13's mixed
 * traffic: pages, single invoices, lists of 50 to 500 under distinct filters that fill the upstream
 * cache, pages with lines, creates with and without a key. Every second it samples the gateway's
 * resident memory (/proc) and its heap and cache (/metrics), and at the end judges steadiness:
 * after the warm-up, RSS grows by less than SOAK_GROWTH_LIMIT % over the last SOAK_WINDOW_SECONDS.
 *
 *   npm run build && node bench/soak.js                      # 150 s, 16 clients, window 40 s
 *   SOAK_SECONDS=60 SOAK_CONCURRENCY=16 node bench/soak.js
 *   SOAK_WRITES=0 node bench/soak.js                         # reads only: the cache fills to its bound
 *
 * Prints one JSON report (requests, errors by code, latency, upstream calls, the memory time series
 * and the verdict); SOAK_REPORT=<file> writes it there too. The exit code is 1 on any error or when
 * RSS did not hold steady. It is a benchmark, not a test: the figures depend on the machine. The
 * simulator's hourly rate limit is raised for the run, since this measures the gateway, not Visma's
 * budget.
 */
'use strict';
const { createHash } = require('node:crypto');
const { fork, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { SHIPPED_ENV, gatewayArgs } = require('../scripts/gateway-command');
const { createInterface } = require('node:readline');
const YAML = require('yaml');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
// V8 grows its heap over the first ~2,000 requests (about 70 s here); 150 s leaves the 40 s window well past that.
const SECONDS = Number(process.env.SOAK_SECONDS ?? 150);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 16);
const WINDOW_SECONDS = Number(process.env.SOAK_WINDOW_SECONDS ?? 40);
const GROWTH_LIMIT_PERCENT = Number(process.env.SOAK_GROWTH_LIMIT ?? 10);
const DEMO = { clientId: 'demo-client', clientSecret: 'demo-secret', tenantId: '11111111-2222-3333-4444-555555555555' };
const API_KEY = `soak-${process.pid}-${Date.now()}`;
const MIB = 1024 * 1024;

/** A different day for each call, so each list is one the cache has not seen (issue 13's cache fill). */
const dayOf = (i) => new Date(Date.UTC(2023, 0, 1) + (i % 900) * 86_400_000).toISOString().slice(0, 10);

/** Issue 13's mix: reads, lists of various sizes under distinct filters, pages with lines, creates. */
const OPERATIONS = [
  {
    weight: 3,
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
    weight: 3,
    name: 'list',
    body: (i) => ({
      query:
        'query ($first: Int!, $from: Date!) { customerInvoices(first: $first, filter: { documentDate: { operator: GTE, value: $from } }) { nodes { referenceNumber status amount balance documentDate } } }',
      variables: { first: [50, 100, 200, 500][i % 4], from: dayOf(i) },
    }),
  },
  {
    weight: 2,
    name: 'fill',
    body: (i) => ({
      query:
        'query ($from: Date!) { customerInvoices(first: 500, filter: { documentDate: { operator: GTE, value: $from } }) { nodes { referenceNumber } } }',
      variables: { from: dayOf(i * 7) },
    }),
  },
  {
    weight: 1,
    name: 'lines',
    body: (i) => ({
      query:
        'query ($from: Date!) { customerInvoices(first: 100, filter: { documentDate: { operator: LTE, value: $from } }) { nodes { referenceNumber lines { lineNumber description quantity unitPrice amount } } } }',
      variables: { from: dayOf(i * 3) },
    }),
  },
  {
    weight: 1,
    name: 'create',
    body: (i) => ({
      query:
        'mutation($input: CreateInvoiceInput!, $key: String) { createInvoice(input: $input, idempotencyKey: $key) { referenceNumber } }',
      variables: {
        key: i % 2 === 0 ? `soak-${process.pid}-${i}-create-key` : null,
        input: { customerNumber: '10000', lines: [{ description: `Soak ${i}`, quantity: '1', unitPrice: '10' }] },
      },
    }),
  },
];
/**
 * SOAK_WRITES=0 leaves the creates out. Any change the cache's poll sees drops every cached list
 * (docs/upstream-cache.md), so with creates the lists live a few seconds; without them the
 * distinct lists fill the cache to CACHE_MAX_BYTES and keep it there.
 */
const WRITES = process.env.SOAK_WRITES !== '0';
const WHEEL = OPERATIONS.filter((operation) => WRITES || operation.name !== 'create').flatMap((operation) =>
  Array.from({ length: operation.weight }, () => operation),
);

/** The gateway container's NODE_OPTIONS and memory limit, from the manifest the cluster runs. */
function deploymentMemory() {
  const text = fs.readFileSync(path.join(ROOT, 'deploy', 'kubernetes', 'deployment.yaml'), 'utf8');
  const deployment = YAML.parseAllDocuments(text)
    .map((document) => document.toJS())
    .find((manifest) => manifest && manifest.kind === 'Deployment');
  const container = deployment.spec.template.spec.containers[0];
  const nodeOptions = (container.env ?? []).find((variable) => variable.name === 'NODE_OPTIONS')?.value ?? '';
  const limit = /^(\d+)(Mi|Gi)$/.exec(container.resources?.limits?.memory ?? '');
  return { nodeOptions, containerLimitMiB: limit === null ? null : Number(limit[1]) * (limit[2] === 'Gi' ? 1024 : 1) };
}

function startSimulator() {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(DIST, 'simulator', 'main.js'), [], {
      env: { PATH: process.env.PATH, SIMULATOR_PORT: '0', SIMULATOR_RATE_LIMIT: '1000000000', SIMULATOR_INVOICE_COUNT: '500' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    child.on('message', (message) => {
      if (message && message.type === 'listening') resolve({ child, url: message.url });
    });
  });
}

/** The gateway with the given environment only (PATH aside), as the container starts it (scripts/gateway-command.js); resolves once it is ready. */
function startGateway(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, gatewayArgs(env.NODE_OPTIONS ?? ''), {
      env: { PATH: process.env.PATH, ...SHIPPED_ENV, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('exit', (code, signal) => reject(new Error(`gateway exited (code ${code}, signal ${signal}): ${stderr.slice(-2000)}`)));
    const exited = new Promise((settle) => child.once('exit', (code, signal) => settle({ code, signal, stderr: stderr.slice(-2000) })));
    // Its request log is read and dropped, as a log shipper would: a full pipe would stall the gateway.
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('GraphQL gateway ready')) return;
      const url = JSON.parse(line).url;
      resolve({ child, url, exited });
    });
  });
}

function procStatusMiB(pid, key) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return +(Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)[1]) / 1024).toFixed(1);
}

function metricMiB(text, name) {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? null : +(Number(line.slice(name.length + 1)) / MIB).toFixed(1);
}

function percentile(sorted, p) {
  return sorted.length === 0 ? null : +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
}

/** Mean of `key` over the samples whose time falls in [from, to) seconds. */
function meanOver(samples, key, from, to) {
  const inside = samples.filter((sample) => sample.t >= from && sample.t < to && sample[key] !== null);
  return inside.length === 0 ? null : +(inside.reduce((sum, sample) => sum + sample[key], 0) / inside.length).toFixed(1);
}

/**
 * Steadiness over the last window: RSS (mean of its first 5 s against mean of its last 5 s, so one
 * sample's spike or collection does not decide it) grows by less than the limit. The largest sample
 * in the window against its start is reported beside it.
 */
function judge(samples, endT) {
  const from = endT - WINDOW_SECONDS;
  const startMB = meanOver(samples, 'rssMB', from, from + 5);
  const endMB = meanOver(samples, 'rssMB', endT - 5, endT + 1);
  const inWindow = samples.filter((sample) => sample.t >= from);
  const peakMB = Math.max(...inWindow.map((sample) => sample.rssMB));
  const growthPercent = startMB === null || endMB === null ? null : +((100 * (endMB - startMB)) / startMB).toFixed(1);
  return {
    windowSeconds: WINDOW_SECONDS,
    fromSecond: from,
    rssStartMB: startMB,
    rssEndMB: endMB,
    rssPeakMB: peakMB,
    growthPercent,
    peakOverStartPercent: startMB === null ? null : +((100 * (peakMB - startMB)) / startMB).toFixed(1),
    heapUsedStartMB: meanOver(samples, 'heapUsedMB', from, from + 5),
    heapUsedEndMB: meanOver(samples, 'heapUsedMB', endT - 5, endT + 1),
    limitPercent: GROWTH_LIMIT_PERCENT,
    steady: growthPercent !== null && growthPercent < GROWTH_LIMIT_PERCENT,
  };
}

async function main() {
  if (SECONDS < WINDOW_SECONDS + 10) throw new Error(`SOAK_SECONDS must leave a warm-up before the ${WINDOW_SECONDS} s window`);
  const memory = deploymentMemory();
  const simulator = await startSimulator();
  const gateway = await startGateway({
    NODE_OPTIONS: memory.nodeOptions,
    VISMA_API_URL: simulator.url,
    VISMA_TOKEN_URL: `${simulator.url}/connect/token`,
    VISMA_CLIENT_ID: DEMO.clientId,
    VISMA_CLIENT_SECRET: DEMO.clientSecret,
    VISMA_TENANT_ID: DEMO.tenantId,
    AUTH_API_KEY_SHA256: createHash('sha256').update(API_KEY).digest('hex'),
  });
  const pid = gateway.child.pid;
  const metricsUrl = new URL('/metrics', gateway.url).toString();
  let died = null;
  gateway.exited.then((how) => (died = how));

  const post = async (body) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    return { status: response.status, json };
  };

  const counts = { requests: 0, errors: 0, byOperation: {}, errorCodes: {} };
  const latencies = [];
  const samples = [];
  const started = Date.now();
  const idleRssMB = procStatusMiB(pid, 'VmRSS');
  const sample = async () => {
    if (died !== null) return;
    const t = Math.round((Date.now() - started) / 1000);
    try {
      const rssMB = procStatusMiB(pid, 'VmRSS');
      const text = await (await fetch(metricsUrl)).text();
      samples.push({
        t,
        rssMB,
        heapUsedMB: metricMiB(text, 'nodejs_heap_size_used_bytes'),
        heapTotalMB: metricMiB(text, 'nodejs_heap_size_total_bytes'),
        externalMB: metricMiB(text, 'nodejs_external_memory_bytes'),
        cacheMB: metricMiB(text, 'upstream_cache_bytes'),
        requests: counts.requests,
      });
    } catch {
      // The process went away between the two reads; `died` says how.
    }
  };
  await sample();
  const sampler = setInterval(sample, 1000);

  let sequence = 0;
  const endAt = started + SECONDS * 1000;
  const loop = async () => {
    while (Date.now() < endAt && died === null) {
      const i = (sequence += 1);
      const operation = WHEEL[i % WHEEL.length];
      const begun = performance.now();
      let failed = null;
      try {
        const { status, json } = await post(operation.body(i));
        if (status !== 200 || json.errors !== undefined) failed = json.errors?.[0]?.extensions?.code ?? `HTTP ${status}`;
      } catch (error) {
        failed = error.cause?.code ?? error.code ?? error.name;
      }
      latencies.push(performance.now() - begun);
      counts.requests += 1;
      counts.byOperation[operation.name] = (counts.byOperation[operation.name] ?? 0) + 1;
      if (failed !== null) {
        counts.errors += 1;
        counts.errorCodes[failed] = (counts.errorCodes[failed] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  await sample();
  clearInterval(sampler);
  const endT = samples.length === 0 ? 0 : samples[samples.length - 1].t;

  const counters = await (await fetch(`${simulator.url}/_simulator/counters`)).json();
  const upstream = { calls: 0, byStatus: {} };
  for (const [template, { total, byStatus }] of Object.entries(counters)) {
    if (template.includes('/connect/token')) continue;
    upstream.calls += total;
    for (const [status, count] of Object.entries(byStatus)) upstream.byStatus[status] = (upstream.byStatus[status] ?? 0) + count;
  }
  latencies.sort((a, b) => a - b);
  const rss = samples.map((entry) => entry.rssMB);
  const heap = samples.map((entry) => entry.heapUsedMB).filter((value) => value !== null);
  const verdict = judge(samples, endT);
  const report = {
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    writes: WRITES,
    ...counts,
    requestsPerSecond: +(counts.requests / SECONDS).toFixed(1),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    upstream,
    memory: {
      nodeOptions: memory.nodeOptions,
      containerLimitMiB: memory.containerLimitMiB,
      gatewayExited: died,
      rss: {
        idleMB: idleRssMB,
        startMB: rss[0] ?? null,
        peakMB: rss.length === 0 ? null : Math.max(...rss),
        endMB: rss[rss.length - 1] ?? null,
        highWaterMB: died === null ? procStatusMiB(pid, 'VmHWM') : null,
      },
      heapUsed: { peakMB: heap.length === 0 ? null : Math.max(...heap), endMB: heap[heap.length - 1] ?? null },
      cachePeakMB: Math.max(0, ...samples.map((entry) => entry.cacheMB ?? 0)),
      lastWindow: verdict,
      samples,
    },
    node: process.version,
  };
  const text = `${JSON.stringify(report, null, 2)}\n`;
  process.stdout.write(text);
  if (process.env.SOAK_REPORT) fs.writeFileSync(process.env.SOAK_REPORT, text);

  gateway.child.kill('SIGTERM');
  simulator.child.kill('SIGTERM');
  process.exitCode = counts.errors === 0 && died === null && verdict.steady ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`soak failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
