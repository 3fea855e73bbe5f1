#!/usr/bin/env node
/**
 * Reproduces the Dockerfile's runtime stage without Docker (no daemon runs in CI): copies what
 * the stage copies into an empty directory, runs the stage's own RUN lines with the ENV set before
 * each (the production-only install, the startup snapshot's build), starts the exact CMD with the stage's ENV, and checks it as an orchestrator would:
 * the HEALTHCHECK command, /healthz, /readyz, a GraphQL operation, /metrics and the playground;
 * then SIGTERM while a request is in flight, which must still be answered before a clean exit.
 *
 * Needs `npm run build` first (the build stage's output). The `node` on PATH is the one the CMD
 * runs, so CI runs this with the image's Node major first on PATH.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { cpSync, mkdtempSync, readFileSync, rmSync, existsSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 60_000;

function fail(message) {
  process.stderr.write(`production run: FAILED: ${message}\n`);
  process.exitCode = 1;
  throw new Error(message);
}

/** The runtime stage (the last FROM) as instructions, with line continuations joined. */
function runtimeStage(dockerfile) {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim());
  const instructions = lines.filter((line) => line !== '' && !line.startsWith('#'));
  const lastFrom = instructions.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
  return instructions.slice(lastFrom).map((line) => {
    const match = /^(\w+)\s+(.*)$/.exec(line);
    return { keyword: match[1].toUpperCase(), args: match[2] };
  });
}

function parseEnv(args) {
  const env = {};
  for (const match of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
    env[match[1]] = match[2].replace(/^"|"$/g, '');
  }
  return env;
}

function execForm(args, what) {
  try {
    const parsed = JSON.parse(args);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
  } catch {
    // fall through
  }
  return fail(`${what} must use the exec (JSON array) form so no shell stands between the signal and node: ${args}`);
}

