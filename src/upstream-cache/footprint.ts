/**
 * What a cached value holds on the V8 heap, estimated from its structure, so that the upstream
 * cache can be bounded in bytes (CACHE_MAX_BYTES) and not only in entries: one list page of 500
 * invoices holds more than a thousand single customers.
 *
 * The layout is that of Node's official 64-bit builds, which do not compress pointers: an object
 * is a 24-byte header (map, properties, elements) and an 8-byte slot per property; an array a
 * 32-byte header, a 16-byte backing store and 8 bytes per element; a string a 16-byte header and
 * its characters, one byte each (Latin-1) or two, rounded up to 8; a number that is not a small
 * integer a 16-byte box; null, booleans and small integers live in their slot.
 *
 * A string is counted once per distinct value within one estimate: the Visma client's mapping
 * hands one string to several fields (a date to the document, original and discount dates, an
 * amount to its currency twin), and V8 shares the short strings JSON.parse makes. Counting every
 * occurrence overstated list pages of real invoices 1.7 times; once per value, 1.0 to 1.1 times
 * (1.1 for single invoices, 1.2 for customers: test/integration/upstream-cache-footprint.test.ts
 * measures it against the heap, docs/upstream-cache.md has the figures). Strings shared between
 * invoices (a status, a currency) are still counted in each, which is where the overstatement
 * comes from: the bound errs on the safe side.
 */

const OBJECT_HEADER = 24;
const ARRAY_HEADER = 32 + 16;
const SLOT = 8;
const STRING_HEADER = 16;
const HEAP_NUMBER = 16;
/** Any character above U+00FF makes V8 store the whole string at two bytes a character. */
const TWO_BYTE = /[\u0100-\uffff]/;

/** Bytes of one string on the heap: header and characters, 8-byte aligned. */
export function stringBytes(text: string): number {
  const characters = TWO_BYTE.test(text) ? text.length * 2 : text.length;
  return STRING_HEADER + ((characters + 7) & ~7);
}

/**
 * Freezes `value` deeply (cached values are shared by every request that reads them: code that
 * would change one fails loudly instead of corrupting another request's answer) and estimates the
 * bytes it holds, in one walk. Objects in `stopAt` are neither frozen nor counted, only the slot
 * that points to them: they are weighed on their own (a list page's invoices).
 */
export function freezeAndWeigh(value: unknown, stopAt?: ReadonlySet<object>): number {
  return walk(value, new Set<string>(), stopAt);
}

function walk(value: unknown, strings: Set<string>, stopAt: ReadonlySet<object> | undefined): number {
  switch (typeof value) {
    case 'string':
      if (strings.has(value)) return 0;
      strings.add(value);
      return stringBytes(value);
    case 'number':
      return (value | 0) === value ? 0 : HEAP_NUMBER;
    case 'object': {
      if (value === null || stopAt?.has(value) === true) return 0;
      const array = Array.isArray(value);
      const items: readonly unknown[] = array ? (value as unknown[]) : Object.values(value);
      Object.freeze(value);
      let bytes = (array ? ARRAY_HEADER : OBJECT_HEADER) + SLOT * items.length;
      for (const item of items) {
        if (item !== null) bytes += walk(item, strings, stopAt);
      }
      return bytes;
    }
    default:
      // Booleans and undefined live in their slot; the model holds no functions, symbols or bigints.
      return 0;
  }
}
