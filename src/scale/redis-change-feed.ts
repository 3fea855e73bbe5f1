import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { InvoiceChange, InvoiceChangeKind, InvoiceChangeSource } from '../upstream-cache';
import { deliver, type ChangeFeed, type FedChange } from '../upstream-cache/change-feed';
import { isPlainRequestId } from '../visma/request-id';
import { jsonObject, redactedUrl, type RedisLogger } from './redis';

const CHANNEL = 'invoice-changes';
const KINDS: ReadonlySet<string> = new Set<InvoiceChangeKind>(['CREATED', 'UPDATED', 'STATUS_CHANGED', 'ACTION_TRIGGERED']);
const SOURCES: ReadonlySet<string> = new Set<InvoiceChangeSource>(['write', 'webhook', 'poll']);

/**
 * Invoice changes between replicas through Redis pub/sub, on a channel of their own beside the
 * cache's invalidations (src/scale/redis-invalidation-bus.ts): every change any replica learns
 * of reaches the subscriptions of all of them.
 *
 * A change is delivered to this replica's own listeners at once, before Redis is asked, so a
 * replica's subscribers never depend on Redis for its own changes. With Redis unreachable the
 * others' changes do not arrive (pub/sub keeps nothing for an absent listener); each replica's
 * cache then polls Visma for itself (docs/scaling.md) and reports what its poll finds here, so
 * subscribers still hear of every change within a poll interval, and of this replica's own
 * writes at once. Times travel as ages, so replicas' clocks need not agree.
 */
export class RedisChangeFeed implements ChangeFeed {
  /** Tells this replica's own messages apart: Redis delivers them back to it. */
  private readonly origin = randomUUID();
  private readonly subscriber: Redis;
  private readonly listeners = new Set<(change: FedChange) => void>();
  private up = false;
  private subscribed = false;

  constructor(
    private readonly publisher: Redis,
    url: string,
    private readonly logger: RedisLogger,
    private readonly now: () => number = Date.now,
    private readonly channel = CHANNEL,
  ) {
    this.subscriber = new Redis(url, {
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      lazyConnect: true,
    });
    // Without an 'error' listener ioredis reports every failed reconnect as an unhandled error.
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('close', () => {
      if (!this.up) return;
      this.up = false;
      logger.warn(
        {},
        "Redis change feed lost: this replica's subscribers hear of other replicas' changes through its own change poll until it is back",
      );
    });
    this.subscriber.on('ready', () => {
      this.up = true;
      logger.info({ redis: redactedUrl(url) }, 'Redis change feed connected');
    });
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const change = parse(text, this.now());
      if (change === undefined || change.origin === this.origin) return;
      deliver(this.listeners, change.change);
    });
  }

  publish(change: InvoiceChange): void {
    deliver(this.listeners, { ...change, remote: false });
    const message = JSON.stringify({
      origin: this.origin,
      scope: change.scope,
      referenceNumber: change.referenceNumber,
      kind: change.kind,
      source: change.source,
      observedAgoMs: Math.max(0, this.now() - change.observedAt),
      // The work that learned of it: the other replicas' reads for it are named after it.
      ...(change.requestId === undefined ? {} : { requestId: change.requestId }),
    });
    this.publisher.publish(this.channel, message).catch((error: unknown) => {
      this.logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'Redis change feed: a change could not reach the other replicas; their change polls will find it',
      );
    });
  }

  subscribe(listener: (change: FedChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.subscribed) {
      this.subscribed = true;
      // ioredis subscribes again on every reconnect.
      this.subscriber.subscribe(this.channel).catch((error: unknown) => {
        this.logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'Redis change feed: subscribing failed; ioredis retries on reconnect',
        );
      });
    }
    return () => this.listeners.delete(listener);
  }

  /** Whether the other replicas' changes can arrive now. */
  get connected(): boolean {
    return this.up;
  }

  close(): Promise<void> {
    this.up = false;
    this.listeners.clear();
    this.subscriber.disconnect();
    return Promise.resolve();
  }
}

/** A change from another replica, or undefined when the message is not one (anyone can publish on Redis). */
function parse(text: string, now: number): { origin: string; change: FedChange } | undefined {
  const value = jsonObject(text);
  if (value === undefined) return undefined;
  const { origin, scope, referenceNumber, kind, source, observedAgoMs, requestId } = value;
  if (typeof origin !== 'string' || typeof scope !== 'string' || typeof referenceNumber !== 'string' || referenceNumber === '') {
    return undefined;
  }
  if (typeof kind !== 'string' || !KINDS.has(kind) || typeof source !== 'string' || !SOURCES.has(source)) return undefined;
  if (typeof observedAgoMs !== 'number' || !Number.isFinite(observedAgoMs) || observedAgoMs < 0) return undefined;
  const change: FedChange = {
    scope,
    referenceNumber,
    kind: kind as InvoiceChangeKind,
    source: source as InvoiceChangeSource,
    observedAt: now - observedAgoMs,
    remote: true,
  };
  // Only a plain id: anyone can publish on Redis, and it goes into log lines and Visma's headers.
  if (isPlainRequestId(requestId)) change.requestId = requestId;
  return { origin, change };
}
