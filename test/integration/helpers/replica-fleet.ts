import { createHash } from 'node:crypto';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index';
import { GatewayProcess, ensureBuilt } from './gateway-process';
import { RedisServer } from './redis-server';
import { simulatorUpstream } from './start-gateway';

export interface ReplicaFleet {
  redis: RedisServer;
  simulator: RunningSimulator;
  replicas: [GatewayProcess, GatewayProcess];
  /** The header the replicas' API-key authentication accepts. */
  auth: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Two gateway processes (from the startup snapshot, configured by environment only, API-key
 * authentication on) sharing one real redis-server, in front of one simulator: the scale-out
 * setup of docs/scaling.md. `env` adds to or overrides the replicas' settings.
 */
export async function startReplicaFleet(apiKey: string, env: Record<string, string>): Promise<ReplicaFleet> {
  ensureBuilt();
  const [redis, simulator] = await Promise.all([RedisServer.start(), startSimulator({ port: 0, invoiceCount: 20 })]);
  const replicaEnv = {
    NODE_ENV: 'production',
    // The harness waits for the info-level "ready" line.
    LOG_LEVEL: 'info',
    ...simulatorUpstream(simulator.url),
    AUTH_API_KEY_SHA256: createHash('sha256').update(apiKey).digest('hex'),
    REDIS_URL: redis.url,
    ...env,
  };
  const replicas: [GatewayProcess, GatewayProcess] = await Promise.all([
    GatewayProcess.start(replicaEnv),
    GatewayProcess.start(replicaEnv),
  ]);
  return {
    redis,
    simulator,
    replicas,
    auth: { 'x-api-key': apiKey },
    stop: async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await simulator.close();
      await redis.stop();
    },
  };
}
