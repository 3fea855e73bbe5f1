import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { spawnGateway } from './gateway-process';

const ROOT = path.resolve(__dirname, '../../..');
const MIB = 1024 * 1024;

/** The gateway container's memory settings, as deploy/kubernetes/deployment.yaml gives them. */
export interface DeploymentMemory {
  /** The container's NODE_OPTIONS, such as `--max-old-space-size=384`. */
  nodeOptions: string;
  /** The old-space cap it sets, in MiB. */
  heapCapMiB: number;
  /** `resources.limits.memory`, in bytes: past it the kernel kills the container. */
  limitBytes: number;
}

/** Read from the manifest rather than copied, so the battery runs what the cluster runs. */
export function deploymentMemory(): DeploymentMemory {
  const text = readFileSync(path.join(ROOT, 'deploy', 'kubernetes', 'deployment.yaml'), 'utf8');
  const deployment = parseAllDocuments(text)
    .map((document) => document.toJS() as Manifest)
    .find((manifest) => manifest?.kind === 'Deployment');
  const container = deployment?.spec?.template?.spec?.containers?.[0];
  const nodeOptions = container?.env?.find((variable) => variable.name === 'NODE_OPTIONS')?.value;
  const cap = /--max-old-space-size=(\d+)/.exec(nodeOptions ?? '');
  const limit = /^(\d+)(Mi|Gi)$/.exec(container?.resources?.limits?.memory ?? '');
  if (nodeOptions === undefined || cap === null || limit === null) {
    throw new Error('deploy/kubernetes/deployment.yaml: expected NODE_OPTIONS with --max-old-space-size and limits.memory in Mi or Gi');
  }
  return {
    nodeOptions,
    heapCapMiB: Number(cap[1]),
    limitBytes: Number(limit[1]) * (limit[2] === 'Gi' ? 1024 * MIB : MIB),
  };
}

interface Manifest {
  kind?: string;
  spec?: {
    template?: {
      spec?: {
        containers?: Array<{ env?: Array<{ name: string; value?: string }>; resources?: { limits?: { memory?: string } } }>;
      };
    };
  };
}

export interface ProcessMemory {
  /** Resident now (VmRSS), in bytes. */
  rssBytes: number;
  /** The most it has been resident since it started (VmHWM), in bytes; the kernel keeps it, so no peak is missed between samples. */
  peakRssBytes: number;
}

/**
 * The gateway from its startup snapshot in a process of its own, as the container runs it: the
 * environment given and nothing of the test runner's (PATH aside). Unlike GatewayProcess it
 * exposes its pid, for memory, and whether it has exited, for a battery that must prove it never
 * did. Both start through `spawnGateway`.
 */
export class DeployedGateway {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** Every JSON line the process has written so far (it keeps growing). */
    readonly logs: Array<Record<string, unknown>>,
    private readonly ended: { how: string | null },
  ) {}

  static async start(env: Record<string, string>): Promise<DeployedGateway> {
    const ended: { how: string | null } = { how: null };
    const { child, url, logs, stderr } = await spawnGateway(env);
    const record = (code: number | null, signal: NodeJS.Signals | null): void => {
      ended.how = `code ${code}, signal ${signal}; stderr: ${stderr.text.slice(-2_000)}`;
    };
    if (child.exitCode !== null || child.signalCode !== null) record(child.exitCode, child.signalCode);
    else child.once('exit', record);
    return new DeployedGateway(child, url, logs, ended);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Another path on the gateway, such as `/healthz`. */
  at(route: string): string {
    return new URL(route, this.url).toString();
  }

  /** Null while it runs; how it ended once it has. */
  get exit(): string | null {
    return this.ended.how;
  }

  /** From /proc (Linux), or `ps` elsewhere, where the peak is only what was resident when asked. */
  memory(): ProcessMemory {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kB = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
      return { rssBytes: kB('VmRSS'), peakRssBytes: kB('VmHWM') };
    } catch {
      const rssBytes = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(this.pid)], { encoding: 'utf8' }).trim()) * 1024;
      return { rssBytes, peakRssBytes: rssBytes };
    }
  }

  /** SIGTERM, as Kubernetes stops a pod; waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}
