import type Redis from 'ioredis';
import { IdempotencyError } from './idempotent-create';
import { MIN_RETENTION_MS } from './in-memory-key-store';
import type { ClaimResult, IdempotencyKeyStore, KeyRecord } from './key-store';

export interface RedisKeyStoreOptions {
  redis: Redis;
  /** How long a key is kept after its first use. At least 24 hours. */
  retentionMs: number;
  /** Prefix of every key this store writes. Defaults to `idem:`. */
  prefix?: string;
  /** Told when a write after the claim fails (the store then relies on the lease running out; see `settle`). */
  warn: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * The claim in one Lua script, so two replicas cannot both take a key (Redis runs a script
 * atomically: https://redis.io/docs/latest/develop/interact/programmability/eval-intro/).
 * The rules are the in-memory store's: a key is free when unknown to the store, left `unknown`,
 * or held by a lease that ran out, and always only for the same fingerprint. The retention runs
 * from first use (PX on creation, KEEPTTL after), as in memory.
 * Returns {1, previous or ""} when claimed, {0, current} when not.
 */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, ''}
end
local record = cjson.decode(current)
local free = record.state == 'unknown' or (record.state == 'in_flight' and tonumber(record.leaseUntil) <= tonumber(ARGV[3]))
if (not free) or record.fingerprint ~= ARGV[4] then
  return {0, current}
end
redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
return {1, current}
`;

/** Overwrites the record and keeps its expiry; a key that expired meanwhile starts a new retention. */
const UPDATE = `
if redis.call('SET', KEYS[1], ARGV[1], 'XX', 'KEEPTTL') then return 1 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 0
`;

/**
 * Idempotency keys in Redis, shared by every replica and kept across restarts (`durable`), so
 * a keyed create costs no look-up before its first POST.
 *
 * When Redis cannot be reached the claim fails with `IdempotencyError('store_unavailable')`
 * (IDEMPOTENCY_STORE_UNAVAILABLE): without the claim, two replicas could both post the same
 * key, so the create is refused rather than risked. A write after a successful claim
 * (`complete`, `markUnknown`, `release`) that fails is only logged: the key then stays
 * `in_flight` until its lease runs out, and the next claim sees an abandoned lease and looks
 * Visma up before it posts, which is the crash path the creator already handles.
 */
export class RedisKeyStore implements IdempotencyKeyStore {
  readonly durable = true;
  private readonly prefix: string;

  constructor(private readonly options: RedisKeyStoreOptions) {
    if (!(options.retentionMs >= MIN_RETENTION_MS)) {
      throw new RangeError(`RedisKeyStore retentionMs must be at least ${MIN_RETENTION_MS} (24 hours); received ${options.retentionMs}.`);
    }
    this.prefix = options.prefix ?? 'idem:';
  }

  async claim(key: string, fingerprint: string, at: { now: number; leaseMs: number }): Promise<ClaimResult> {
    const lease: KeyRecord = { state: 'in_flight', fingerprint, claimedAt: at.now, leaseUntil: at.now + at.leaseMs };
    let reply: unknown;
    try {
      reply = await this.options.redis.eval(
        CLAIM,
        1,
        this.prefix + key,
        JSON.stringify(lease),
        String(this.options.retentionMs),
        String(at.now),
        fingerprint,
      );
    } catch (error) {
      throw new IdempotencyError(
        'store_unavailable',
        'The idempotency key store cannot be reached, so the gateway cannot make sure this create happens only once. Nothing was sent to Visma; retry with the same key.',
        5,
        { cause: error },
      );
    }
    const [claimed, stored] = reply as [number, string];
    if (claimed === 1) {
      return {
        claimed: true,
        previous: stored === '' ? null : (JSON.parse(stored) as Extract<KeyRecord, { state: 'unknown' | 'in_flight' }>),
      };
    }
    return { claimed: false, record: JSON.parse(stored) as KeyRecord };
  }

  async complete(key: string, fingerprint: string, referenceNumber: string): Promise<void> {
    await this.settle(key, { state: 'done', fingerprint, referenceNumber });
  }

  async markUnknown(key: string, fingerprint: string, since: number): Promise<void> {
    await this.settle(key, { state: 'unknown', fingerprint, since });
  }

  async release(key: string): Promise<void> {
    try {
      await this.options.redis.del(this.prefix + key);
    } catch (error) {
      this.warnLost('release', error);
    }
  }

  private async settle(key: string, record: KeyRecord): Promise<void> {
    try {
      await this.options.redis.eval(UPDATE, 1, this.prefix + key, JSON.stringify(record), String(this.options.retentionMs));
    } catch (error) {
      this.warnLost(record.state, error);
    }
  }

  private warnLost(step: string, error: unknown): void {
    this.options.warn(
      { step, error: error instanceof Error ? error.message : String(error) },
      'idempotency store write failed; the key stays leased until its lease runs out, then a retry looks Visma up before posting',
    );
  }
}
