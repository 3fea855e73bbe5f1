#!/usr/bin/env node
/**
 * The read-workload replay (bench/README.md, "Read-workload replay"): a frontend's reads, Zipf
 * over 500 invoices, paced by a few concurrent users, while invoices change directly in the
 * simulator (its external-edit control); reports the Visma calls per operation and the
 * staleness the answers actually show, for each gateway configuration in turn.
 *
 *   node bench/replay.js           the full replay (10,000 operations per target)
 *   node bench/replay.js --quick   the CI gate: a short replay, asserting correctness only
 *
 * The last line on stdout is one JSON summary.
 */
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { gatewayArgs } = require('../scripts/gateway-command');
const { performance } = require('node:perf_hooks');
const { pinner, log, freePort, procStat } = require('./lib');
const { operations, invoicesIn, analyse, marker, prng, zipf } = require('./replay-workload');

const QUICK = process.argv.includes('--quick');
const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const INVOICES = 500;
const OPS = env('BENCH_REPLAY_OPS', QUICK ? 1500 : 10_000);
const RATE = env('BENCH_REPLAY_RATE', QUICK ? 300 : 150); // operations per second, all users together
const USERS = env('BENCH_REPLAY_USERS', 6);
const EDIT_EVERY_MS = env('BENCH_REPLAY_EDIT_MS', 300);
// Passed to the gateway as CACHE_FRESHNESS_MS: its default in the full run; in quick mode the
// smallest it accepts, so the short run spans several intervals and the bound check can fail.
const FRESHNESS_MS = env('BENCH_REPLAY_FRESHNESS_MS', QUICK ? 1000 : 10_000);
const TARGET_CALLS_PER_OP = 0.1;
// A shared read in flight lasts milliseconds on loopback; an answer older than this came from a cache.
const COALESCED_STALENESS_MS = 1000;
// The self-check's response cache: answers up to this old, so the analysis must find staleness.
const STALE_PROXY_TTL_MS = 3000;
const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = crypto.randomBytes(18).toString('base64url');
const API_KEY = crypto.randomBytes(24).toString('base64url');
const WEBHOOK_KEY = crypto.randomBytes(24).toString('base64url');

/**
 * The configurations replayed, in order. `cache-off` is the gateway without its cache (at most one
 * Visma call per operation, fewer only by coalescing reads in flight; never stale); `stale-proxy`
 * checks the analysis itself: a response cache of fixed age in front of it, which must show
 * staleness; `cache` is the gateway with its cache and the freshness bound under test;
 * `cache-stale` the same cache with a bound too large to poll during the run, which must show it.
 */
const TARGETS = {
  'cache-off': { gatewayEnv: { CACHE_ENABLED: 'false' } },
  'stale-proxy': { gatewayEnv: { CACHE_ENABLED: 'false' }, proxyTtlMs: STALE_PROXY_TTL_MS, mustBeStale: true },
  cache: { gatewayEnv: { CACHE_ENABLED: 'true', CACHE_FRESHNESS_MS: String(FRESHNESS_MS) }, boundMs: FRESHNESS_MS },
  // The cache with Visma's webhooks (docs/webhooks.md): the simulator is subscribed to the gateway's receiver, the poll slows.
  'cache-webhooks': {
    gatewayEnv: { CACHE_ENABLED: 'true', CACHE_FRESHNESS_MS: String(FRESHNESS_MS), WEBHOOK_SIGNING_KEY: WEBHOOK_KEY },
    boundMs: FRESHNESS_MS,
    webhooks: true,
  },
  // The self-check on the real cache: with the largest bound it accepts it never polls during the run.
  'cache-stale': { gatewayEnv: { CACHE_ENABLED: 'true', CACHE_FRESHNESS_MS: '3600000' }, boundMs: 3_600_000, mustBeStale: true },
};
// Quick mode leaves out cache-stale to stay well under a minute; stale-proxy checks the analysis there.
const SELECTED = (process.env.BENCH_REPLAY_TARGETS ?? (QUICK ? 'cache-off,stale-proxy,cache' : Object.keys(TARGETS).join(','))).split(',');

