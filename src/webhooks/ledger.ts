import { createHash } from 'node:crypto';

/**
 * Which messages were already taken, so a repeated delivery (a retry, a duplicate) is acknowledged
 * without being acted on twice. Entries need only outlive the timestamp tolerance: an older copy
 * is refused as stale anyway.
 */
export interface MessageLedger {
  /** True the first time an id is offered within `ttlMs`; false for a repeat. */
  firstSeen(id: string, ttlMs: number): Promise<boolean>;
}

/** The Redis command the shared ledger needs (ioredis's `set` with PX and NX). */
export interface RedisSetNx {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null>;
}

/**
 * One replica's memory: ids with their expiry, at most `maxIds` (the oldest go first, in insertion
 * order, which is their expiry order since every id gets the same time to live).
 */
export class MemoryLedger implements MessageLedger {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly maxIds: number,
    private readonly now: () => number = Date.now,
  ) {}

  firstSeen(id: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    for (const [oldest, expiresAt] of this.seen) {
      if (expiresAt > now && this.seen.size < this.maxIds) break;
      this.seen.delete(oldest);
    }
    const expiresAt = this.seen.get(id);
    if (expiresAt !== undefined && expiresAt > now) return Promise.resolve(false);
    this.seen.delete(id);
    this.seen.set(id, now + ttlMs);
    return Promise.resolve(true);
  }

  get size(): number {
    return this.seen.size;
  }
}

/**
 * Across replicas: SET NX with a time to live, so whichever replica a repeat reaches knows it.
 * When Redis does not answer, this replica's memory decides: a repeat reaching another replica
 * then costs one more read of the invoice, never a wrong answer.
 */
export class RedisLedger implements MessageLedger {
  constructor(
    private readonly redis: RedisSetNx,
    private readonly local: MemoryLedger,
    private readonly warn: (message: string) => void,
  ) {}

  async firstSeen(id: string, ttlMs: number): Promise<boolean> {
    const locally = await this.local.firstSeen(id, ttlMs);
    try {
      // A digest: ids come from outside, and the key's length stays fixed.
      const key = `webhooks:seen:${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
      return (await this.redis.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK';
    } catch {
      this.warn('webhooks: Redis did not answer; repeated deliveries are recognised on this replica only');
      return locally;
    }
  }
}
