#!/usr/bin/env node
/**
 * One cold start for hyperfine (bench/run.js): starts the gateway as the image does (`node
 * --snapshot-blob dist/gateway.blob`, scripts/gateway-command.js), or with `--plain` as `node
 * dist/main.js` (no snapshot), with the environment it was given and pinned to CPU 0 (one core, as
 * the issue measures it; run.js pins the simulator to CPU 1), polls /graphql until the first
 * GraphQL answer, then stops the gateway. The time hyperfine reports includes this script's own
 * Node start-up, so it is an upper bound; BENCH_COLD_START_LOG gets the gateway's own (record).
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { SHIPPED_ENV, gatewayArgs } = require('../scripts/gateway-command');
const fs = require('node:fs');

const plain = process.argv.includes('--plain');
const taskset = spawnSync('taskset', ['--version']).status === 0;

const server = net.createServer().listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  server.close(() => start(port));
});

function start(port) {
  const args = plain ? [path.join(__dirname, '..', 'dist', 'main.js')] : gatewayArgs(process.env.NODE_OPTIONS ?? '');
  const [command, ...rest] = taskset ? ['taskset', '-c', '0', process.execPath, ...args] : [process.execPath, ...args];
  const spawnedAt = performance.now();
  const gateway = spawn(command, rest, {
    env: { ...process.env, ...(plain ? {} : SHIPPED_ENV), PORT: String(port) },
    stdio: 'ignore',
  });
  gateway.once('exit', (code) => {
    if (!answered) {
      process.stderr.write(`gateway exited with ${code} before answering\n`);
      process.exit(1);
    }
  });
  let answered = false;
  const body = JSON.stringify({
    query: 'query Invoice($n: ID!) { customerInvoice(referenceNumber: $n) { referenceNumber } }',
    variables: { n: '003097' },
  });
  const poll = () =>
    fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-api-key': process.env.BENCH_API_KEY },
    })
      .then((r) => r.json())
      .then((json) => {
        if (!json.data?.customerInvoice) throw new Error(JSON.stringify(json));
        answered = true;
        record(performance.now() - spawnedAt, gateway.pid);
        gateway.kill('SIGTERM');
      })
      .catch(() => setTimeout(poll, 5));
  poll();
}

/**
 * The gateway's own figures, beside hyperfine's (which include this script's start): wall time
 * from spawn to the first answer, and the gateway's CPU time then (utime + stime from /proc, at
 * 100 ticks a second), appended as a JSON line to BENCH_COLD_START_LOG when it is set.
 */
function record(wallMs, pid) {
  const log = process.env.BENCH_COLD_START_LOG;
  if (log === undefined || log === '') return;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
  fs.appendFileSync(log, `${JSON.stringify({ plain, wallMs: Math.round(wallMs), cpuMs })}\n`);
}