const pin = pinner(QUICK);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const STARTED = new Set();
let stopping = false;
async function startProcess(name, args, extraEnv, ready) {
  const child = spawn(args[0], args.slice(1), { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'ignore', 'inherit'] });
  STARTED.add(child);
  let exited = false;
  child.once('exit', (code, signal) => {
    exited = true;
    STARTED.delete(child);
    if (!stopping) log(`${name} exited: ${code ?? signal}`);
  });
  for (let i = 0; i < 400; i += 1) {
    if (exited) throw new Error(`${name} exited during start`);
    if (await ready().catch(() => false)) return child;
    await sleep(50);
  }
  throw new Error(`${name} did not start`);
}
async function stopProcess(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  stopping = true;
  child.kill('SIGTERM');
  await exited;
  stopping = false;
}

// One keep-alive agent, like a browser's connection pool; its own sockets, so a slow target
// does not hold up the change controls.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function request(base, method, p, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, { method, agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, json: text ? JSON.parse(text) : null });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function upstreamCalls(simUrl) {
  const counters = (await request(simUrl, 'GET', '/_simulator/counters')).json;
  const byRoute = {};
  let total = 0;
  for (const [route, value] of Object.entries(counters)) {
    if (!route.includes('/v1/') && !route.includes('/v2/')) continue;
    byRoute[route] = value.total;
    total += value.total;
  }
  return { total, byRoute };
}

/** A response cache in front of a gateway that serves each distinct body for `ttlMs`: stale on purpose. */
function staleProxy(upstream, ttlMs) {
  const cache = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let entry = cache.get(body);
      if (!entry || performance.now() - entry.at > ttlMs) {
        entry = { at: performance.now(), answer: request(upstream, 'POST', req.url, body, { 'x-api-key': req.headers['x-api-key'] }) };
        cache.set(body, entry);
      }
      try {
        const answer = await entry.answer;
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
      } catch (error) {
        cache.delete(body);
        res.writeHead(502).end(JSON.stringify({ errors: [{ message: String(error) }] }));
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })),
  );
}

/** The invoices, their seed texts and the customers, read from the simulator after a reset. */
async function seedState(simUrl, token) {
  const page = await request(simUrl, 'GET', `/v1/customerinvoice?pageNumber=1&pageSize=${INVOICES}`, undefined, {
    authorization: `Bearer ${token}`,
  });
  const invoices = page.json.map((i) => i.referenceNumber);
  const seedText = new Map(page.json.map((i) => [i.referenceNumber, i.invoiceText ?? null]));
  const customers = [...new Set(page.json.map((i) => i.customer.number))].sort();
  return { invoices, seedText, customers };
}

/** Changes Zipf-chosen invoices directly in the simulator, one every EDIT_EVERY_MS, until `done()`. */
async function editLoop(simUrl, hotInvoices, rank, changes, done) {
  let next = performance.now();
  while (!done()) {
    const n = hotInvoices[rank()];
    const history = changes.get(n) ?? [];
    changes.set(n, history);
    const change = { sentAt: performance.now(), ackAt: Infinity };
    const answer = await request(simUrl, 'PATCH', `/_simulator/invoices/${n}`, JSON.stringify({ invoiceText: marker(history.length + 1) }));
    if (answer.status !== 200) throw new Error(`the external edit of ${n} answered ${answer.status} ${JSON.stringify(answer.json)}`);
    change.ackAt = performance.now();
    history.push(change);
    next += EDIT_EVERY_MS;
    await sleep(Math.max(0, next - performance.now()));
  }
}

