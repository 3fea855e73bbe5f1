/**
 * The gateway's start command, as the image runs it (the Dockerfile's CMD, checked by
 * scripts/lint-dockerfile.js): `node --snapshot-blob dist/gateway.blob`, the V8 startup snapshot
 * `npm run build` makes (scripts/build-snapshot.js), with SHIPPED_ENV. Tests and benchmarks
 * start the gateway through `gatewayArgs` and `SHIPPED_ENV`, so they run what ships.
 *
 * A blob starts only on the Node version that built it, and on Node 20 only with the same V8
 * options (NODE_OPTIONS; Node 22 and later do not compare them). For another Node, or other
 * options on Node 20, `gatewayArgs` builds a blob for them from the same bundle, once, next to
 * the default one (dist/gateway-<version>-<hash>.blob).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** The CMD's arguments after `node`, relative to the image's working directory. */
const SHIPPED_ARGS = ['--snapshot-blob', 'dist/gateway.blob'];

/**
 * The image's environment for the process's C library, which the gateway cannot set for itself:
 * glibc's malloc keeps its 128 KiB mmap threshold (the Dockerfile says why). lint:dockerfile
 * checks the runtime stage sets each of these.
 */
const SHIPPED_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

/**
 * `node`'s arguments to start the gateway from its snapshot on this Node (`process.execPath`)
 * with `nodeOptions` as NODE_OPTIONS (pass the same to the process).
 */
function gatewayArgs(nodeOptions = '') {
  const shipped = path.join(ROOT, SHIPPED_ARGS[1]);
  if (!fs.existsSync(shipped)) throw new Error(`${shipped} does not exist: run "npm run build" first`);
  if (startsOn(shipped, nodeOptions)) return [SHIPPED_ARGS[0], shipped];
  const hash = createHash('sha256').update(nodeOptions).digest('hex').slice(0, 12);
  const variant = path.join(DIST, `gateway-${process.version}-${hash}.blob`);
  if (!startsOn(variant, nodeOptions) || fs.statSync(variant).mtimeMs < fs.statSync(shipped).mtimeMs) {
    execFileSync(
      process.execPath,
      [path.join(__dirname, 'build-snapshot.js'), '--blob-only', `--node-options=${nodeOptions}`, `--out=${variant}`],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  return [SHIPPED_ARGS[0], variant];
}

/** Whether `blob` was built for this Node and, where Node compares them, these V8 options. */
function startsOn(blob, nodeOptions) {
  let built;
  try {
    built = JSON.parse(fs.readFileSync(`${blob}.json`, 'utf8'));
  } catch {
    return false;
  }
  if (built.node !== process.version) return false;
  return Number(process.versions.node.split('.')[0]) >= 22 || built.nodeOptions === nodeOptions;
}

module.exports = { SHIPPED_ARGS, SHIPPED_ENV, gatewayArgs };
