// Node's compile cache first, so that every module required after it is cached (Node 22.1+).
import { flushCompileCache } from './compile-cache';
// Decorator metadata must be in place before any type-graphql class is loaded.
import 'reflect-metadata';
import { runGateway } from './start';

/** `node dist/main.js`: a plain start, without the startup snapshot (docs/operations.md, "Start-up"). */
runGateway(flushCompileCache);
