#!/usr/bin/env node
/**
 * The benchmark driver (bench/README.md). Starts on loopback: the simulator (its own process,
 * dist/simulator/main.js), the ceiling (bench/ceiling.js) and the BUILT gateway in production
 * mode (dist/main.js, Visma credentials for the simulator, an API key for the load generator).
 *
 *   node bench/run.js          full run: wrk, taskset, 3 interleaved rounds, hyperfine cold start
 *   node bench/run.js --quick  correctness gate for CI: same data from every target and the
 *                              exact upstream calls per operation; no load, no timing asserted
 *
 * The last line on stdout is one JSON summary.
 */
'use strict';
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { scenarios } = require('./scenarios');

const QUICK = process.argv.includes('--quick');
const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const INVOICE_COUNT = QUICK ? 2000 : 5000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_REQUESTS = Number(process.env.BENCH_WARMUP ?? 200);
const CONNECTIONS = [1, 10];
const QUICK_REQUESTS = 5;
const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = crypto.randomBytes(18).toString('base64url');
const API_KEY = crypto.randomBytes(24).toString('base64url');
// Target on CPU 0; simulator and load generator on CPU 1 (a 2-core machine). Quick mode pins nothing.
const pin = (cpu, args) => (QUICK || !hasCommand('taskset') ? args : ['taskset', '-c', String(cpu), ...args]);

