/**
 * Packages a default start loads that are loaded into the startup snapshot, so a started gateway
 * neither compiles nor runs their module code again (measured: bench/README.md, Levers, "V8
 * startup snapshot"). Each must load without per-process state or Node's HTTP modules: the build
 * fails, naming the module, if one does not (./build-guards.ts, scripts/build-snapshot.js). Not
 * here, because they cannot be: Express and its middleware (debug reads DEBUG as it loads),
 * pino and prom-client (the pid, host name and start time), undici and node-fetch (node:http), and
 * the MCP SDK's HTTP transport (fetch's Headers). jose, ioredis and the OpenTelemetry SDK stay out
 * because a default start does not load them at all.
 */
import '@apollo/server';
import '@apollo/server/plugin/disabled';
import '@apollo/server/plugin/drainHttpServer';
import '@as-integrations/express5';
import '@escape.tech/graphql-armor-max-aliases';
import '@escape.tech/graphql-armor-max-depth';
import '@escape.tech/graphql-armor-max-directives';
import '@modelcontextprotocol/sdk/server/index.js';
import '@modelcontextprotocol/sdk/types.js';
import '@opentelemetry/api';
import 'cors';
import 'dataloader';
// Loaded after the first answer by a plain start (src/server/jit-executor.ts); here it costs nothing.
import 'graphql-jit';
import 'graphql-sse';
import 'graphql-ws';
import 'ws';
import 'zod';
