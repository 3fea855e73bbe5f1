import Redis from 'ioredis';
import type { SharedWindowCounter } from '../visma/resilience/fleet-budget';

export interface RedisLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

/**
 * One ioredis connection for the shared pieces, set to fail fast: with the offline queue off
 * and no per-command retries, a command while Redis is down rejects at once instead of waiting
 * for a reconnect, so each piece can take its documented fallback within the request's
 * deadline (https://github.com/redis/ioredis#offline-queue). ioredis keeps reconnecting in the
 * background; the pieces use Redis again as soon as it is back.
 */
export function connectRedis(url: string, logger: RedisLogger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let up = false;
  // Without an 'error' listener ioredis reports every failed reconnect as an unhandled error.
  redis.on('error', (error: Error) => {
    if (up) logger.warn({ error: error.message }, 'Redis connection lost; shared pieces fall back (docs/scaling.md)');
    up = false;
  });
  redis.on('ready', () => {
    if (!up) logger.info({ redis: redactedUrl(url) }, 'Redis connected');
    up = true;
  });
  return redis;
}

/** Waits until the connection is ready, at most `timeoutMs`; false when it was not (the gateway starts anyway). */
export function whenReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

const INCREMENT = `
local used = redis.call('INCR', KEYS[1])
if used == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return used
`;

/** A fixed-window counter in Redis: INCR and, on the window's first call, its expiry, in one script. */
export class RedisWindowCounter implements SharedWindowCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'visma-budget:',
  ) {}

  async increment(bucket: string, ttlMs: number): Promise<number> {
    return Number(await this.redis.eval(INCREMENT, 1, this.prefix + bucket, String(ttlMs)));
  }
}

/** A pub/sub message's JSON object, or undefined when it is not JSON or not an object (anyone can publish on Redis). */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
