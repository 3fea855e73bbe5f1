#!/usr/bin/env node
/**
 * Builds the gateway's V8 startup snapshot (docs/operations.md, "Start-up"); `npm run build` runs
 * it after tsc.
 *
 * 1. esbuild bundles dist/snapshot/entry.js and everything it can reach into dist/gateway.js. A
 *    snapshot is made from one script, and its `require` loads Node's built-in modules only.
 * 2. `node --snapshot-blob dist/gateway.blob --build-snapshot dist/gateway.js` runs the entry once
 *    (it loads the schema's modules and builds the schema) and writes the heap.
 * 3. dist/gateway.blob.json records the Node version and the V8 options it was built with: Node
 *    starts a blob only on the same version, and Node 20 also only with the same V8 options.
 *
 * The builder runs with a clean environment (PATH, NODE_ENV=production and NODE_OPTIONS only), so
 * no setting and no secret of the machine that builds it can end up in the snapshot.
 *
 * `--bundle-only` stops after step 1; `--blob-only` skips it (the image's runtime stage, which has
 * no esbuild); `--node-options=<text>` builds for other V8 options into `--out=<file>`
 * (scripts/gateway-command.js, for the tests and benchmarks).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const ENTRY = path.join(DIST, 'snapshot', 'entry.js');
const BUNDLE = path.join(DIST, 'gateway.js');

/**
 * Modules that keep per-process state from the moment they load (prom-client: the process's start
 * time; pino: the host name and pid; debug: the DEBUG setting). If one is loaded while the snapshot
 * is built, the build fails and names it, rather than every process reporting the builder's values.
 */
const PER_PROCESS = /[\\/]node_modules[\\/](prom-client|pino|debug)[\\/]/;

/**
 * Node's modules that open sockets or hold handles V8 cannot write into a snapshot, and that
 * Express and undici touch as they load. The bundle gets a stand-in whose every property loads the
 * real module on first use, and which throws, naming the property, if that is while building.
 */
const LAZY_BUILTINS = ['http', 'https', 'tls', 'http2'];

/** Packages left out of the bundle, loaded from node_modules when needed (optional, or browser code). */
const EXTERNAL = ['class-validator', 'graphiql', 'react', 'react-dom'];

async function bundle() {
  // Loaded here: the image's runtime stage builds the blob from the bundle without dev dependencies.
  const result = await require('esbuild').build({
    // Required, not bundled as the entry itself: the snapshot builder gives its script `require`,
    // __filename and __dirname, and no `exports`, which tsc's output writes to.
    stdin: { contents: `require(${JSON.stringify(ENTRY)});`, resolveDir: DIST, sourcefile: 'gateway-entry.js' },
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    // type-graphql names GraphQL types after classes, and error messages name functions.
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    external: EXTERNAL,
    // A snapshot's `require` loads built-in modules only: the externals above go through a real
    // one, rooted at the bundle, made when first needed (never while building: Node warns that
    // node:module is not verified in a snapshot builder).
    banner: {
      js: `var __gatewayDist = __dirname; require = ((builtin) => { let full; return (id) => { try { return builtin(id); } catch { return (full ??= builtin('node:module').createRequire(__filename))(id); } }; })(require);`,
    },
    plugins: [ownPathsPlugin(), lazyBuiltinsPlugin()],
    logLevel: 'warning',
  });
  asciiOnly(BUNDLE);
  return result;
}

/**
 * esbuild writes strings as ASCII but leaves regular-expression literals as they are (graphql-scalars'
 * latitude and longitude patterns, among others), and one character beyond Latin-1 makes V8 hold
 * the whole bundle's source as a two-byte string: 11.7 MB instead of 5.9 MB, in the heap and in
 * the blob, whose copy Node keeps for the life of the process (blob 23.9 -> 18.0 MB, idle anonymous
 * memory 71 -> 60 MB). `\uXXXX` means the same character in a string, a template, an identifier
 * and a regular expression (with or without the u flag); only such a regular expression's
 * `.source` shows the escape. A character after a backslash would change meaning, so it stops
 * the build instead.
 */
function asciiOnly(file) {
  const text = fs.readFileSync(file, 'utf8');
  const escaped = /\\[\u0080-\uffff]/.exec(text);
  if (escaped !== null) throw new Error(`${file}: a backslash before ${JSON.stringify(escaped[0])} at ${escaped.index}: cannot escape it`);
  const ascii = text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) fs.writeFileSync(file, ascii);
}