function hasCommand(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const log = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const STARTED = [];
let stopping = false;
/** Spawns `args` (pinned), waits until `ready()` resolves truthy. */
async function startProcess(name, args, env, ready) {
  const child = spawn(args[0], args.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  STARTED.push(child);
  let exited = false;
  child.once('exit', (code, signal) => {
    exited = true;
    if (!stopping) log(`${name} exited: ${code ?? signal}`);
  });
  for (let i = 0; i < 400; i += 1) {
    if (exited) throw new Error(`${name} exited during start`);
    if (await ready().catch(() => false)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not start`);
}

async function request(base, { method, path: p, body }, headers = {}, retried = false) {
  let response;
  try {
    response = await fetch(base + p, { method, body, headers: { 'content-type': 'application/json', ...headers } });
  } catch (error) {
    // undici may reuse a keep-alive socket the server has just closed after its idle timeout
    // (while wrk ran); one retry on a fresh socket, for the driver's own control requests.
    if (retried || method !== 'GET' && method !== 'DELETE') throw error;
    return request(base, { method, path: p, body }, headers, true);
  }
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function upstreamCalls(simUrl) {
  const counters = (await request(simUrl, { method: 'GET', path: '/_simulator/counters' })).json;
  return Object.entries(counters)
    .filter(([route]) => route.includes('/v1/') || route.includes('/v2/'))
    .reduce((sum, [, value]) => sum + value.total, 0);
}
const resetCalls = (simUrl) => request(simUrl, { method: 'DELETE', path: '/_simulator/counters' });

function procStat(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15 of proc(5))
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: (ticks * 1000) / CLOCK_TICKS, peakRssMb: hwm ? Number(hwm[1]) / 1024 : null };
}
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Canonical JSON (sorted keys, undefined dropped) for comparing answers across targets. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function luaScript(requests, headers) {
  const quote = (s) => `[==[${s}]==]`;
  const headerTable = `{${Object.entries(headers)
    .map(([k, v]) => `[ ${quote(k)} ] = ${quote(v)}`)
    .join(', ')}}`;
  const lines = requests.map((r) => `  reqs[#reqs + 1] = wrk.format(${quote(r.method)}, ${quote(r.path)}, headers, ${r.body === undefined ? 'nil' : quote(r.body)})`);
  return `-- generated by bench/run.js
local reqs = {}
local i = 0
init = function(args)
  local headers = ${headerTable}
${lines.join('\n')}
end
request = function()
  i = i % #reqs + 1
  return reqs[i]
end
${process.env.BENCH_DEBUG ? 'response = function(status, headers, body) if status >= 300 then io.stderr:write(status .. " " .. body:sub(1, 200) .. "\\n") end end' : ''}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCHJSON {"requests":%d,"durationUs":%d,"socketErrors":%d,"non2xx":%d,"p50Us":%d,"p99Us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(99)))
end
`;
}

function runWrk(url, script, connections, seconds) {
  const file = path.join(os.tmpdir(), `bench-${process.pid}.lua`); // left behind for inspection
  fs.writeFileSync(file, script);
  const output = execFileSync(pin(1, ['wrk'])[0], [...pin(1, ['wrk']).slice(1), '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', file, url], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = output.split('\n').find((l) => l.startsWith('BENCHJSON '));
  return JSON.parse(line.slice('BENCHJSON '.length));
}

async function main() {
  log(`bench: ${QUICK ? 'quick (correctness)' : `full: ${ROUNDS} rounds × ${SECONDS}s`} on ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const children = STARTED;
  const cleanup = () => (stopping = true) && children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
  process.on('exit', cleanup);
  try {
    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    const sim = await startProcess(
      'simulator',
      pin(1, [process.execPath, path.join(DIST, 'simulator', 'main.js')]),
      {
        SIMULATOR_PORT: String(simPort),
        SIMULATOR_RATE_LIMIT: '1000000000',
        SIMULATOR_INVOICE_COUNT: String(INVOICE_COUNT),
        SIMULATOR_CLIENT_ID: CLIENT_ID,
        SIMULATOR_CLIENT_SECRET: CLIENT_SECRET,
        SIMULATOR_TENANT_ID: TENANT,
      },
      async () => (await request(simUrl, { method: 'GET', path: '/_simulator/health' })).status === 200,
    );
    const vismaEnv = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      VISMA_API_URL: simUrl,
      VISMA_TOKEN_URL: `${simUrl}/connect/token`,
      VISMA_CLIENT_ID: CLIENT_ID,
      VISMA_CLIENT_SECRET: CLIENT_SECRET,
      VISMA_TENANT_ID: TENANT,
    };
    const gatewayPort = await freePort();
    const gatewayEnv = {
      ...vismaEnv,
      PORT: String(gatewayPort),
      MAX_PAGE_SIZE: '1000',
      // The side-by-side scenarios measure real upstream work, one Visma call per read as the
      // ceiling makes: no cache and no coalescing (10 connections would otherwise share the few
      // pages of list1000). The replay measures both (README, "Upstream cache").
      CACHE_ENABLED: 'false',
      CACHE_COALESCING: 'false',
      AUTH_API_KEY_SHA256: crypto.createHash('sha256').update(API_KEY).digest('hex'),
    };
    const targets = {
      simulator: { url: simUrl, pid: sim.pid, headers: {} },
      ceiling: { url: `http://127.0.0.1:${await freePort()}`, headers: {} },
      gateway: { url: `http://127.0.0.1:${gatewayPort}`, headers: { 'x-api-key': API_KEY } },
    };
    const ceiling = await startProcess('ceiling', pin(0, [process.execPath, path.join(__dirname, 'ceiling.js')]), { ...vismaEnv, PORT: targets.ceiling.url.split(':')[2] }, async () =>
      (await request(targets.ceiling.url, { method: 'GET', path: '/invoice/003097' })).status === 200,
    );
    targets.ceiling.pid = ceiling.pid;
    if ((process.env.BENCH_TARGETS ?? '').split(',').includes('ceilingNodeFetch')) {
      // The same ceiling over node-fetch 2 instead of the client's default transport, to compare the two in one run.
      targets.ceilingNodeFetch = { url: `http://127.0.0.1:${await freePort()}`, headers: {} };
      const port = targets.ceilingNodeFetch.url.split(':')[2];
      const other = await startProcess('ceilingNodeFetch', pin(0, [process.execPath, path.join(__dirname, 'ceiling.js')]), { ...vismaEnv, PORT: port, BENCH_VISMA_TRANSPORT: 'node-fetch' }, async () =>
        (await request(targets.ceilingNodeFetch.url, { method: 'GET', path: '/invoice/003097' })).status === 200,
      );
      targets.ceilingNodeFetch.pid = other.pid;
    }
    const gateway = await startProcess('gateway', pin(0, [process.execPath, path.join(DIST, 'main.js')]), gatewayEnv, async () =>
      (await request(targets.gateway.url, { method: 'GET', path: '/healthz' }, targets.gateway.headers)).status === 200,
    );
    targets.gateway.pid = gateway.pid;

    const ctx = await setup(simUrl, targets);
    const all = scenarios(ctx);
  log(`setup: invoices ${ctx.firstNumber} + ${ctx.invoiceCount}, created ${ctx.created.join(' ')}`);
    const correctness = await checkCorrectness(all, targets, simUrl);
    let measured = [];
    let coldStart = null;
    let replay = null;
    if (!QUICK) {
      measured = await measure(all, targets, simUrl);
      coldStart = measureColdStart(gatewayEnv, simUrl);
    }
    replay = runReplay();
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const summary = {
      mode: QUICK ? 'quick' : 'full',
      date: new Date().toISOString(),
      commit,
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
      correctness,
      results: measured,
      ratios: ratios(measured),
      coldStart,
      replay,
    };
    if (!QUICK) {
      const dir = path.join(__dirname, 'results');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${summary.date.slice(0, 10)}-${commit}.json`);
      fs.writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
      log(`results: ${path.relative(ROOT, file)}`);
      log(table(summary));
    }
    const failed = correctness.filter((c) => !c.ok);
    if (replay && !replay.ok) failed.push({ scenario: 'replay' });
    process.stdout.write(`${JSON.stringify({ ok: failed.length === 0, mode: summary.mode, commit, correctness: correctness.map((c) => `${c.scenario}:${c.ok ? 'ok' : c.problem}`), ratios: summary.ratios, coldStart, replay })}\n`);
    process.exitCode = failed.length === 0 ? 0 : 1;
  } finally {
    cleanup();
  }
}

/** Invoices to update, the gateway's page cursors, customers per page: read once, before measuring. */
async function setup(simUrl, targets) {
  const token = (
    await fetch(`${simUrl}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, tenant_id: TENANT }),
    }).then((r) => r.json())
  ).access_token;
  targets.simulator.headers = { authorization: `Bearer ${token}` };
  const created = [];
  for (let i = 0; i < 20; i += 1) {
    const answer = await request(targets.ceiling.url, { method: 'POST', path: '/invoices', body: JSON.stringify({ customerNumber: '10000', description: 'Bench setup' }) });
    created.push(answer.json.data.referenceNumber);
  }
  const { LIST } = require('./scenarios');
  const cursors = {};
  for (const size of [50, 100, 1000]) {
    cursors[size] = [null];
    for (let page = 1; page < Math.floor(INVOICE_COUNT / size); page += 1) {
      const q = { query: `query Cursor($first: Int!, $after: String) { customerInvoices(first: $first, after: $after) { pageInfo { endCursor } } }`, variables: { first: size, after: cursors[size][page - 1] } };
      const answer = await request(targets.gateway.url, { method: 'POST', path: '/graphql', body: JSON.stringify(q) }, targets.gateway.headers);
      cursors[size].push(answer.json.data.customerInvoices.pageInfo.endCursor);
    }
  }
  void LIST;
  const customersPerPage50 = [];
  for (let page = 1; page <= Math.floor(INVOICE_COUNT / 50); page += 1) {
    const answer = await request(simUrl, { method: 'GET', path: `/v1/customerinvoice?pageNumber=${page}&pageSize=50` }, targets.simulator.headers);
    customersPerPage50.push(new Set(answer.json.map((i) => i.customer.number)).size);
  }
  const first = await request(simUrl, { method: 'GET', path: '/v1/customerinvoice?pageNumber=1&pageSize=1' }, targets.simulator.headers);
  return { invoiceCount: INVOICE_COUNT, firstNumber: Number(first.json[0].referenceNumber), cursors, created, customersPerPage50 };
}

/** Same data from the ceiling and the gateway, and the exact upstream calls per operation. */
async function checkCorrectness(all, targets, simUrl) {
  const report = [];
  for (const scenario of all) {
    let problem = null;
    const calls = { ceiling: [], gateway: [] };
    for (let i = 0; i < QUICK_REQUESTS && problem === null; i += 1) {
      const answers = {};
      for (const target of ['ceiling', 'gateway']) {
        await resetCalls(simUrl);
        const answer = await request(targets[target].url, scenario[target](i), targets[target].headers);
        calls[target].push(await upstreamCalls(simUrl));
        if (answer.status !== 200 || answer.json.errors) {
          problem = `${target} answered ${answer.status} ${JSON.stringify(answer.json.errors ?? answer.json).slice(0, 300)}`;
          break;
        }
        const picked = scenario.pick(target, answer.json.data);
        if (picked === null || (Array.isArray(picked) && picked.some((x) => x === null))) {
          problem = `${target} answered null to ${JSON.stringify(scenario[target](i)).slice(0, 200)}: the scenario asks for invoices that do not exist`;
          break;
        }
        answers[target] = canonical(picked);
      }
      if (problem) break;
      if (answers.ceiling !== answers.gateway) {
        const at = [...answers.ceiling].findIndex((ch, k) => ch !== answers.gateway[k]);
        problem = `request ${i}: the gateway's data differs from the ceiling's at …${answers.gateway.slice(Math.max(0, at - 80), at + 40)}… vs …${answers.ceiling.slice(Math.max(0, at - 80), at + 40)}…`;
      }
      const expected = scenario.expectedCalls(i);
      for (const target of ['ceiling', 'gateway']) {
        if (calls[target][i] !== expected) problem = `request ${i}: ${target} made ${calls[target][i]} upstream calls, expected ${expected}`;
      }
    }
    log(`check ${scenario.name}: ${problem ?? 'ok'} (upstream calls per operation: gateway ${calls.gateway.join(',')})`);
    report.push({ scenario: scenario.name, ok: problem === null, problem, upstreamCalls: calls });
  }
  return report;
}

async function measure(all, targets, simUrl) {
  const results = [];
  const sampleCount = 200;
  // BENCH_SCENARIOS / BENCH_TARGETS (comma-separated names) narrow a run, e.g. to re-measure one lever.
  const only = (variable, name) => !process.env[variable] || process.env[variable].split(',').includes(name);
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const scenario of all.filter((s) => only('BENCH_SCENARIOS', s.name))) {
      for (const connections of CONNECTIONS) {
        for (const target of ['simulator', 'ceiling', 'ceilingNodeFetch', 'gateway']) {
          const send = scenario[target === 'ceilingNodeFetch' ? 'ceiling' : target];
          if (!send || !targets[target] || !only('BENCH_TARGETS', target)) continue;
          const offset = round * 1000;
          const requests = Array.from({ length: sampleCount }, (_, k) => send(offset + k));
          for (let w = 0; w < WARMUP_REQUESTS; w += 1) {
            await request(targets[target].url, send(w), targets[target].headers);
          }
          await resetCalls(simUrl);
          const before = procStat(targets[target].pid);
          const wrk = runWrk(targets[target].url, luaScript(requests, { 'content-type': 'application/json', ...targets[target].headers }), connections, SECONDS);
          const after = procStat(targets[target].pid);
          const upstream = target === 'simulator' ? null : (await upstreamCalls(simUrl)) / wrk.requests;
          const row = {
            round,
            scenario: scenario.name,
            target,
            connections,
            requestsPerSecond: wrk.requests / (wrk.durationUs / 1e6),
            p50Ms: wrk.p50Us / 1000,
            p99Ms: wrk.p99Us / 1000,
            cpuMsPerRequest: (after.cpuMs - before.cpuMs) / wrk.requests,
            peakRssMb: after.peakRssMb,
            upstreamCallsPerOperation: upstream,
            errors: wrk.socketErrors + wrk.non2xx,
          };
          log(JSON.stringify(row));
          results.push(row);
        }
      }
    }
  }
  return results;
}

