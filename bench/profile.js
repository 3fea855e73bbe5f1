#!/usr/bin/env node
'use strict';
/**
 * Where the gateway's CPU per request goes: `node --cpu-prof` on bench/gateway.js (the side-by-side
 * runs' gateway, its own simulator) under wrk, then each sample charged to the first gateway or
 * library frame above it (a `dist/<dir>` of the gateway, a package of node_modules, else Node's own
 * or V8's: GC, the socket, the idle loop).
 *
 *   npm run build && node bench/profile.js [scenario=byNumber] [connections=1] [seconds=8]
 *
 * BENCH_GATEWAY_DIST profiles another build (as in run.js); BENCH_PROFILE_DIR keeps the
 * .cpuprofile (default: a temporary directory). Gateway on CPU 0, simulator and wrk on CPU 1.
 * Prints the table to stderr and one JSON line to stdout: requests, busy CPU ms per request and
 * ms per request by bucket (the whole process over the measured window: the warm-up is excluded
 * by the profile's own timestamps).
 */
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pinner, log, freePort, procStat } = require('./lib');
const { scenarios } = require('./scenarios');

const [SCENARIO, CONNECTIONS, SECONDS] = [process.argv[2] ?? 'byNumber', Number(process.argv[3] ?? 1), Number(process.argv[4] ?? 8)];
const DIST = process.env.BENCH_GATEWAY_DIST ?? path.join(__dirname, '..', 'dist');
const INVOICES = 2000;
const pin = pinner(false);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(url, headers = {}) {
  for (let i = 0; i < 600; i += 1) {
    try {
      if ((await fetch(url, { headers })).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${url} did not come up`);
}

async function main() {
  const children = [];
  process.on('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));
  const secret = crypto.randomBytes(18).toString('base64url');
  const apiKey = crypto.randomBytes(24).toString('base64url');
  const simUrl = `http://127.0.0.1:${await freePort()}`;
  const sim = pin(1, [process.execPath, path.join(__dirname, '..', 'dist', 'simulator', 'main.js')]);
  children.push(
    spawn(sim[0], sim.slice(1), {
      env: {
        ...process.env,
        SIMULATOR_PORT: simUrl.split(':')[2],
        SIMULATOR_RATE_LIMIT: '1000000000',
        SIMULATOR_INVOICE_COUNT: String(INVOICES),
        SIMULATOR_CLIENT_ID: 'bench-profile',
        SIMULATOR_CLIENT_SECRET: secret,
        SIMULATOR_TENANT_ID: 'bench-tenant',
      },
      stdio: 'ignore',
    }),
  );
  await waitFor(`${simUrl}/_simulator/health`);
  const dir = process.env.BENCH_PROFILE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
  const url = `http://127.0.0.1:${await freePort()}`;
  const args = pin(0, [process.execPath, '--cpu-prof', `--cpu-prof-dir=${dir}`, path.join(__dirname, 'gateway.js')]);
  const gateway = spawn(args[0], args.slice(1), {
    env: {
      ...process.env,
      BENCH_GATEWAY_DIST: DIST,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: url.split(':')[2],
      MAX_PAGE_SIZE: '1000',
      AUTH_API_KEY_SHA256: crypto.createHash('sha256').update(apiKey).digest('hex'),
      VISMA_API_URL: simUrl,
      VISMA_TOKEN_URL: `${simUrl}/connect/token`,
      VISMA_CLIENT_ID: 'bench-profile',
      VISMA_CLIENT_SECRET: secret,
      VISMA_TENANT_ID: 'bench-tenant',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(gateway);
  await waitFor(`${url}/healthz`);
  const headers = { 'content-type': 'application/json', 'x-api-key': apiKey };
  // Cursors for the list scenarios, as run.js reads them.
  const cursors = {};
  for (const size of [50, 100, 1000]) {
    cursors[size] = [null];
    for (let page = 1; page < Math.floor(INVOICES / size); page += 1) {
      const q = `query C($first: Int!, $after: String) { customerInvoices(first: $first, after: $after) { pageInfo { endCursor } } }`;
      const answer = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: q, variables: { first: size, after: cursors[size][page - 1] } }),
      }).then((r) => r.json());
      cursors[size].push(answer.data.customerInvoices.pageInfo.endCursor);
    }
  }
  const scenario = scenarios({ invoiceCount: INVOICES, firstNumber: 1, cursors, created: ['000001'], customersPerPage50: [] }).find(
    (s) => s.name === SCENARIO,
  );
  if (scenario === undefined) throw new Error(`no scenario ${SCENARIO}`);
  const warmup = SCENARIO.startsWith('list1000') ? 20 : 300;
  for (let i = 0; i < warmup; i += 1) {
    const r = scenario.gateway(i);
    const answer = await fetch(url + r.path, { method: r.method, body: r.body, headers }).then((x) => x.json());
    if (answer.errors) throw new Error(JSON.stringify(answer.errors).slice(0, 300));
  }
  const quote = (s) => `[==[${s}]==]`;
  const lua = path.join(dir, 'profile.lua');
  fs.writeFileSync(
    lua,
    `local reqs = {}\nlocal i = 0\ninit = function(args)\n  local headers = {["content-type"] = "application/json", ["x-api-key"] = ${quote(apiKey)}}\n${Array.from(
      { length: 200 },
      (_, k) => scenario.gateway(1000 + k),
    )
      .map((r) => `  reqs[#reqs + 1] = wrk.format("POST", "/graphql", headers, ${quote(r.body)})`)
      .join('\n')}\nend\nrequest = function()\n  i = i % #reqs + 1\n  return reqs[i]\nend\n`,
  );
  const startedAt = Date.now();
  const before = procStat(gateway.pid);
  const wrkArgs = pin(1, ['wrk', '-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', lua, url]);
  const out = execFileSync(wrkArgs[0], wrkArgs.slice(1), { encoding: 'utf8' });
  const after = procStat(gateway.pid);
  const endedAt = Date.now();
  const requests = Number(/(\d+) requests in/.exec(out)[1]);
  const exited = new Promise((resolve) => gateway.once('exit', resolve));
  gateway.kill('SIGTERM');
  await exited;
  const exitedAt = Date.now();
  const file = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  const buckets = summarise(JSON.parse(fs.readFileSync(file, 'utf8')), exitedAt - startedAt, exitedAt - endedAt, requests);
  const cpuMsPerRequest = (after.cpuMs - before.cpuMs) / requests;
  log(
    `${SCENARIO} c${CONNECTIONS} ${SECONDS}s: ${requests} requests, CPU ${cpuMsPerRequest.toFixed(3)} ms per request (/proc), load ${os.loadavg()[0].toFixed(2)}; ${file}`,
  );
  for (const [name, ms] of Object.entries(buckets)) log(`  ${ms.toFixed(3).padStart(8)}  ${name}`);
  process.stdout.write(
    `${JSON.stringify({ scenario: SCENARIO, connections: CONNECTIONS, requests, cpuMsPerRequest, buckets, profile: file })}\n`,
  );
}

/**
 * ms per request by bucket over the samples of the measured window, `startMs` to `endMs` before
 * the process exited (the profile ends at its exit; its clock is not the wall clock): each sample
 * goes to the first frame, from the leaf up, in a gateway directory or a package; samples whose
 * stack has neither go to V8's or Node's own name for the leaf.
 */
function summarise(profile, startMs, endMs, requests) {
  const from = profile.endTime - startMs * 1000;
  const to = profile.endTime - endMs * 1000;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const bucketOf = new Map();
  const bucket = (id) => {
    if (bucketOf.has(id)) return bucketOf.get(id);
    const node = byId.get(id);
    const { url, functionName } = node.callFrame;
    let name;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    const own = /\/dist\/(.*)\/[^/]+\.js$/.exec(url) ?? (/\/dist\/[^/]+\.js$/.test(url) ? [null, '.'] : null);
    if (pkg) name = pkg[1];
    else if (own && !url.includes('node_modules')) name = `gateway ${own[1]}`;
    else if (/\/bench\//.test(url)) name = 'bench';
    else if (parent.has(id)) name = bucket(parent.get(id));
    else name = null;
    if (name === null) name = `(${functionName || url || 'program'})`;
    bucketOf.set(id, name);
    return name;
  };
  const totals = {};
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    t += profile.timeDeltas[i];
    if (t < from || t > to) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]);
    const leafName = node.callFrame.functionName;
    const name = leafName === '(idle)' ? '(idle)' : leafName === '(garbage collector)' ? '(garbage collector)' : bucket(node.id);
    totals[name] = (totals[name] ?? 0) + dt;
  }
  delete totals['(idle)'];
  const sorted = Object.entries(totals)
    .map(([name, us]) => [name, us / 1000 / requests])
    .sort((a, b) => b[1] - a[1]);
  const busy = sorted.reduce((s, [, ms]) => s + ms, 0);
  return Object.fromEntries([['busy (whole process)', busy], ...sorted.filter(([, ms]) => ms >= 0.002)]);
}

// The simulator child would keep the process alive after the last line.
main().then(
  () => process.exit(0),
  (error) => {
    log(error.stack ?? String(error));
    process.exit(1);
  },
);
