import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { Invalidation, InvalidationBus } from '../upstream-cache';
import { redactedUrl, type RedisLogger } from './redis';

const CHANNEL = 'upstream-cache:invalidations';

/**
 * The upstream cache's invalidations through Redis pub/sub. A subscribed connection can do
 * nothing else (https://redis.io/docs/latest/develop/interact/pubsub/), so the bus has one of its
 * own, which keeps ioredis's offline queue so that it subscribes again after every reconnect;
 * publishing uses the shared fail-fast connection. Delivery is at most once: a replica that was
 * disconnected keeps its copies until the change poll sees the write, within the freshness bound.
 */
export class RedisInvalidationBus implements InvalidationBus {
  /** Tells this replica's own messages apart: Redis delivers them back to it. */
  private readonly origin = randomUUID();
  private readonly subscriber: Redis;

  constructor(
    private readonly publisher: Redis,
    url: string,
    private readonly logger: RedisLogger,
    private readonly channel = CHANNEL,
  ) {
    this.subscriber = new Redis(url, { connectTimeout: 2_000, retryStrategy: (times) => Math.min(times * 200, 2_000) });
    let up = false;
    this.subscriber.on('error', (error: Error) => {
      if (up) logger.warn({ error: error.message }, 'Redis invalidation channel lost; other replicas’ writes reach this cache through the change poll until it is back');
      up = false;
    });
    this.subscriber.on('ready', () => {
      if (!up) logger.info({ redis: redactedUrl(url) }, 'Redis invalidation channel connected');
      up = true;
    });
  }

  async publish(invalidation: Invalidation): Promise<void> {
    const message: Record<string, string> = { origin: this.origin, scope: invalidation.scope };
    if (invalidation.referenceNumber !== undefined) message['referenceNumber'] = invalidation.referenceNumber;
    await this.publisher.publish(this.channel, JSON.stringify(message));
  }

  subscribe(listener: (invalidation: Invalidation) => void): void {
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const message = parse(text);
      if (message === undefined || message.origin === this.origin) return;
      listener(message.referenceNumber === undefined ? { scope: message.scope } : { scope: message.scope, referenceNumber: message.referenceNumber });
    });
    this.subscriber.subscribe(this.channel).catch((error: unknown) => {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'Redis invalidation channel: subscribing failed; ioredis retries on reconnect');
    });
  }

  /** Nothing is pending on a subscriber: it is dropped at once, reconnecting or not. */
  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}

/** A message from another replica, or undefined when it is not one (anyone can publish on Redis). */
function parse(text: string): { origin: string; scope: string; referenceNumber?: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { origin, scope, referenceNumber } = value as Record<string, unknown>;
  if (typeof origin !== 'string' || typeof scope !== 'string') return undefined;
  if (referenceNumber !== undefined && typeof referenceNumber !== 'string') return undefined;
  return referenceNumber === undefined ? { origin, scope } : { origin, scope, referenceNumber };
}
