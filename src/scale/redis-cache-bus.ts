import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { RedisLogger } from './redis';

/**
 * What one replica tells the others about an owner's cached Visma data (an owner is one
 * tenant-and-credential cache partition, named by a digest, never by the credential).
 */
export interface CacheBusMessage {
  owner: string;
  /** Invoices to evict: changed through this replica's mutations or found by its poll. */
  invoices: string[];
  /** Drop every cached list of the owner (any change may move an invoice in or out of a list). */
  lists: boolean;
  /** Drop everything of the owner: a poll found more changes than it could read. */
  all?: boolean;
  /**
   * Set by the replica that polled Visma for the fleet: how long before publishing its poll
   * started. A receiver treats its cache as checked against Visma at (its own receipt time −
   * ageMs), so replicas' clocks never have to agree.
   */
  pollAgeMs?: number;
}

export interface ReceivedCacheMessage extends CacheBusMessage {
  /** The receiver's clock when the message arrived (epoch ms). */
  receivedAt: number;
}

/** `lead`: this replica polls Visma for the fleet now; `follow`: another one does; `unavailable`: Redis did not answer, poll locally. */
export type PollClaim = 'lead' | 'follow' | 'unavailable';

export interface CacheBusEvents {
  message(message: ReceivedCacheMessage): void;
  /**
   * The subscription was (re)established after a gap, or is lost: messages may have been missed,
   * so the receiver must drop what it cached on the strength of them.
   */
  gap(): void;
}

/**
 * The cross-replica side of the upstream cache (README "Scaling out"), over Redis pub/sub:
 * evictions reach every replica, and a lease lets one replica poll Visma's change list for the
 * whole fleet per interval instead of every replica spending a call on it. A subscribed ioredis
 * connection can issue no other command, so the bus has its own; publishing and the lease use
 * the shared connection, which fails fast while Redis is down (src/scale/redis.ts).
 */
export class RedisCacheBus {
  /** Tells this replica's own messages apart: Redis delivers them back to the publisher's subscriber too. */
  private readonly origin = randomUUID();
  private subscribed = false;
  private listener: CacheBusEvents | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly logger: RedisLogger,
    private readonly now: () => number = Date.now,
    private readonly channel = 'visma-cache',
  ) {
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      this.receive(raw);
    });
    subscriber.on('ready', () => {
      void this.subscribe();
    });
    subscriber.on('close', () => {
      if (!this.subscribed) return;
      this.subscribed = false;
      this.listener?.gap();
    });
    if (subscriber.status === 'ready') void this.subscribe();
  }

  /** One listener, the cache; set before messages matter. */
  listen(events: CacheBusEvents): void {
    this.listener = events;
  }

  /** True while this replica receives the others' messages; a cache must not trust its entries across a gap. */
  get connected(): boolean {
    return this.subscribed;
  }

  /**
   * Publishes to every other replica. Resolves false when Redis did not take it: the others then
   * learn of the change from their next poll, within the freshness bound.
   */
  async publish(message: CacheBusMessage): Promise<boolean> {
    try {
      await this.redis.publish(this.channel, JSON.stringify({ ...message, origin: this.origin }));
      return true;
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'cache invalidation not published: other replicas see the change at their next poll');
      return false;
    }
  }

  /**
   * Takes the owner's poll lease for `leaseMs` (SET NX PX: atomic, one holder at a time), so one
   * replica polls per interval. Not renewed: the next interval's claim goes to whoever asks first.
   */
  async claimPoll(owner: string, leaseMs: number): Promise<PollClaim> {
    try {
      const taken = await this.redis.set(`visma-cache-poll:${owner}`, this.origin, 'PX', leaseMs, 'NX');
      return taken === 'OK' ? 'lead' : 'follow';
    } catch {
      return 'unavailable';
    }
  }

  async close(): Promise<void> {
    this.subscribed = false;
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'cache invalidation channel not subscribed; retrying when Redis reconnects');
      return;
    }
    this.subscribed = true;
    // Whatever was published while this replica was not listening is lost: start over.
    this.listener?.gap();
  }

  private receive(raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const message = validMessage(parsed);
    if (message === null || message.origin === this.origin) return;
    const { origin: _origin, ...rest } = message;
    this.listener?.message({ ...rest, receivedAt: this.now() });
  }
}

function validMessage(value: unknown): (CacheBusMessage & { origin: string }) | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v['origin'] !== 'string' || typeof v['owner'] !== 'string' || typeof v['lists'] !== 'boolean') return null;
  const invoices = v['invoices'];
  if (!Array.isArray(invoices) || !invoices.every((each): each is string => typeof each === 'string')) return null;
  const pollAgeMs = v['pollAgeMs'];
  if (pollAgeMs !== undefined && (typeof pollAgeMs !== 'number' || !Number.isFinite(pollAgeMs) || pollAgeMs < 0)) return null;
  const all = v['all'];
  if (all !== undefined && typeof all !== 'boolean') return null;
  return {
    origin: v['origin'],
    owner: v['owner'],
    invoices,
    lists: v['lists'],
    ...(all === undefined ? {} : { all }),
    ...(pollAgeMs === undefined ? {} : { pollAgeMs }),
  };
}
