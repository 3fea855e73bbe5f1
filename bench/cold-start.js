#!/usr/bin/env node
/**
 * One cold start for hyperfine (bench/run.js): starts `node dist/main.js` with the environment it
 * was given, polls /graphql until the first GraphQL answer, then stops the gateway. The time
 * hyperfine reports includes this script's own Node start-up (about 40 ms), so it is an upper bound.
 */
'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

const server = net.createServer().listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  server.close(() => start(port));
});

function start(port) {
  const gateway = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'main.js')], {
    env: { ...process.env, PORT: String(port) },
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
        gateway.kill('SIGTERM');
      })
      .catch(() => setTimeout(poll, 5));
  poll();
}
