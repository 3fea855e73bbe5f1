#!/usr/bin/env node
'use strict';
/**
 * The gateway's own CPU per GraphQL request, without the network: one build's composition root
 * (`composeGateway`, shipped defaults plus the side-by-side runs' MAX_PAGE_SIZE and an API key's
 * absence aside) over a VismaApi that answers from invoices read once from a simulator, driven
 * through Apollo's `executeHTTPGraphQLRequest` with a context made as the node:http path makes it
 * (`createContext`), one request at a time. What it measures is what lies between the HTTP layer
 * and Visma: the context, Apollo's pipeline and plugins, the operation budget, graphql-jit's
 * execution, the resolvers, the invoices service and its loaders, metrics and logging.
 *
 *   npm run build && node bench/pipeline.js [requests=20000] [rounds=5] [dist...]
 *
 * With several `dist` directories (builds of different commits) each round runs each build in a
 * fresh process on CPU 0, alternating, so one lever's before and after come from one run. One
 * JSON line per build: µs of CPU per request (process.cpuUsage over the measured requests after a
 * warm-up), every round's and the median, and the load average.
 */
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { freePort, pinner } = require('./lib');

const SCENARIOS = {
  byNumber: {
    query:
      'query Invoice($n: ID!) { customerInvoice(referenceNumber: $n) { referenceNumber status currencyId amount balance documentDate customer { number name } lines { lineNumber description quantity unitPrice amount } } }',
    variables: (i, numbers) => ({ n: numbers[(i * 7) % numbers.length] }),
  },
};

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4], Number(process.argv[5])).catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
} else {
  // The simulator child would keep the process alive after the last line.
  main().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}

async function main() {
  const requests = Number(process.argv[2] ?? 20000);
  const rounds = Number(process.argv[3] ?? 5);
  const dists = process.argv.slice(4);
  if (dists.length === 0) dists.push(path.join(__dirname, '..', 'dist'));
  const pin = pinner(false);
  const secret = crypto.randomBytes(18).toString('base64url');
  const simUrl = `http://127.0.0.1:${await freePort()}`;
  const simArgs = pin(1, [process.execPath, path.join(__dirname, '..', 'dist', 'simulator', 'main.js')]);
  const sim = spawn(simArgs[0], simArgs.slice(1), {
    env: {
      ...process.env,
      SIMULATOR_PORT: simUrl.split(':')[2],
      SIMULATOR_INVOICE_COUNT: '200',
      SIMULATOR_CLIENT_ID: 'bench-pipeline',
      SIMULATOR_CLIENT_SECRET: secret,
      SIMULATOR_TENANT_ID: 'bench-tenant',
      SIMULATOR_RATE_LIMIT: '1000000000',
    },
    stdio: 'ignore',
  });
  process.on('exit', () => sim.kill('SIGKILL'));
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${simUrl}/_simulator/health`)).status === 200) break;
    } catch {
      if (i > 200) throw new Error('the simulator did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const runs = Object.fromEntries(dists.map((dist) => [dist, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const dist of round % 2 === 0 ? dists : [...dists].reverse()) {
      const args = pin(0, [process.execPath, __filename, '--child', dist, simUrl, String(requests)]);
      const out = execFileSync(args[0], args.slice(1), {
        encoding: 'utf8',
        env: { ...process.env, BENCH_SIMULATOR_SECRET: secret },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const result = JSON.parse(out.trim().split('\n').pop());
      runs[dist].push(result.cpuUsPerRequest);
      process.stderr.write(
        `round ${round + 1} ${dist}: ${result.cpuUsPerRequest.toFixed(1)} µs CPU per request (load ${os.loadavg()[0].toFixed(1)})\n`,
      );
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const dist of dists) {
    process.stdout.write(
      `${JSON.stringify({ dist, requests, rounds: runs[dist].map((x) => Number(x.toFixed(1))), medianCpuUsPerRequest: Number(median(runs[dist]).toFixed(1)), loadavg: os.loadavg() })}\n`,
    );
  }
}

async function child(dist, simUrl, requests) {
  require('reflect-metadata');
  const { loadConfig } = require(path.join(dist, 'config'));
  const { createLogger } = require(path.join(dist, 'logger'));
  const { composeGateway } = require(path.join(dist, 'compose'));
  const { createVismaClient, VismaNotFoundError } = require(path.join(dist, 'visma'));
  const { HeaderMap } = require('@apollo/server');
  const client = createVismaClient({
    baseUrl: simUrl,
    auth: {
      mode: 'client_credentials',
      tokenUrl: `${simUrl}/connect/token`,
      clientId: 'bench-pipeline',
      clientSecret: process.env.BENCH_SIMULATOR_SECRET,
      tenantId: 'bench-tenant',
    },
    timeZone: 'Europe/Oslo',
  });
  // Each one read by number, as the gateway reads it (a list's items may carry less).
  const page = await client.listInvoices({ pageNumber: 1, pageSize: 200 });
  const invoices = new Map();
  for (const listed of page.invoices) invoices.set(listed.referenceNumber, await client.getInvoice(listed.referenceNumber));
  const numbers = [...invoices.keys()];
  client.close();
  const notFound = (what) => Promise.reject(new VismaNotFoundError(`no ${what}`, { operation: 'bench' }));
  const visma = {
    getInvoice: (number) => (invoices.has(number) ? Promise.resolve(invoices.get(number)) : notFound('invoice')),
    listInvoices: () => Promise.reject(new Error('not in this benchmark')),
    createInvoice: () => Promise.reject(new Error('not in this benchmark')),
    updateInvoice: () => Promise.reject(new Error('not in this benchmark')),
    releaseInvoice: () => Promise.reject(new Error('not in this benchmark')),
    getCustomer: () => notFound('customer'),
    rateLimit: () => null,
  };
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn', MAX_PAGE_SIZE: '1000', AUTH_REQUIRED: 'false', PORT: '0' });
  const gateway = await composeGateway(config, {
    logger: createLogger(config.logLevel),
    visma,
    processMetrics: true,
    withoutUpstreamCache: true,
  });
  const { server } = gateway;
  const scenario = SCENARIOS.byNumber;
  const send = async (i) => {
    const headers = new HeaderMap([
      ['content-type', 'application/json'],
      ['accept', 'application/graphql-response+json, application/json'],
    ]);
    const answer = await server.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: 'POST',
        headers,
        search: '',
        body: { query: scenario.query, variables: scenario.variables(i, numbers) },
      },
      context: () => Promise.resolve(server.createContext({ requestId: `bench-${i}` })),
    });
    if (answer.body.kind !== 'complete' || answer.status !== undefined) throw new Error(`unexpected answer ${answer.status}`);
    return answer.body.string;
  };
  const first = JSON.parse(await send(0));
  if (first.errors || first.data.customerInvoice.lines.length === 0) throw new Error(JSON.stringify(first).slice(0, 300));
  // graphql-jit loads after the first answer and compiles on the next.
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (let i = 0; i < 3000; i += 1) await send(i);
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i += 1) await send(i);
  const used = process.cpuUsage(before);
  await gateway.close();
  process.stdout.write(`${JSON.stringify({ cpuUsPerRequest: (used.user + used.system) / requests })}\n`);
  process.exit(0);
}
