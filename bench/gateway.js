#!/usr/bin/env node
/**
 * The gateway as the benchmark's side-by-side runs start it (bench/run.js): `dist/main.js`'s
 * configuration and composition root, with one difference, the upstream cache left out
 * (coalescing included), so that every read is its own Visma call as the ceiling makes. That is
 * a measuring device, not a setting: the shipped gateway always coalesces, and nothing in its
 * configuration turns that off.
 */
'use strict';
require('reflect-metadata');
const path = require('node:path');

// BENCH_GATEWAY_DIST: another build's dist/ (run.js's gatewayBefore target), to measure a lever's before and after in one run.
const dist = process.env.BENCH_GATEWAY_DIST ?? path.join(__dirname, '..', 'dist');
const { loadConfig } = require(path.join(dist, 'config'));
const { createLogger } = require(path.join(dist, 'logger'));
const { composeGateway } = require(path.join(dist, 'compose'));

async function main() {
  const config = loadConfig(process.env);
  const gateway = await composeGateway(config, {
    logger: createLogger(config.logLevel),
    processMetrics: true,
    withoutUpstreamCache: true,
  });
  await gateway.listen();
  const stop = () =>
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`bench gateway: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
