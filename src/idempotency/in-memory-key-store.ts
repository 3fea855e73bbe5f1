import type { ClaimResult, IdempotencyKeyStore, KeyRecord } from './key-store';

export interface InMemoryKeyStoreOptions {
  /** How long a key is kept after its first use. At least 24 hours; defaults to 24 hours. */
  retentionMs: number;
  /** Keys kept at most; the oldest go first beyond it. Defaults to 200_000 (a few hundred bytes each). */
  maxKeys: number;
  now: () => number;
}

export const MIN_RETENTION_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_KEYS = 200_000;

interface Entry {
  record: KeyRecord;
  expiresAt: number;
}

/**
 * Keys in this process's memory: correct for one gateway process, lost on restart (`durable`
 * is false, so creates look Visma up before their first send). Entries are kept in insertion
 * order and expire a fixed time after insertion, so expired ones are always at the front and a
 * sweep stops at the first live one.
 *
 * Past `maxKeys` the oldest key is dropped early. That never risks a duplicate, because the
 * stamp in Visma, not this store, is what a create checks before sending; it only means an
 * old key reused with another body is no longer recognised as reused.
 */
export class InMemoryKeyStore implements IdempotencyKeyStore {
  readonly durable = false;
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: InMemoryKeyStoreOptions) {
    if (!(options.retentionMs >= MIN_RETENTION_MS)) {
      throw new RangeError(
        `InMemoryKeyStore retentionMs must be at least ${MIN_RETENTION_MS} (24 hours); received ${options.retentionMs}.`,
      );
    }
    if (!Number.isInteger(options.maxKeys) || options.maxKeys < 1) {
      throw new RangeError(`InMemoryKeyStore maxKeys must be a positive integer; received ${options.maxKeys}.`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  // The store's interface is asynchronous for Redis' sake; in memory every answer is ready at once.
  claim(key: string, fingerprint: string, at: { now: number; leaseMs: number }): Promise<ClaimResult> {
    return Promise.resolve(this.claimNow(key, fingerprint, at));
  }

  complete(key: string, fingerprint: string, referenceNumber: string): Promise<void> {
    this.update(key, { state: 'done', fingerprint, referenceNumber });
    return Promise.resolve();
  }

  markUnknown(key: string, fingerprint: string, since: number): Promise<void> {
    this.update(key, { state: 'unknown', fingerprint, since });
    return Promise.resolve();
  }

  release(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  private claimNow(key: string, fingerprint: string, at: { now: number; leaseMs: number }): ClaimResult {
    this.sweep(at.now);
    const entry = this.entries.get(key);
    const lease: KeyRecord = { state: 'in_flight', fingerprint, claimedAt: at.now, leaseUntil: at.now + at.leaseMs };
    if (entry === undefined) {
      while (this.entries.size >= this.options.maxKeys) this.dropOldest();
      this.entries.set(key, { record: lease, expiresAt: at.now + this.options.retentionMs });
      return { claimed: true, previous: null };
    }
    const record = entry.record;
    const free = record.state === 'unknown' || (record.state === 'in_flight' && record.leaseUntil <= at.now);
    if (!free || record.fingerprint !== fingerprint) return { claimed: false, record: { ...record } };
    entry.record = lease;
    return { claimed: true, previous: { ...record } };
  }

  /** Updates in place so the entry keeps its place in the expiry order. */
  private update(key: string, record: KeyRecord): void {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.entries.set(key, { record, expiresAt: this.options.now() + this.options.retentionMs });
    } else {
      entry.record = record;
    }
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.entries.delete(key);
    }
  }

  private dropOldest(): void {
    const oldest = this.entries.keys().next();
    if (oldest.done !== true) this.entries.delete(oldest.value);
  }
}