async function replay(name, config, sim) {
  const { simUrl, token } = sim;
  await request(simUrl, 'POST', '/_simulator/reset');
  const gatewayPort = await freePort();
  const gateway = await startProcess(
    `gateway (${name})`,
    // As the image starts it (its startup snapshot; scripts/gateway-command.js).
    pin(0, [process.execPath, ...gatewayArgs()]),
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(gatewayPort),
      VISMA_API_URL: simUrl,
      VISMA_TOKEN_URL: `${simUrl}/connect/token`,
      VISMA_CLIENT_ID: CLIENT_ID,
      VISMA_CLIENT_SECRET: CLIENT_SECRET,
      VISMA_TENANT_ID: TENANT,
      AUTH_API_KEY_SHA256: crypto.createHash('sha256').update(API_KEY).digest('hex'),
      ...config.gatewayEnv,
    },
    async () => (await request(`http://127.0.0.1:${gatewayPort}`, 'GET', '/healthz')).status === 200,
  );
  const proxy = config.proxyTtlMs ? await staleProxy(`http://127.0.0.1:${gatewayPort}`, config.proxyTtlMs) : null;
  if (config.webhooks) {
    const url = `http://127.0.0.1:${gatewayPort}/webhooks/visma`;
    await request(simUrl, 'PUT', '/_simulator/webhooks', JSON.stringify({ url, signingKey: WEBHOOK_KEY }));
  }
  const url = proxy ? proxy.url : `http://127.0.0.1:${gatewayPort}`;
  try {
    const { invoices, seedText, customers } = await seedState(simUrl, token);
    const { ops, hotInvoices } = operations({ count: OPS, invoices, customers });
    // The same popularity as the reads (hot invoices change more often), its own seed.
    const editRank = zipf(hotInvoices.length, 1, prng(11));
    const changes = new Map();
    const answers = [];
    const errors = [];
    const shapes = {};
    await request(simUrl, 'DELETE', '/_simulator/counters');
    const before = procStat(gateway.pid);
    const start = performance.now();
    let nextOp = 0;
    let finished = false;
    const user = async () => {
      while (nextOp < ops.length) {
        const i = nextOp++;
        const due = start + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const sentAt = performance.now();
        const answer = await request(url, 'POST', '/graphql', ops[i].body, { 'x-api-key': API_KEY });
        const receivedAt = performance.now();
        shapes[ops[i].shape] = (shapes[ops[i].shape] ?? 0) + 1;
        if (answer.status !== 200 || answer.json.errors || invoicesIn(answer.json.data).length === 0) {
          errors.push(`${ops[i].shape} ${answer.status} ${JSON.stringify(answer.json).slice(0, 200)}`);
          continue;
        }
        answers.push({ sentAt, receivedAt, lagMs: sentAt - due, invoices: invoicesIn(answer.json.data) });
      }
    };
    const editing = editLoop(simUrl, hotInvoices, editRank, changes, () => finished);
    await Promise.all(Array.from({ length: USERS }, user));
    const elapsedMs = performance.now() - start;
    finished = true;
    await editing;
    const after = procStat(gateway.pid);
    const calls = await upstreamCalls(simUrl);
    const analysis = analyse({ changes, seedText, answers });
    const lags = answers.map((a) => a.lagMs).sort((a, b) => a - b);
    const result = {
      target: name,
      gatewayEnv: config.gatewayEnv,
      proxyTtlMs: config.proxyTtlMs ?? null,
      freshnessBoundMs: config.boundMs ?? config.proxyTtlMs ?? null,
      operations: ops.length,
      shapes,
      errors: errors.length,
      firstErrors: errors.slice(0, 5),
      elapsedSeconds: elapsedMs / 1000,
      operationsPerSecond: ops.length / (elapsedMs / 1000),
      p99ScheduleLagMs: lags[Math.floor(lags.length * 0.99)] ?? null,
      changes: [...changes.values()].reduce((s, h) => s + h.length, 0),
      changedInvoices: changes.size,
      upstreamCalls: calls.total,
      upstreamCallsByRoute: calls.byRoute,
      upstreamCallsPerOperation: calls.total / ops.length,
      gatewayCpuMsPerOperation: (after.cpuMs - before.cpuMs) / ops.length,
      gatewayPeakRssMb: after.peakRssMb,
      ...analysis,
      anomalies: analysis.anomalies.length,
      firstAnomalies: analysis.anomalies.slice(0, 5),
    };
    result.withinBound = result.freshnessBoundMs === null ? null : result.maxStalenessMs <= result.freshnessBoundMs;
    return result;
  } finally {
    proxy?.close();
    if (config.webhooks) await request(simUrl, 'DELETE', '/_simulator/webhooks');
    await stopProcess(gateway);
  }
}

