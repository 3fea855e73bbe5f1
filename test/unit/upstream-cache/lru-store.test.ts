import { LruStore } from '../../../src/upstream-cache';

describe('LruStore', () => {
  it('evicts the least recently used entry past its bound and says so', () => {
    const removed: string[] = [];
    const store = new LruStore<number>(2, (key) => removed.push(key));
    store.set('a', 1);
    store.set('b', 2);
    expect(store.get('a')).toBe(1);
    store.set('c', 3);
    expect([store.peek('a'), store.peek('b'), store.peek('c')]).toEqual([1, undefined, 3]);
    expect(removed).toEqual(['b']);
    expect(store.size).toBe(2);
  });

  it('does not count a peek as a use', () => {
    const store = new LruStore<number>(2);
    store.set('a', 1);
    store.set('b', 2);
    store.peek('a');
    store.set('c', 3);
    expect(store.peek('a')).toBeUndefined();
  });

  it('replaces a value in place without reporting a removal', () => {
    const removed: string[] = [];
    const store = new LruStore<number>(2, (key) => removed.push(key));
    store.set('a', 1);
    store.set('a', 2);
    expect(store.get('a')).toBe(2);
    expect(store.size).toBe(1);
    expect(removed).toEqual([]);
  });

  it('reports a delete, and only of a key it held', () => {
    const removed: string[] = [];
    const store = new LruStore<number>(2, (key) => removed.push(key));
    store.set('a', 1);
    expect(store.delete('a')).toBe(true);
    expect(store.delete('a')).toBe(false);
    expect(removed).toEqual(['a']);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a bound of %p', (bound) => {
    expect(() => new LruStore<number>(bound)).toThrow(`maxEntries must be a positive integer; received ${String(bound)}.`);
  });
});
