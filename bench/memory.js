'use strict';
/**
 * Peak RSS of one gateway process under N clients reading pages of 1000, each client asking for
 * the next of the first five pages in turn; or, with `byNumber` as the third argument, single
 * invoices (the by-number scenario's query, numbers rotating over the first 2,000). The table's peak RSS (run.js) is VmHWM over a
 * process's whole life, setup included; this starts a fresh simulator and gateway per run, so one
 * run is one configuration.
 *
 *   npm run build && node bench/memory.js [connections=10] [seconds=10] [list1000|byNumber]
 *
 * The gateway starts as the image starts it (its startup snapshot and malloc setting). Its
 * environment passes through (e.g. VISMA_MAX_INVOICES_IN_FLIGHT); BENCH_NODE_FLAGS adds flags to
 * the gateway's node command line (e.g. "--max-old-space-size=128"); BENCH_PLAIN=1 starts `node
 * dist/main.js` without the malloc setting instead (the start before both);
 * BENCH_GATEWAY_DIST runs another build's gateway (its dist/), the simulator staying this one's. Prints one
 * JSON line: requests/s, gateway CPU ms per request (/proc), RSS after the cursor walk, and
 * VmHWM. Gateway on CPU 0, simulator and this driver on CPU 1, as in run.js.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { SHIPPED_ENV, gatewayArgs } = require('../scripts/gateway-command');

const DIST = path.join(__dirname, '..', 'dist');
const GATEWAY_DIST = process.env.BENCH_GATEWAY_DIST ?? DIST;
const [connections, seconds] = [Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 10)];
const SCENARIO = process.argv[4] ?? 'list1000';
const BY_NUMBER =
  'query Invoice($n: ID!) { customerInvoice(referenceNumber: $n) { referenceNumber status currencyId amount balance documentDate ' +
  'customer { number name } lines { lineNumber description quantity unitPrice amount } } }';
const CREDENTIALS = { id: 'bench-memory', secret: `s-${process.pid}-${Date.now()}`, tenant: 'bench-tenant' };
const LIST =
  'query Invoices($first: Int!, $after: String) { customerInvoices(first: $first, after: $after) { totalCount nodes { ' +
  'referenceNumber status currencyId amount balance documentDate customer { number } lines { lineNumber description quantity unitPrice amount } } } }';

/**
 * The gateway as the image starts it (its startup snapshot, scripts/gateway-command.js) with
 * BENCH_NODE_FLAGS as V8 options; BENCH_GATEWAY_DIST's build from its own snapshot if it has
 * one (built with no options), else as `node <dist>/main.js`; BENCH_PLAIN=1 this build's main.js.
 */
function gatewayCommand() {
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  if (process.env.BENCH_PLAIN === '1') return [...flags, path.join(DIST, 'main.js')];
  // The blob is built for the flags (Node 20 starts a blob only with the V8 options it was built with).
  if (GATEWAY_DIST === DIST) return [...flags, ...gatewayArgs(flags.join(' '))];
  const blob = path.join(GATEWAY_DIST, 'gateway.blob');
  return fs.existsSync(blob) && flags.length === 0 ? ['--snapshot-blob', blob] : [...flags, path.join(GATEWAY_DIST, 'main.js')];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const statusMb = (pid, key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
// utime + stime, fields 14 and 15 of proc(5), at 100 ticks a second.
const cpuMs = (pid) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
async function waitUntilUp(url) {
  for (let i = 0; i < 600; i += 1) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}
const pinned = (cpu, args) => (fs.existsSync('/usr/bin/taskset') && os.cpus().length > 1 ? ['taskset', '-c', String(cpu), ...args] : args);

async function main() {
  const children = [];
  process.on('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGTERM')));
  const simUrl = `http://127.0.0.1:${await freePort()}`;
  const [simCommand, ...simArgs] = pinned(1, [process.execPath, path.join(DIST, 'simulator', 'main.js')]);
  children.push(
    spawn(simCommand, simArgs, {
      env: {
        ...process.env,
        SIMULATOR_PORT: simUrl.split(':')[2],
        SIMULATOR_RATE_LIMIT: '1000000000',
        SIMULATOR_INVOICE_COUNT: '5000',
        SIMULATOR_CLIENT_ID: CREDENTIALS.id,
        SIMULATOR_CLIENT_SECRET: CREDENTIALS.secret,
        SIMULATOR_TENANT_ID: CREDENTIALS.tenant,
      },
      stdio: 'ignore',
    }),
  );
  await waitUntilUp(`${simUrl}/_simulator/health`);
  const gatewayUrl = `http://127.0.0.1:${await freePort()}`;
  const [command, ...args] = pinned(0, [process.execPath, ...gatewayCommand()]);
  // taskset execs node in place, so the child's pid is the gateway's.
  const gateway = spawn(command, args, {
    env: {
      ...process.env,
      ...(process.env.BENCH_PLAIN === '1' ? {} : SHIPPED_ENV),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: gatewayUrl.split(':')[2],
      MAX_PAGE_SIZE: '1000',
      // As in run.js: real upstream work, not the cache.
      CACHE_ENABLED: 'false',
      AUTH_REQUIRED: 'false',
      VISMA_API_URL: simUrl,
      VISMA_TOKEN_URL: `${simUrl}/connect/token`,
      VISMA_CLIENT_ID: CREDENTIALS.id,
      VISMA_CLIENT_SECRET: CREDENTIALS.secret,
      VISMA_TENANT_ID: CREDENTIALS.tenant,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(gateway);
  await waitUntilUp(`${gatewayUrl}/healthz`);

  const graphql = async (query, variables) => {
    const response = await fetch(`${gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (response.status !== 200 || body.errors) throw new Error(JSON.stringify(body).slice(0, 300));
    return body.data;
  };
  const cursors = [null];
  // By number reads no page: a walk over pages of 1000 would set the peak before the load starts.
  for (let i = 0; i < (SCENARIO === 'byNumber' ? 0 : 4); i += 1) {
    const page = await graphql('query Next($after: String) { customerInvoices(first: 1000, after: $after) { pageInfo { endCursor } } }', {
      after: cursors[i],
    });
    cursors.push(page.customerInvoices.pageInfo.endCursor);
  }
  const rssAfterWalkMb = statusMb(gateway.pid, 'VmRSS');
  const cpuBefore = cpuMs(gateway.pid);
  let completed = 0;
  let failed = 0;
  let next = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        try {
          if (SCENARIO === 'byNumber') await graphql(BY_NUMBER, { n: String(1 + (next++ % 2000)).padStart(6, '0') });
          else await graphql(LIST, { first: 1000, after: cursors[next++ % cursors.length] });
          completed += 1;
        } catch {
          failed += 1;
        }
      }
    }),
  );
  const result = {
    scenario: SCENARIO,
    gateway: path.relative(process.cwd(), GATEWAY_DIST) || '.',
    connections,
    seconds,
    maxInvoicesInFlight: process.env.VISMA_MAX_INVOICES_IN_FLIGHT ?? 'default',
    nodeFlags: process.env.BENCH_NODE_FLAGS ?? '',
    start: process.env.BENCH_PLAIN === '1' ? 'node dist/main.js' : 'startup snapshot',
    requests: completed,
    failed,
    requestsPerSecond: completed / seconds,
    cpuMsPerRequest: (cpuMs(gateway.pid) - cpuBefore) / Math.max(1, completed),
    rssAfterWalkMb,
    peakRssMb: statusMb(gateway.pid, 'VmHWM'),
    loadavg: os.loadavg(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
