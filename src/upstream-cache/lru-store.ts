/**
 * What an entry holds, in bytes: what is its alone, and the parts it may share with other entries
 * (the invoices of a list page are also cached one by one, as the same objects). A shared part is
 * counted once while any entry holds it, so the total is what the entries keep alive together.
 */
export interface Footprint {
  /** Bytes only this entry holds: its key, its bookkeeping, its value outside the shared parts. */
  readonly own: number;
  readonly shared: ReadonlyArray<{ readonly part: object; readonly bytes: number }>;
}

const NOTHING: Footprint = { own: 0, shared: [] };

/** Why an entry left: `entries` and `bytes` are the two bounds; `deleted` is the owner's own doing. */
export type RemovalReason = 'deleted' | 'entries' | 'bytes';

export interface LruBounds {
  /** Entries held at most; at least 1. */
  maxEntries: number;
  /** Bytes held at most, shared parts counted once. Defaults to no bound. */
  maxBytes?: number;
  /**
   * A value bigger than this on its own is not kept: it would push out many smaller ones to be
   * used perhaps once. Defaults to `maxBytes`.
   */
  maxEntryBytes?: number;
}

/**
 * Where cached upstream answers live. The in-process `LruStore` is the one implementation; the
 * interface is the seam a shared store (Redis) would plug into, so its operations are the few a
 * remote store can do in one round trip each.
 */
export interface CacheStore<V> {
  /** The value, counted as a use for the eviction order; undefined when absent. */
  get(key: string): V | undefined;
  /** The value without counting a use (bookkeeping reads must not keep an entry alive). */
  peek(key: string): V | undefined;
  /**
   * Inserts or replaces, then evicts the least recently used entries until both bounds hold.
   * False when the value alone is over the per-entry bound: it is not kept, and an older value
   * under the key is deleted.
   */
  set(key: string, value: V, footprint?: Footprint): boolean;
  /** True when the key was present. */
  delete(key: string): boolean;
  /** Every entry, least recently used first. */
  entries(): IterableIterator<[string, V]>;
  readonly size: number;
  /** Bytes held, each shared part once. */
  readonly bytes: number;
}

interface Slot<V> {
  readonly value: V;
  readonly footprint: Footprint;
}

/**
 * A map bounded in entries and in bytes that evicts the least recently used entry. A `Map` keeps
 * insertion order, so re-inserting on use makes its first key the least recently used one: every
 * operation is O(1) apart from the parts an entry shares, which are counted in and out one by one.
 */
export class LruStore<V> implements CacheStore<V> {
  private readonly slots = new Map<string, Slot<V>>();
  /** Every shared part held, with its size and how many entries hold it. */
  private readonly parts = new Map<object, { bytes: number; holders: number }>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly maxEntryBytes: number;
  private held = 0;

  /**
   * @param onRemove told of every entry that leaves, evicted or deleted, and why (not of a
   * replaced value).
   */
  constructor(
    bounds: LruBounds,
    private readonly onRemove: (key: string, value: V, reason: RemovalReason) => void = () => undefined,
  ) {
    this.maxEntries = positive('maxEntries', bounds.maxEntries);
    this.maxBytes = positive('maxBytes', bounds.maxBytes ?? Number.MAX_SAFE_INTEGER);
    this.maxEntryBytes = Math.min(this.maxBytes, positive('maxEntryBytes', bounds.maxEntryBytes ?? this.maxBytes));
  }

  get size(): number {
    return this.slots.size;
  }

  get bytes(): number {
    return this.held;
  }

  get(key: string): V | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.value;
  }

  peek(key: string): V | undefined {
    return this.slots.get(key)?.value;
  }

  set(key: string, value: V, footprint: Footprint = NOTHING): boolean {
    if (alone(footprint) > this.maxEntryBytes) {
      this.delete(key);
      return false;
    }
    const replaced = this.slots.get(key);
    this.slots.delete(key);
    this.slots.set(key, { value, footprint });
    this.hold(footprint);
    // After the new value's parts are held: a part both values share is never counted out and in.
    if (replaced !== undefined) this.release(replaced.footprint);
    while (this.slots.size > this.maxEntries || this.held > this.maxBytes) {
      const oldest = this.slots.keys().next().value as string;
      // The value just set fits the per-entry bound, so the loop ends with it alone at the latest.
      this.remove(oldest, this.slots.size > this.maxEntries ? 'entries' : 'bytes');
    }
    return true;
  }

  delete(key: string): boolean {
    return this.remove(key, 'deleted');
  }

  *entries(): IterableIterator<[string, V]> {
    for (const [key, slot] of this.slots) yield [key, slot.value];
  }

  private remove(key: string, reason: RemovalReason): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    this.release(slot.footprint);
    this.onRemove(key, slot.value, reason);
    return true;
  }

  private hold(footprint: Footprint): void {
    this.held += footprint.own;
    for (const { part, bytes } of footprint.shared) {
      const counted = this.parts.get(part);
      if (counted === undefined) {
        this.parts.set(part, { bytes, holders: 1 });
        this.held += bytes;
      } else {
        counted.holders += 1;
      }
    }
  }

  private release(footprint: Footprint): void {
    this.held -= footprint.own;
    for (const { part } of footprint.shared) {
      const counted = this.parts.get(part);
      if (counted === undefined) continue;
      counted.holders -= 1;
      if (counted.holders === 0) {
        this.parts.delete(part);
        this.held -= counted.bytes;
      }
    }
  }
}

/** The bytes of an entry held by nothing else. */
function alone(footprint: Footprint): number {
  let bytes = footprint.own;
  for (const { bytes: part } of footprint.shared) bytes += part;
  return bytes;
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer; received ${String(value)}.`);
  }
  return value;
}
