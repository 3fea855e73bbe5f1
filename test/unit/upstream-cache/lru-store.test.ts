import { LruStore, type Footprint, type RemovalReason } from '../../../src/upstream-cache';

function recording<V>(bounds: ConstructorParameters<typeof LruStore<V>>[0]) {
  const removed: Array<[string, RemovalReason]> = [];
  const store = new LruStore<V>(bounds, (key, _value, reason) => removed.push([key, reason]));
  return { store, removed };
}

/** A footprint of `own` bytes and the given shared parts. */
const footprint = (own: number, ...shared: Array<[object, number]>): Footprint => ({
  own,
  shared: shared.map(([part, bytes]) => ({ part, bytes })),
});

describe('LruStore', () => {
  it('evicts the least recently used entry past its bound and says so', () => {
    const { store, removed } = recording<number>({ maxEntries: 2 });
    store.set('a', 1);
    store.set('b', 2);
    expect(store.get('a')).toBe(1);
    store.set('c', 3);
    expect([store.peek('a'), store.peek('b'), store.peek('c')]).toEqual([1, undefined, 3]);
    expect(removed).toEqual([['b', 'entries']]);
    expect(store.size).toBe(2);
  });

  it('does not count a peek as a use', () => {
    const store = new LruStore<number>({ maxEntries: 2 });
    store.set('a', 1);
    store.set('b', 2);
    store.peek('a');
    store.set('c', 3);
    expect(store.peek('a')).toBeUndefined();
  });

  it('replaces a value in place without reporting a removal', () => {
    const { store, removed } = recording<number>({ maxEntries: 2 });
    store.set('a', 1);
    store.set('a', 2);
    expect(store.get('a')).toBe(2);
    expect(store.size).toBe(1);
    expect(removed).toEqual([]);
  });

  it('reports a delete, and only of a key it held', () => {
    const { store, removed } = recording<number>({ maxEntries: 2 });
    store.set('a', 1);
    expect(store.delete('a')).toBe(true);
    expect(store.delete('a')).toBe(false);
    expect(removed).toEqual([['a', 'deleted']]);
  });

  it('lists its entries least recently used first', () => {
    const store = new LruStore<number>({ maxEntries: 3 });
    store.set('a', 1);
    store.set('b', 2);
    store.set('c', 3);
    store.get('a');
    expect([...store.entries()]).toEqual([
      ['b', 2],
      ['c', 3],
      ['a', 1],
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a bound of %p', (bound) => {
    expect(() => new LruStore<number>({ maxEntries: bound })).toThrow(`maxEntries must be a positive integer; received ${String(bound)}.`);
    expect(() => new LruStore<number>({ maxEntries: 1, maxBytes: bound })).toThrow(
      `maxBytes must be a positive integer; received ${String(bound)}.`,
    );
  });

  describe('bounded in bytes', () => {
    it('counts what its entries hold and evicts the least recently used until the total is within the bound', () => {
      const { store, removed } = recording<string>({ maxEntries: 100, maxBytes: 1_000 });
      store.set('a', 'A', footprint(400));
      store.set('b', 'B', footprint(400));
      expect(store.bytes).toBe(800);
      store.get('a');
      store.set('c', 'C', footprint(300));
      expect(removed).toEqual([['b', 'bytes']]);
      expect(store.bytes).toBe(700);
      store.set('d', 'D', footprint(600));
      expect(removed).toEqual([
        ['b', 'bytes'],
        ['a', 'bytes'],
      ]);
      expect([...store.entries()].map(([key]) => key)).toEqual(['c', 'd']);
      expect(store.bytes).toBe(900);
    });

    it('counts a part shared by several entries once, and lets it go with the last of them', () => {
      const invoice = {};
      const other = {};
      const store = new LruStore<string>({ maxEntries: 100, maxBytes: 1_000_000 });
      store.set('list', 'page', footprint(100, [invoice, 5_000], [other, 3_000]));
      store.set('invoice', 'one', footprint(50, [invoice, 5_000]));
      expect(store.bytes).toBe(100 + 50 + 5_000 + 3_000);
      store.delete('list');
      expect(store.bytes).toBe(50 + 5_000);
      store.delete('invoice');
      expect(store.bytes).toBe(0);
    });

    it('counts a replaced value out and the new one in, parts they share included', () => {
      const kept = {};
      const dropped = {};
      const added = {};
      const store = new LruStore<string>({ maxEntries: 100, maxBytes: 1_000_000 });
      store.set('k', 'old', footprint(10, [kept, 1_000], [dropped, 2_000]));
      store.set('k', 'new', footprint(20, [kept, 1_000], [added, 4_000]));
      expect(store.bytes).toBe(20 + 1_000 + 4_000);
      expect(store.size).toBe(1);
    });

    it('does not keep a value bigger than the per-entry bound, and drops the older value under its key', () => {
      const { store, removed } = recording<string>({ maxEntries: 100, maxBytes: 1_000, maxEntryBytes: 250 });
      store.set('other', 'kept', footprint(100));
      expect(store.set('k', 'small', footprint(200))).toBe(true);
      expect(store.set('k', 'big', footprint(100, [{}, 151]))).toBe(false);
      expect(store.peek('k')).toBeUndefined();
      expect(store.peek('other')).toBe('kept');
      expect(removed).toEqual([['k', 'deleted']]);
      expect(store.bytes).toBe(100);
    });

    it('weighs a value by everything it holds for the per-entry bound, even parts other entries already hold', () => {
      const invoice = {};
      const store = new LruStore<string>({ maxEntries: 100, maxBytes: 1_000, maxEntryBytes: 250 });
      expect(store.set('invoice', 'one', footprint(10, [invoice, 200]))).toBe(true);
      expect(store.set('list', 'page', footprint(100, [invoice, 200]))).toBe(false);
    });

    it('holds both bounds at once: entries and bytes, whichever is reached first', () => {
      const { store, removed } = recording<string>({ maxEntries: 2, maxBytes: 1_000 });
      store.set('a', 'A', footprint(10));
      store.set('b', 'B', footprint(10));
      store.set('c', 'C', footprint(10));
      store.set('d', 'D', footprint(991));
      expect(removed).toEqual([
        ['a', 'entries'],
        ['b', 'entries'],
        ['c', 'bytes'],
      ]);
      expect(store.bytes).toBe(991);
    });
  });
});
