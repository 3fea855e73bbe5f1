import crypto from 'node:crypto';
import v8 from 'node:v8';

/**
 * Guards for the time the V8 startup snapshot is built (src/snapshot/entry.ts). Whatever a module
 * does while it loads then is copied into every process started from the snapshot, so what must
 * differ per process, or cannot be copied, throws instead, naming itself; `npm run build` then
 * fails rather than ship a snapshot that shares state between processes. Each guard is taken off
 * again just before V8 writes the snapshot, so a started gateway has the real functions.
 * Nothing happens in a plain start.
 */
export const buildingSnapshot: boolean = v8.startupSnapshot?.isBuildingSnapshot() ?? false;

if (buildingSnapshot) {
  keepStackTraces();
  refuseRandomness();
  refuseFetchGlobals();
}

/**
 * Node 20's snapshot builder has no `Error.stackTraceLimit`, so errors carry no stack, and depd
 * (Express's deprecation helper) reads its caller's file from one as it loads. Node installs the
 * limit again in every started process.
 */
function keepStackTraces(): void {
  if (Error.stackTraceLimit !== undefined) return;
  Error.stackTraceLimit = 10;
  v8.startupSnapshot.addSerializeCallback(() => {
    delete (Error as { stackTraceLimit?: number }).stackTraceLimit;
  });
}

/**
 * Random bytes drawn while building would be the same in every process: Node keeps a batch of
 * `randomUUID()`s, and libraries keep pools. Request ids, client secrets and idempotency keys
 * must never repeat across processes.
 */
function refuseRandomness(): void {
  const names = ['randomUUID', 'randomBytes', 'randomFillSync', 'randomFill', 'randomInt'] as const;
  const target = crypto as unknown as Record<string, unknown>;
  const saved = names.map((name) => [name, target[name]] as const);
  for (const name of names) {
    target[name] = () => {
      throw new Error(`crypto.${name} was called while the startup snapshot was being built`);
    };
  }
  v8.startupSnapshot.addSerializeCallback(() => {
    for (const [name, fn] of saved) target[name] = fn;
  });
}

/**
 * fetch's globals load Node's own copy of undici on first touch, whose HTTP parser V8 cannot
 * write into a snapshot (the builder dies without a message). On Node 22 and later even reading
 * these globals loads it, so the guard is for Node 20, where the list of what loads at build
 * time is checked by every `npm run build` (CI builds on both).
 */
function refuseFetchGlobals(): void {
  if (Number(process.versions.node.split('.')[0]) >= 22) return;
  const names = ['fetch', 'Request', 'Response', 'Headers', 'FormData', 'WebSocket', 'EventSource', 'CloseEvent', 'MessageEvent'];
  const saved: Array<[string, PropertyDescriptor]> = [];
  for (const name of names) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    if (descriptor === undefined) continue;
    saved.push([name, descriptor]);
    Object.defineProperty(globalThis, name, {
      configurable: true,
      enumerable: descriptor.enumerable ?? false,
      get() {
        throw new Error(`globalThis.${name} was used while the startup snapshot was being built`);
      },
    });
  }
  v8.startupSnapshot.addSerializeCallback(() => {
    for (const [name, descriptor] of saved) Object.defineProperty(globalThis, name, descriptor);
  });
}