/**
 * Each file keeps its own __dirname and __filename (a bundle would give every file the bundle's),
 * so the playground's operations, the embedded simulator's program and packages' own files are
 * found where they are: relative to the bundle's directory, so the bundle can move with dist/.
 * A module that reads them as it loads, while the snapshot is built, keeps the snapshot's
 * directory: build the blob where it runs (the Dockerfile builds it in the runtime stage).
 * Per-process packages get their build-time check.
 */
function ownPathsPlugin() {
  return {
    name: 'own-paths',
    setup(build) {
      build.onLoad({ filter: /\.(js|cjs)$/ }, async (args) => {
        let text = await fs.promises.readFile(args.path, 'utf8');
        if (/\b__(dirname|filename)\b/.test(text)) {
          const within = (file) => `require('node:path').join(__gatewayDist, ${JSON.stringify(path.relative(DIST, file))})`;
          text = text.replace(/\b__dirname\b/g, within(path.dirname(args.path))).replace(/\b__filename\b/g, within(args.path));
        }
        if (text.includes('require.resolve(')) {
          text = text.replaceAll('require.resolve(', `require('node:module').createRequire(${JSON.stringify(args.path)}).resolve(`);
        }
        // What this process has run of the bundle, as require.cache tells it of a plain start
        // (test/integration/ops-tracing.test.ts checks that tracing off runs no OpenTelemetry SDK).
        text = `(globalThis.__vismaGatewayBundledModules ??= []).push(${JSON.stringify(args.path)});\n${text}`;
        if (PER_PROCESS.test(args.path)) {
          text = `if (require('node:v8').startupSnapshot?.isBuildingSnapshot?.()) throw new Error(${JSON.stringify(
            `${path.relative(ROOT, args.path)} keeps per-process state and must not load while the startup snapshot is built`,
          )});\n${text}`;
        }
        return { contents: text, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

function lazyBuiltinsPlugin() {
  const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
  return {
    name: 'lazy-builtins',
    setup(build) {
      build.onResolve({ filter }, (args) =>
        args.namespace === 'lazy-builtin'
          ? { path: args.path, external: true }
          : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
      );
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        loader: 'js',
        contents: lazyBuiltinSource(args.path, Object.getOwnPropertyNames(require(`node:${args.path}`))),
      }));
    },
  };
}

function lazyBuiltinSource(name, properties) {
  return `
let real;
function load(property) {
  if (real === undefined) {
    if (require('node:v8').startupSnapshot?.isBuildingSnapshot?.()) {
      throw new Error('node:${name}.' + property + ' was used while the startup snapshot was being built');
    }
    real = require('node:${name}');
  }
  return real;
}
const lazy = {};
for (const property of ${JSON.stringify(properties)}) {
  Object.defineProperty(lazy, property, {
    enumerable: true,
    configurable: true,
    get() { return load(property)[property]; },
    set(value) { load(property)[property] = value; },
  });
}
module.exports = lazy;
`;
}

function buildBlob(nodeOptions, out) {
  const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'production' };
  if (nodeOptions !== '') env.NODE_OPTIONS = nodeOptions;
  const temporary = `${out}.${process.pid}.tmp`;
  const result = spawnSync(process.execPath, ['--snapshot-blob', temporary, '--build-snapshot', BUNDLE], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    fs.rmSync(temporary, { force: true });
    // The bundle is minified: a line of it would fill the screen.
    process.stderr.write(result.stderr.replace(/^.{300,}$/gm, (line) => `${line.slice(0, 200)}…`));
    throw new Error(`node --build-snapshot exited with ${result.status ?? result.signal}`);
  }
  // Node warns about every built-in module it has not verified in a builder (node:async_hooks,
  // tty, node:module): loading them is harmless here, and docs/operations.md says what the
  // snapshot fixes at build time. Anything else it says is shown.
  const said = result.stderr
    .split('\n')
    .filter(
      (line) =>
        !/not yet fully verified|may still work in some cases|request support for the module|--trace-warnings|Deleting Error.stackTraceLimit/.test(
          line,
        ),
    )
    .join('\n')
    .trim();
  if (said !== '') process.stderr.write(`${said}\n`);
  // Written whole, then renamed: test workers may build the same blob at once.
  fs.writeFileSync(`${temporary}.json`, `${JSON.stringify({ node: process.version, nodeOptions }, null, 2)}\n`);
  fs.renameSync(temporary, out);
  fs.renameSync(`${temporary}.json`, `${out}.json`);
}

async function main() {
  const option = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (!process.argv.includes('--blob-only')) await bundle();
  if (process.argv.includes('--bundle-only')) return;
  buildBlob(option('node-options') ?? process.env.NODE_OPTIONS ?? '', option('out') ?? path.join(DIST, 'gateway.blob'));
}

main().catch((error) => {
  process.stderr.write(`build-snapshot: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