/** What each configuration must show for the run to count as correct (no timing: counts and the analysis's own sanity). */
function verdict(r) {
  const problems = [];
  if (r.errors > 0) problems.push(`${r.errors} failed operations, first: ${r.firstErrors[0]}`);
  if (r.anomalies > 0) problems.push(`${r.anomalies} answers the change history cannot explain, first: ${r.firstAnomalies[0]}`);
  if (r.target === 'cache-off') {
    // CACHE_ENABLED=false still coalesces identical reads in flight, so fewer calls than operations
    // is right, and an answer may share a read that started just before a change: never more.
    if (r.upstreamCalls > r.operations)
      problems.push(`the gateway without its cache made ${r.upstreamCalls} Visma calls for ${r.operations} operations, more than one each`);
    if (r.maxStalenessMs > COALESCED_STALENESS_MS)
      problems.push(`the gateway without its cache showed an answer ${Math.round(r.maxStalenessMs)} ms stale`);
  }
  if (r.withinBound === false && r.target !== 'stale-proxy')
    problems.push(`an answer ${Math.round(r.maxStalenessMs)} ms stale, beyond the freshness bound of ${r.freshnessBoundMs} ms`);
  if (TARGETS[r.target].mustBeStale && r.staleAnswers === 0)
    problems.push(`${r.target} is stale by design and showed no staleness: the analysis cannot see it`);
  return problems;
}