/** Medians over rounds, per scenario × target × connections. */
function medians(results) {
  const groups = new Map();
  for (const row of results) {
    const key = `${row.scenario}|${row.target}|${row.connections}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
  const median = (xs) => {
    const sorted = xs.filter((x) => x !== null).sort((a, b) => a - b);
    return sorted.length === 0 ? null : sorted[Math.floor(sorted.length / 2)];
  };
  return [...groups.values()].map((rows) => ({
    scenario: rows[0].scenario,
    target: rows[0].target,
    connections: rows[0].connections,
    requestsPerSecond: median(rows.map((r) => r.requestsPerSecond)),
    p50Ms: median(rows.map((r) => r.p50Ms)),
    p99Ms: median(rows.map((r) => r.p99Ms)),
    cpuMsPerRequest: median(rows.map((r) => r.cpuMsPerRequest)),
    peakRssMb: Math.max(...rows.map((r) => r.peakRssMb)),
    upstreamCallsPerOperation: median(rows.map((r) => r.upstreamCallsPerOperation)),
    errors: rows.reduce((s, r) => s + r.errors, 0),
  }));
}

function ratios(results) {
  const m = medians(results);
  const out = {};
  for (const row of m.filter((r) => r.target === 'gateway')) {
    const ceiling = m.find((r) => r.target === 'ceiling' && r.scenario === row.scenario && r.connections === row.connections);
    if (ceiling) out[`${row.scenario}@c${row.connections}`] = Number((row.requestsPerSecond / ceiling.requestsPerSecond).toFixed(2));
  }
  return out;
}

function table(summary) {
  const f = (x, d = 1) => (x === null || x === undefined ? '–' : x.toFixed(d));
  const rows = medians(summary.results).map(
    (r) =>
      `| ${r.scenario} | ${r.target} | ${r.connections} | ${f(r.requestsPerSecond, 0)} | ${f(r.p50Ms, 2)} / ${f(r.p99Ms, 2)} | ${f(r.cpuMsPerRequest, 2)} | ${f(r.peakRssMb, 0)} | ${f(r.upstreamCallsPerOperation, 2)} | ${r.target === 'gateway' ? f(summary.ratios[`${r.scenario}@c${r.connections}`], 2) : ''} |`,
  );
  return [
    `Machine: ${summary.machine.cpus} × ${summary.machine.model}, Node ${summary.machine.node}; ${summary.date}; commit ${summary.commit}; load average at end ${summary.machine.loadavg.map((l) => l.toFixed(2)).join(' ')}`,
    '',
    '| scenario | target | conns | req/s | p50 / p99 ms | target CPU ms/req | peak RSS MB | upstream calls/op | gateway ÷ ceiling |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Cold start to first answer (hyperfine): ${summary.coldStart ? `${f(summary.coldStart.meanMs, 0)} ms mean (± ${f(summary.coldStart.stddevMs, 0)})` : 'not measured (hyperfine missing)'}`,
  ].join('\n');
}

