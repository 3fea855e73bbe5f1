import { CursorError, decodeCursor, encodeCursor, filterKey } from '../../../../src/graphql/paging/cursor';

const KEY = filterKey({ status: 'Open' });

function reasonOf(cursor: string, key = KEY): string {
  try {
    decodeCursor(cursor, key);
  } catch (error) {
    if (error instanceof CursorError) {
      return error.reason;
    }
    throw error;
  }
  throw new Error('expected decodeCursor to fail');
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

describe('cursor', () => {
  describe('encodeCursor and decodeCursor', () => {
    it.each([0, 1, 49, 123_456])('round-trips offset %d', (offset) => {
      expect(decodeCursor(encodeCursor(offset, KEY), KEY)).toBe(offset);
    });

    it('is opaque: base64url without padding', () => {
      expect(encodeCursor(7, KEY)).toMatch(/^[A-Za-z0-9_-]+$/);
    });
  });

  describe('malformed cursors', () => {
    it.each([
      ['empty', ''],
      ['not base64url', 'abc$%'],
      ['not JSON', b64('hello')],
      ['a JSON array', b64('[1,2]')],
      ['another version', b64(JSON.stringify({ v: 2, o: 1, f: KEY }))],
      ['a negative offset', b64(JSON.stringify({ v: 1, o: -1, f: KEY }))],
      ['a fractional offset', b64(JSON.stringify({ v: 1, o: 1.5, f: KEY }))],
      ['an offset as text', b64(JSON.stringify({ v: 1, o: '1', f: KEY }))],
      ['no filter key', b64(JSON.stringify({ v: 1, o: 1 }))],
      ['far too long', 'A'.repeat(500)],
    ])('refuses %s', (_name, cursor) => {
      expect(reasonOf(cursor)).toBe('malformed');
    });
  });

  describe('foreign cursors', () => {
    it('refuses a cursor minted for another filter', () => {
      const cursor = encodeCursor(10, filterKey({ status: 'Closed' }));
      expect(reasonOf(cursor)).toBe('foreign');
    });

    it('says why in the message', () => {
      expect(() => decodeCursor(encodeCursor(10, filterKey({})), KEY)).toThrow(
        'was issued for a different filter; cursors only continue the list they came from.',
      );
    });
  });

  describe('filterKey', () => {
    it('ignores key order and undefined members', () => {
      expect(filterKey({ status: 'Open', customerNumber: '10000' })).toBe(
        filterKey({ customerNumber: '10000', financialPeriod: undefined, status: 'Open' }),
      );
    });

    it('tells different date conditions apart', () => {
      expect(filterKey({ documentDate: { operator: '>=', value: '2025-01-01' } })).not.toBe(
        filterKey({ documentDate: { operator: '>', value: '2025-01-01' } }),
      );
    });
  });
});
