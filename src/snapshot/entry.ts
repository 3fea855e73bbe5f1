// The guards first: they must be in place before any module below loads.
import { buildingSnapshot } from './build-guards';
// Decorator metadata must be in place before any type-graphql class is loaded.
import 'reflect-metadata';
import v8 from 'node:v8';
import { prebuildServedSchema } from '../server/served-schema';
import './preload';

/**
 * The entry of the gateway's V8 startup snapshot (docs/operations.md, "Start-up"). `npm run build`
 * bundles this file into `dist/gateway.js` (scripts/build-snapshot.js) and runs it once under
 * `node --build-snapshot`: it loads the modules the schema needs and those of ./preload.ts, and
 * builds the schema; V8 writes the heap to `dist/gateway.blob`. `node --snapshot-blob
 * dist/gateway.blob` then starts from that heap and runs only what differs per process:
 * configuration, logger, composition, listening. Nothing that draws randomness, opens a socket or
 * keeps per-process state runs while the snapshot is built (./build-guards.ts), and the builder
 * sees a clean environment. Run without a snapshot, the bundle starts as main.ts does.
 */
function startNow(): void {
  // Loaded now, not into the snapshot: Express, undici and the HTTP server need node:http, and the
  // logger and metrics keep the process's own state (its start time, host name, pid).
  import('../start').then(
    ({ runGateway }) => runGateway(),
    (error: unknown) => {
      process.stderr.write(`gateway: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

if (buildingSnapshot) {
  prebuildServedSchema().then(
    () => v8.startupSnapshot.setDeserializeMainFunction(startNow),
    (error: unknown) => {
      process.stderr.write(`gateway: the startup snapshot could not be built: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  startNow();
}