/**
 * The read-workload replay (bench/replay.js, its own simulator and gateways; these targets sit idle
 * meanwhile): its summary line. Quick mode runs its short version, which asserts no timing.
 */
function runReplay() {
  if (process.env.BENCH_SCENARIOS && !process.env.BENCH_SCENARIOS.split(',').includes('replay')) return null;
  // A replay that finds a problem exits 1; its summary line still says which, and this run's results stay.
  const { stdout } = spawnSync(process.execPath, [path.join(__dirname, 'replay.js'), ...(QUICK ? ['--quick'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  return JSON.parse(stdout.trim().split('\n').pop() || '{"ok":false,"error":"no summary line"}');
}

/** Cold start: `node dist/main.js` until its first GraphQL answer, timed by hyperfine (bench/cold-start.js). */
function measureColdStart(gatewayEnv, simUrl) {
  if (!hasCommand('hyperfine')) return null;
  const out = path.join(os.tmpdir(), `bench-cold-${process.pid}.json`);
  execFileSync('hyperfine', ['--runs', '10', '--warmup', '1', '--export-json', out, `${process.execPath} ${path.join(__dirname, 'cold-start.js')}`], {
    env: { ...process.env, ...gatewayEnv, PORT: '0', BENCH_API_KEY: API_KEY, BENCH_SIMULATOR_URL: simUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const result = JSON.parse(fs.readFileSync(out, 'utf8')).results[0];
  return { meanMs: result.mean * 1000, stddevMs: result.stddev * 1000, minMs: result.min * 1000 };
}

main().catch((error) => {
  log(error.stack);
  process.stdout.write(`${JSON.stringify({ ok: false, error: error.message })}\n`);
  process.exitCode = 1;
});
