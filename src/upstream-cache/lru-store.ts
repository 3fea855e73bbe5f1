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
  /** Inserts or replaces; may evict the least recently used entries to stay within the bound. */
  set(key: string, value: V): void;
  /** True when the key was present. */
  delete(key: string): boolean;
  readonly size: number;
}

/**
 * A bounded map that evicts the least recently used entry. A `Map` keeps insertion order, so
 * re-inserting on use makes its first key the least recently used one: every operation is O(1).
 */
export class LruStore<V> implements CacheStore<V> {
  private readonly entries = new Map<string, V>();

  /**
   * @param maxEntries the bound; at least 1.
   * @param onRemove told of every entry that leaves, evicted or deleted (not of a replaced value).
   */
  constructor(
    private readonly maxEntries: number,
    private readonly onRemove: (key: string, value: V) => void = () => undefined,
  ) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer; received ${String(maxEntries)}.`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  peek(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    const replaced = this.entries.delete(key);
    this.entries.set(key, value);
    if (replaced) return;
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      const evicted = this.entries.get(oldest) as V;
      this.entries.delete(oldest);
      this.onRemove(oldest, evicted);
    }
  }

  delete(key: string): boolean {
    const value = this.entries.get(key);
    if (value === undefined) return false;
    this.entries.delete(key);
    this.onRemove(key, value);
    return true;
  }
}
