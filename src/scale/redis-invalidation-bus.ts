import { createHash, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { FleetPoll, Invalidation, InvalidationBus, PollClaim } from '../upstream-cache';
import { jsonObject, redactedUrl, type RedisLogger } from './redis';

const CHANNEL = 'upstream-cache:invalidations';

/**
 * The upstream cache's messages between replicas through Redis pub/sub: writes, and the change
 * poll one replica makes for the fleet under a lease (SET NX PX: one holder at a time), so a
 * fleet spends one Visma call per poll interval, not one per replica.
 *
 * A subscribed connection can do nothing else (https://redis.io/docs/latest/develop/interact/pubsub/),
 * so the bus has one of its own, which keeps ioredis's offline queue so that it subscribes again
 * after every reconnect; publishing and the lease use the shared fail-fast connection. Delivery
 * is at most once, so whenever the subscription drops or comes back the cache is told of a gap
 * and drops what it holds on the strength of messages.
 */
export class RedisInvalidationBus implements InvalidationBus {
  /** Tells this replica's own messages apart: Redis delivers them back to it. */
  private readonly origin = randomUUID();
  private readonly subscriber: Redis;
  private up = false;
  private onGap: (() => void) | undefined;

  constructor(
    private readonly publisher: Redis,
    url: string,
    private readonly logger: RedisLogger,
    private readonly channel = CHANNEL,
  ) {
    this.subscriber = new Redis(url, { connectTimeout: 2_000, retryStrategy: (times) => Math.min(times * 200, 2_000) });
    // Without an 'error' listener ioredis reports every failed reconnect as an unhandled error.
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('close', () => {
      if (!this.up) return;
      this.up = false;
      logger.warn({}, 'Redis invalidation channel lost; this replica drops its shared copies and polls Visma itself until it is back');
      this.onGap?.();
    });
    this.subscriber.on('ready', () => {
      logger.info({ redis: redactedUrl(url) }, 'Redis invalidation channel connected');
      this.up = true;
      // ioredis subscribes again on reconnect; what was published in between never arrived.
      this.onGap?.();
    });
  }

  async publish(invalidation: Invalidation): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify({ ...invalidation, origin: this.origin }));
  }

  subscribe(listener: (invalidation: Invalidation) => void, onGap?: () => void): void {
    this.onGap = onGap;
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const message = parse(text);
      if (message === undefined || message.origin === this.origin) return;
      listener(message.invalidation);
    });
    this.subscriber.subscribe(this.channel).catch((error: unknown) => {
      this.logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'Redis invalidation channel: subscribing failed; ioredis retries on reconnect',
      );
    });
  }

  /**
   * `follow` only while this replica hears the others: a follower that would miss the leader's
   * message polls Visma itself instead. Redis not answering is `unavailable`, and the cache polls alone.
   */
  async claimPoll(scope: string, leaseMs: number): Promise<PollClaim> {
    if (!this.up) return 'unavailable';
    // A digest: the scope names a tenant, which Redis's key space need not show.
    const key = `upstream-cache:poll:${createHash('sha256').update(scope).digest('hex').slice(0, 24)}`;
    try {
      return (await this.publisher.set(key, this.origin, 'PX', leaseMs, 'NX')) === 'OK' ? 'lead' : 'follow';
    } catch {
      return 'unavailable';
    }
  }

  /** Nothing is pending on a subscriber: it is dropped at once, reconnecting or not. */
  close(): Promise<void> {
    this.up = false;
    this.subscriber.disconnect();
    return Promise.resolve();
  }
}

/** A message from another replica, or undefined when it is not one (anyone can publish on Redis). */
function parse(text: string): { origin: string; invalidation: Invalidation } | undefined {
  const value = jsonObject(text);
  if (value === undefined) return undefined;
  const { origin, scope, referenceNumber, poll, webhook, listsUnaffected } = value;
  if (typeof origin !== 'string' || typeof scope !== 'string') return undefined;
  if (referenceNumber !== undefined && typeof referenceNumber !== 'string') return undefined;
  const invalidation: Invalidation = { scope };
  if (referenceNumber !== undefined) invalidation.referenceNumber = referenceNumber;
  if (webhook === true) invalidation.webhook = true;
  if (listsUnaffected === true) invalidation.listsUnaffected = true;
  if (poll !== undefined) {
    const fleetPoll = parsePoll(poll);
    if (fleetPoll === undefined) return undefined;
    invalidation.poll = fleetPoll;
  }
  return { origin, invalidation };
}

function parsePoll(value: unknown): FleetPoll | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { startedAgoMs, windowAgoMs, changed, overflow } = value as Record<string, unknown>;
  const age = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (!age(startedAgoMs) || !age(windowAgoMs) || typeof overflow !== 'boolean') return undefined;
  if (!Array.isArray(changed) || !changed.every((each): each is string => typeof each === 'string')) return undefined;
  return { startedAgoMs, windowAgoMs, changed, overflow };
}