function copy(args, app) {
  const parts = args.split(/\s+/).filter((part) => !part.startsWith('--'));
  const destination = parts.at(-1);
  const sources = args.includes('--from=build') ? parts.slice(0, -1).map((p) => p.replace(/^\/app\//, '')) : parts.slice(0, -1);
  for (const source of sources) {
    if (!existsSync(path.join(ROOT, source))) fail(`${source} is missing (run npm run build first)`);
    const target = destination.endsWith('/') ? path.join(app, destination, path.basename(source)) : path.join(app, destination);
    cpSync(path.join(ROOT, source), target, { recursive: true });
  }
}

function run(command, app, env) {
  process.stdout.write(`production run: RUN ${command}\n`);
  // A cache of its own, as in a fresh image: `npm cache clean` must not empty the machine's cache.
  const npmCache = path.join(os.tmpdir(), `${path.basename(app)}-npm-cache`);
  const result = spawnSync('sh', ['-c', command], {
    cwd: app,
    stdio: 'inherit',
    env: { ...process.env, ...env, npm_config_cache: npmCache },
  });
  rmSync(npmCache, { recursive: true, force: true });
  if (result.status !== 0) fail(`RUN exited with ${result.status}`);
}

async function main() {
  const stage = runtimeStage(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const env = Object.assign({}, ...stage.filter((i) => i.keyword === 'ENV').map((i) => parseEnv(i.args)));
  const cmd = execForm(stage.find((i) => i.keyword === 'CMD')?.args ?? fail('no CMD'), 'CMD');
  const healthcheck = stage.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? fail('no HEALTHCHECK');
  const healthcheckCmd = execForm(healthcheck.replace(/^.*?\bCMD\s+/, ''), 'HEALTHCHECK CMD');
  if (stage.find((i) => i.keyword === 'USER')?.args === 'root') fail('the image must not run as root');

  const app = mkdtempSync(path.join(os.tmpdir(), 'gateway-image-'));
  let child;
  try {
    // The runtime stage's COPY and RUN lines in order, each RUN with the ENV set before it: package
    // files, scripts and operations/ from the context, dist/ from the build stage (npm run build).
    const envSoFar = {};
    for (const instruction of stage) {
      if (instruction.keyword === 'ENV') Object.assign(envSoFar, parseEnv(instruction.args));
      if (instruction.keyword === 'COPY') copy(instruction.args, app);
      if (instruction.keyword === 'RUN') run(instruction.args, app, envSoFar);
    }
    if (existsSync(path.join(app, 'node_modules', 'typescript')) || existsSync(path.join(app, 'node_modules', 'jest'))) {
      fail('dev dependencies were installed');
    }

    const node = spawnSync('node', ['--version'], { encoding: 'utf8' }).stdout.trim();
    process.stdout.write(`production run: ${cmd.join(' ')} on node ${node} with ${JSON.stringify(env)} (PORT=0 here)\n`);
    child = spawn(cmd[0], cmd.slice(1), {
      cwd: app,
      // PORT 0: a free port on a shared CI machine; everything else as the image sets it.
      env: { PATH: process.env.PATH, HOME: app, ...env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = [];
    let buffered = '';
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the gateway did not log that it is ready')), READY_TIMEOUT_MS);
      child.stdout.on('data', (chunk) => {
        buffered += chunk.toString('utf8');
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          let entry;
          try {
            entry = JSON.parse(line);
          } catch {
            reject(new Error(`a log line is not JSON: ${line.slice(0, 200)}`));
            return;
          }
          lines.push(entry);
          if (typeof entry.msg === 'string' && entry.msg.startsWith('GraphQL gateway ready')) {
            clearTimeout(timer);
            resolve(entry);
          }
        }
      });
      exited.then(({ code }) => reject(new Error(`the gateway exited with ${code} before it was ready`)));
    });
    const readyLine = await ready;
    const graphqlUrl = readyLine.url;
    const port = new URL(graphqlUrl).port;
    const at = (p) => new URL(p, graphqlUrl).toString();

    const health = spawnSync(healthcheckCmd[0], healthcheckCmd.slice(1), { env: { PATH: process.env.PATH, ...env, PORT: port } });
    if (health.status !== 0) fail(`the HEALTHCHECK command exited with ${health.status}`);
    for (const [route, status] of [
      ['/healthz', 200],
      ['/readyz', 200],
    ]) {
      const response = await fetch(at(route));
      if (response.status !== status) fail(`${route} answered ${response.status}`);
    }
    const query = readFileSync(path.join(app, 'operations', 'list-invoices.graphql'), 'utf8');
    const variables = JSON.parse(readFileSync(path.join(app, 'operations', 'list-invoices.variables.json'), 'utf8'));
    const answer = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = await answer.json();
    if (answer.status !== 200 || body.errors || !(body.data?.customerInvoices?.nodes?.length > 0)) {
      fail(`ListInvoices answered ${answer.status}: ${JSON.stringify(body).slice(0, 300)}`);
    }
    const metrics = await (await fetch(at('/metrics'))).text();
    if (!/graphql_operations_total\{operation_name="ListInvoices",operation_type="query",outcome="success"\} 1/.test(metrics)) {
      fail('/metrics does not count the ListInvoices query');
    }
    const page = await (await fetch(graphqlUrl, { headers: { accept: 'text/html' } })).text();
    if (!page.includes('playground/graphiql.min.js')) fail('the playground is not served in demo mode');
    if ((await fetch(at('/playground/graphiql.min.js'))).status !== 200) fail('the playground cannot load GraphiQL');

    // Drain: a request held up in the embedded simulator must still be answered after SIGTERM.
    const control = `${readyLine.simulator}/_simulator/faults`;
    const fault = await fetch(control, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'GET /v1/customerinvoice', kind: 'latency', latencyMs: 1500 }),
    });
    if (!fault.ok) fail(`could not add a latency fault to the embedded simulator (${fault.status})`);
    const inFlight = fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGTERM');
    const drained = await inFlight;
    const drainedBody = await drained.json();
    if (drained.status !== 200 || drainedBody.errors) fail(`the in-flight request was not drained: ${drained.status}`);
    const { code, signal } = await exited;
    if (code !== 0) fail(`the gateway exited with ${code ?? signal} after SIGTERM`);

    const requestLines = lines.filter((entry) => entry.msg === 'graphql request');
    if (requestLines.length < 2 || requestLines.some((entry) => typeof entry.requestId !== 'string')) {
      fail('request log lines lack a requestId');
    }
    if (!lines.some((entry) => entry.msg === 'shutting down' && entry.reason === 'SIGTERM')) fail('no shutdown log line');
    process.stdout.write(
      `production run: OK (${lines.length} JSON log lines; healthcheck, /healthz, /readyz, ListInvoices, /metrics, playground; SIGTERM drained the request in flight and exited 0)\n`,
    );
  } finally {
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
    rmSync(app, { recursive: true, force: true });
  }
}

main().catch((error) => {
  if (process.exitCode !== 1) process.stderr.write(`production run: FAILED: ${error.message}\n`);
  process.exitCode = 1;
});
