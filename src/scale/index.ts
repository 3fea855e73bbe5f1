import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { Config } from '../config';
import type { IdempotencyKeyStore } from '../idempotency';
import { RedisKeyStore } from '../idempotency/redis-key-store';
import { FleetBudget, HOUR_MS } from '../visma/resilience/fleet-budget';
import type { SharedTokenStore } from '../visma/seams';
import type { InvalidationBus } from '../upstream-cache';
import { RedisWindowCounter, connectRedis, redactedUrl, whenReady, type RedisLogger } from './redis';
import { RedisChangeFeed } from './redis-change-feed';
import { RedisInvalidationBus } from './redis-invalidation-bus';
import { RedisTokenStore } from './redis-token-store';

export { RedisWindowCounter, connectRedis, redactedUrl, whenReady } from './redis';
export { RedisTokenStore } from './redis-token-store';
export { RedisInvalidationBus } from './redis-invalidation-bus';
export { RedisChangeFeed } from './redis-change-feed';

export interface SharedPieces {
  redis: Redis;
  /** Idempotency keys every replica sees; the composition root builds the one idempotent-create service over them. */
  idempotencyKeys: IdempotencyKeyStore;
  /** Undefined in passthrough mode: callers' tokens may belong to different clients, each with its own budget. */
  fleetBudget: FleetBudget | undefined;
  /** The fleet's Visma token; undefined in passthrough mode (each caller brings its own). */
  tokens: SharedTokenStore | undefined;
  /** The upstream cache's invalidations between replicas (docs/upstream-cache.md). */
  invalidations: InvalidationBus;
  /** Invoice changes for every replica's subscriptions (docs/subscriptions.md). */
  changes: RedisChangeFeed;
  close(): Promise<void>;
}

interface ScaleLogger extends RedisLogger {
  child(bindings: Record<string, unknown>): RedisLogger;
}

/**
 * What replicas share when REDIS_URL is set (docs/scaling.md): the idempotency key store,
 * the Visma call budget, the Visma token, and the upstream cache's invalidations. The per-request pieces
 * stay per request.
 */
export async function createSharedPieces(
  config: Config,
  redisUrl: string,
  /**
   * The client credentials' scope (src/visma/credential-scope.ts), under which the call budget
   * and the token are kept; null in passthrough mode, where callers' tokens may be other clients'.
   */
  credential: string | null,
  logger: ScaleLogger,
  now: () => number = Date.now,
): Promise<SharedPieces> {
  const log = logger.child({ component: 'scale' });
  const redis = connectRedis(redisUrl, log);
  if (!(await whenReady(redis, 3_000))) {
    log.warn(
      { redis: redactedUrl(redisUrl) },
      'Redis not reachable at start: keyed creates are refused and the call budget is local until it is',
    );
  }
  const idempotencyLog = logger.child({ component: 'idempotency' });
  const idempotencyKeys = new RedisKeyStore({
    redis,
    retentionMs: config.idempotency.retentionMs,
    warn: (fields, message) => idempotencyLog.warn(fields, message),
  });
  // Visma counts calls per company and client: one budget per credential scope.
  const fleetBudget =
    credential === null
      ? undefined
      : new FleetBudget({
          counter: new RedisWindowCounter(redis),
          callsPerWindow: config.scale.fleetCallsPerHour,
          windowMs: HOUR_MS,
          name: credential,
          now,
          log: (level, fields, message) => log[level](fields, message),
        });
  // A token is whose it is and what it may do: the same credentials asking for other scopes get another.
  const tokens =
    credential === null
      ? undefined
      : new RedisTokenStore(
          redis,
          createHash('sha256')
            .update(`${credential}\n${config.visma.scopes.join(' ')}`)
            .digest('hex'),
          now,
        );
  const invalidations = new RedisInvalidationBus(redis, redisUrl, logger.child({ component: 'upstream-cache' }));
  const changes = new RedisChangeFeed(redis, redisUrl, logger.child({ component: 'subscriptions' }), now);
  return {
    redis,
    idempotencyKeys,
    fleetBudget,
    tokens,
    invalidations,
    changes,
    close: async () => {
      await changes.close();
      await invalidations.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