async function main() {
  log(
    `replay: ${OPS} operations over ${INVOICES} invoices at ${RATE}/s by ${USERS} users, a change every ${EDIT_EVERY_MS} ms; targets ${SELECTED.join(', ')}`,
  );
  process.on('exit', () => {
    stopping = true;
    for (const child of STARTED) child.kill('SIGTERM');
  });
  const simPort = await freePort();
  const simUrl = `http://127.0.0.1:${simPort}`;
  await startProcess(
    'simulator',
    pin(1, [process.execPath, path.join(DIST, 'simulator', 'main.js')]),
    {
      SIMULATOR_PORT: String(simPort),
      SIMULATOR_RATE_LIMIT: '1000000000',
      SIMULATOR_INVOICE_COUNT: String(INVOICES),
      SIMULATOR_CLIENT_ID: CLIENT_ID,
      SIMULATOR_CLIENT_SECRET: CLIENT_SECRET,
      SIMULATOR_TENANT_ID: TENANT,
    },
    async () => (await request(simUrl, 'GET', '/_simulator/health')).status === 200,
  );
  const tokenAnswer = await fetch(`${simUrl}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, tenant_id: TENANT }),
  }).then((r) => r.json());
  const sim = { simUrl, token: tokenAnswer.access_token };

  const runs = [];
  for (const name of SELECTED) {
    if (!TARGETS[name]) throw new Error(`unknown replay target ${name}; known: ${Object.keys(TARGETS).join(', ')}`);
    const result = await replay(name, TARGETS[name], sim);
    result.problems = verdict(result);
    log(
      `replay ${name}: ${result.upstreamCallsPerOperation.toFixed(3)} Visma calls/op (${JSON.stringify(result.upstreamCallsByRoute)}), ` +
        `${result.staleAnswers} stale answers of ${result.answers}, max staleness ${result.maxStalenessMs.toFixed(0)} ms, p99 ${result.p99StalenessMs.toFixed(0)} ms` +
        `${result.freshnessBoundMs === null ? '' : ` (bound ${result.freshnessBoundMs} ms: ${result.withinBound ? 'within' : 'EXCEEDED'})`}, ` +
        `${result.operationsPerSecond.toFixed(0)} ops/s over ${result.elapsedSeconds.toFixed(1)} s, ${result.changes} changes to ${result.changedInvoices} invoices, ` +
        `gateway CPU ${result.gatewayCpuMsPerOperation.toFixed(2)} ms/op, peak RSS ${result.gatewayPeakRssMb?.toFixed(0)} MB` +
        `${result.problems.length ? `; PROBLEMS: ${result.problems.join('; ')}` : ''}`,
    );
    runs.push(result);
  }

  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const cache = runs.find((r) => r.target === 'cache');
  const summary = {
    mode: QUICK ? 'replay-quick' : 'replay',
    date: new Date().toISOString(),
    commit,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
    workload: {
      operations: OPS,
      invoices: INVOICES,
      zipfS: 1,
      ratePerSecond: RATE,
      users: USERS,
      editEveryMs: EDIT_EVERY_MS,
      freshnessBoundMs: FRESHNESS_MS,
    },
    target: cache
      ? {
          callsPerOperation: cache.upstreamCallsPerOperation,
          callsMet: cache.upstreamCallsPerOperation <= TARGET_CALLS_PER_OP,
          maxStalenessMs: cache.maxStalenessMs,
          withinBound: cache.withinBound,
        }
      : null,
    runs,
  };
  if (!QUICK) {
    const dir = path.join(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${summary.date.slice(0, 10)}-${commit}-replay.json`);
    fs.writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    log(`results: ${path.relative(ROOT, file)}`);
    log(table(summary));
  }
  const failed = runs.filter((r) => r.problems.length > 0);
  const line = Object.fromEntries(
    runs.map((r) => [
      r.target,
      {
        callsPerOp: Number(r.upstreamCallsPerOperation.toFixed(4)),
        staleAnswers: r.staleAnswers,
        maxStalenessMs: Math.round(r.maxStalenessMs),
        p99StalenessMs: Math.round(r.p99StalenessMs),
        withinBound: r.withinBound,
        problems: r.problems,
      },
    ]),
  );
  process.stdout.write(`${JSON.stringify({ ok: failed.length === 0, mode: summary.mode, commit, target: summary.target, runs: line })}\n`);
  process.exitCode = failed.length === 0 ? 0 : 1;
  stopping = true;
  for (const child of STARTED) child.kill('SIGTERM');
  agent.destroy();
}

function table(summary) {
  const f = (x, d = 0) => (x === null || x === undefined ? '–' : x.toFixed(d));
  return [
    `Machine: ${summary.machine.cpus} × ${summary.machine.model}, Node ${summary.machine.node}; ${summary.date}; commit ${summary.commit}; load average at end ${summary.machine.loadavg.map((l) => l.toFixed(2)).join(' ')}`,
    '',
    '| gateway | Visma calls/op | stale answers | max / p99 staleness ms | bound ms | within bound | ops/s | changes | gateway CPU ms/op | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...summary.runs.map(
      (r) =>
        `| ${r.target} | ${f(r.upstreamCallsPerOperation, 3)} | ${r.staleAnswers} of ${r.answers} | ${f(r.maxStalenessMs)} / ${f(r.p99StalenessMs)} | ${r.freshnessBoundMs ?? '–'} | ${r.withinBound === null ? '–' : r.withinBound ? 'yes' : 'no'} | ${f(r.operationsPerSecond)} | ${r.changes} | ${f(r.gatewayCpuMsPerOperation, 2)} | ${f(r.gatewayPeakRssMb)} |`,
    ),
  ].join('\n');
}

main().catch((error) => {
  log(error.stack);
  process.stdout.write(`${JSON.stringify({ ok: false, error: error.message })}\n`);
  process.exitCode = 1;
  stopping = true;
  for (const child of STARTED) child.kill('SIGTERM');
  agent.destroy();
});
