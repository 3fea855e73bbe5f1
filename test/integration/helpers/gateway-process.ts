import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SHIPPED_ENV, gatewayArgs } from '../../../scripts/gateway-command';

const ROOT = path.resolve(__dirname, '../../..');
/** What `npm run build` makes last: the startup snapshot the image starts (scripts/build-snapshot.js). */
const BLOB = path.join(ROOT, 'dist', 'gateway.blob');

export interface SpawnedGateway {
  child: ChildProcess;
  /** The GraphQL endpoint, from the process's "ready" log line. */
  url: string;
  /** Every JSON line the process has written so far (it keeps growing). */
  logs: Array<Record<string, unknown>>;
  /** What the process has written to stderr so far. */
  stderr: { text: string };
}

/**
 * Starts the gateway as the image does (`node --snapshot-blob dist/gateway.blob` with the image's
 * malloc setting, through scripts/gateway-command.js) with `env` and nothing of the test runner's
 * environment (PATH aside) on an ephemeral loopback port, and resolves once it logs that it is ready.
 */
export async function spawnGateway(env: Record<string, string>): Promise<SpawnedGateway> {
  const child = spawn(process.execPath, gatewayArgs(env['NODE_OPTIONS'] ?? ''), {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...SHIPPED_ENV, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const stderr = { text: '' };
  child.stderr?.on('data', (chunk: Buffer) => (stderr.text += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (typeof entry['url'] === 'string' && String(entry['msg']).startsWith('GraphQL gateway ready')) resolve(entry['url']);
      } catch {
        logs.push({ msg: line });
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code} before it was ready: ${stderr.text}`)));
  });
  return { child, url, logs, stderr };
}

export interface SimulatorProcess {
  /** The simulator's base URL. */
  url: string;
  /** SIGTERM; resolves once it has exited. */
  close(): Promise<void>;
}

/**
 * `node dist/simulator/main.js` in a process of its own on an ephemeral loopback port, with `env`
 * and PATH only. For suites that load Visma as hard as the gateway: the simulator's work (a page
 * of 200 MB rendered) then blocks its own event loop, as a busy Visma would be slow, and not the
 * test's timers and sockets.
 */
export async function forkSimulator(env: Record<string, string> = {}): Promise<SimulatorProcess> {
  const child = fork(path.join(ROOT, 'dist', 'simulator', 'main.js'), [], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', SIMULATOR_PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code} before it listened: ${stderr}`)));
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'listening' && typeof message.url === 'string') resolve(message.url);
    });
  });
  return {
    url,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

/**
 * The gateway as production runs it: from its startup snapshot in its own process, configured by
 * environment only. Its JSON log lines are kept for assertions.
 */
export class GatewayProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** Every JSON line the process has written so far (it keeps growing). */
    readonly logs: Array<Record<string, unknown>>,
  ) {}

  static async start(env: Record<string, string>): Promise<GatewayProcess> {
    const { child, url, logs } = await spawnGateway(env);
    return new GatewayProcess(child, url, logs);
  }

  async post(query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<GraphQLAnswer> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLAnswer;
  }

  /** SIGTERM, as Kubernetes stops a pod; waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/**
 * Runs `npm run build`'s steps (tsc, then the bundle and its snapshot) when any source file is
 * newer than the snapshot (CI builds before testing; a checkout may not have).
 */
export function ensureBuilt(): void {
  const builtAt = mtimeOf(BLOB);
  if (builtAt !== null && newestSource(path.join(ROOT, 'src')) <= builtAt) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-snapshot.js')], { cwd: ROOT, stdio: 'inherit' });
}

function mtimeOf(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}
