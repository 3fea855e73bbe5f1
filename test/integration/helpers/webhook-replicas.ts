import { startSimulator, type RunningSimulator } from '../../../src/simulator/index';
import { RedisServer } from './redis-server';
import { NO_POLL_DURING_SUITE, startGateway, type StartedGateway } from './start-gateway';

/** Two replicas sharing a real redis-server and one simulator, whose webhooks reach replica A only. */
export interface WebhookReplicas {
  redis: RedisServer;
  simulator: RunningSimulator;
  a: StartedGateway;
  b: StartedGateway;
  stop(): Promise<void>;
}

/**
 * Visma's dispatcher reaches one replica through the load balancer: here, always A. No poll lands
 * during the suite, so what B learns of a change it learns from A's webhook through Redis.
 */
export async function startWebhookReplicas(signingKey: string): Promise<WebhookReplicas> {
  const [redis, simulator] = await Promise.all([RedisServer.start(), startSimulator({ port: 0 })]);
  const env = { REDIS_URL: redis.url, WEBHOOK_SIGNING_KEY: signingKey, ...NO_POLL_DURING_SUITE };
  const [a, b] = await Promise.all([startGateway({ simulator, env }), startGateway({ simulator, env })]);
  simulator.controls.subscribeWebhooks({ url: `${a.url.replace(/\/graphql$/, '')}/webhooks/visma`, signingKey });
  return {
    redis,
    simulator,
    a,
    b,
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
      await simulator.close();
      await redis.stop();
    },
  };
}
