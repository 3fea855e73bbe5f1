import nodeModule from 'node:module';

/**
 * Node's on-disk compile cache (Node 22.1 and later; the image runs Node 24): V8 code for every
 * module loaded after this one is kept in `os.tmpdir()/node-compile-cache` (or NODE_COMPILE_CACHE),
 * so a restart skips compiling @apollo/server, type-graphql, graphql and the rest again. Measured on
 * Node 24, pinned to one core: about 150 ms of a cold start (bench/README.md, Levers). main.ts
 * imports this first, before anything heavy is required. On Node 20 the function does not exist
 * and nothing happens; a directory that cannot be written (a read-only root without /tmp) makes
 * Node report a failure, not throw, and the start goes on uncached. NODE_DISABLE_COMPILE_CACHE=1
 * turns it off.
 */
interface CompileCacheApi {
  enableCompileCache?: () => unknown;
  flushCompileCache?: () => void;
}

const api = nodeModule as unknown as CompileCacheApi;

api.enableCompileCache?.();

/**
 * Writes what has been compiled so far, once the gateway answers: Node otherwise writes only at a
 * clean exit, and a process that is killed would leave the next start uncached.
 */
export function flushCompileCache(): void {
  api.flushCompileCache?.();
}
