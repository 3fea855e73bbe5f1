import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';

/**
 * The simulator's demo client id and tenant, repeated here on purpose: the gateway never
 * imports the simulator (it is a separate program), it only starts it.
 */
export const EMBEDDED_CLIENT_ID = 'demo-client';
export const EMBEDDED_TENANT_ID = '11111111-2222-3333-4444-555555555555';

export interface EmbeddedSimulatorOptions {
  /** The simulator program, `dist/simulator/main.js` in the built layout. */
  entry: string;
  logger: Logger;
  /** The company's IANA zone, so the simulator stamps documents in the zone the gateway reads them in. */
  timeZone: string;
  /** How long to wait for the child to report its URL. Defaults to 15_000. */
  startTimeoutMs?: number;
  /** Called when the child exits without being asked to. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface EmbeddedSimulator {
  /** The simulator's base URL: the API root, with Visma Connect's token endpoint under `/connect/token`. */
  url: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  /**
   * Subscribes a receiver to the simulator's webhooks (its `PUT /_simulator/webhooks`): in demo
   * mode the gateway's own, once it listens. The key goes over loopback only, never to a log.
   */
  subscribeWebhooks(subscription: { url: string; signingKey: string; signatureHeader: string }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the simulator as a child process on an ephemeral loopback port with a fresh random
 * client secret, and waits for it to report `{ type: 'listening', url }` over IPC. Its output
 * is relayed into the gateway's structured log.
 */
export function startEmbeddedSimulator(options: EmbeddedSimulatorOptions): Promise<EmbeddedSimulator> {
  const { entry, logger } = options;
  if (!existsSync(entry)) {
    return Promise.reject(new Error(`The embedded simulator was not found at ${entry}; run "npm run build" first.`));
  }
  const clientSecret = randomBytes(24).toString('base64url');
  const child = fork(entry, [], {
    execArgv: withoutSnapshotBlob(process.execArgv),
    env: {
      ...process.env,
      SIMULATOR_PORT: '0',
      SIMULATOR_HOST: '127.0.0.1',
      SIMULATOR_CLIENT_ID: EMBEDDED_CLIENT_ID,
      SIMULATOR_CLIENT_SECRET: clientSecret,
      SIMULATOR_TENANT_ID: EMBEDDED_TENANT_ID,
      SIMULATOR_TIME_ZONE: options.timeZone,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const childLog = logger.child({ component: 'embedded-simulator', pid: child.pid });
  relay(child, childLog);

  let stopping = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`The embedded simulator did not report its URL within ${options.startTimeoutMs ?? 15_000} ms.`));
      child.kill('SIGKILL');
    }, options.startTimeoutMs ?? 15_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      reject(error);
    };
    const onMessage = (message: unknown): void => {
      if (!isListening(message)) {
        return;
      }
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onEarlyExit);
      child.on('exit', (code, signal) => {
        if (!stopping) {
          childLog.error({ code, signal }, 'the embedded simulator exited unexpectedly');
          options.onUnexpectedExit?.(code, signal);
        }
      });
      resolve({
        url: message.url.replace(/\/+$/, ''),
        clientId: EMBEDDED_CLIENT_ID,
        clientSecret,
        tenantId: EMBEDDED_TENANT_ID,
        subscribeWebhooks: (subscription) => subscribe(message.url.replace(/\/+$/, ''), subscription),
        stop: () => {
          stopping = true;
          return stopChild(child);
        },
      });
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(new Error(`The embedded simulator exited before it was ready (code ${code}, signal ${signal}).`));
    child.on('message', onMessage);
    child.once('exit', onEarlyExit);
    child.once('error', (error) => fail(error));
  });
}

async function subscribe(url: string, subscription: { url: string; signingKey: string; signatureHeader: string }): Promise<void> {
  const response = await fetch(`${url}/_simulator/webhooks`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(subscription),
  });
  if (!response.ok) throw new Error(`The embedded simulator refused the webhook subscription (${response.status}).`);
}

function isListening(message: unknown): message is { type: 'listening'; url: string } {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'listening' &&
    typeof (message as { url?: unknown }).url === 'string'
  );
}

function relay(child: ChildProcess, logger: Logger): void {
  if (child.stdout !== null) {
    createInterface({ input: child.stdout }).on('line', (line) => logger.info(line));
  }
  if (child.stderr !== null) {
    createInterface({ input: child.stderr }).on('line', (line) => logger.warn(line));
  }
}

/** SIGTERM first (the simulator closes cleanly on it), SIGKILL if it lingers. */
function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    // 'close' comes after the child's stdout and stderr have ended, so its last lines are relayed.
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The gateway's Node options for its child, less `--snapshot-blob`: a gateway started from its
 * startup snapshot would otherwise start the simulator from the same snapshot, that is, start
 * another gateway (fork passes the parent's execArgv on).
 */
export function withoutSnapshotBlob(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] ?? '';
    if (arg === '--snapshot-blob') i++;
    else if (!arg.startsWith('--snapshot-blob=')) kept.push(arg);
  }
  return kept;
}
