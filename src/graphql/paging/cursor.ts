import { createHash } from 'node:crypto';
import type { InvoiceListFilter } from '../../visma/model';

/**
 * Cursors are opaque to clients: base64url of `{"v":1,"o":<offset>,"f":<filter key>}`. The
 * offset is the item's position in the filtered list; the filter key ties the cursor to the
 * filter it was minted for, because an offset means nothing in another list. The version lets
 * a later format refuse old cursors cleanly.
 */
const CURSOR_VERSION = 1;
const MAX_CURSOR_LENGTH = 200;

export class CursorError extends Error {
  constructor(
    message: string,
    readonly reason: 'malformed' | 'foreign',
  ) {
    super(message);
    this.name = 'CursorError';
  }
}

export function encodeCursor(offset: number, filterKey: string): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, o: offset, f: filterKey }), 'utf8').toString('base64url');
}

/** The offset of the item the cursor points at; throws `CursorError` for anything else. */
export function decodeCursor(cursor: string, filterKey: string): number {
  const payload = parse(cursor);
  if (
    payload === undefined ||
    payload['v'] !== CURSOR_VERSION ||
    typeof payload['o'] !== 'number' ||
    !Number.isSafeInteger(payload['o']) ||
    payload['o'] < 0 ||
    typeof payload['f'] !== 'string'
  ) {
    throw new CursorError('is not a cursor this gateway issued; use an endCursor or edge cursor from a previous page.', 'malformed');
  }
  if (payload['f'] !== filterKey) {
    throw new CursorError('was issued for a different filter; cursors only continue the list they came from.', 'foreign');
  }
  return payload['o'];
}

/** A short, stable digest of a filter: equal filters give equal keys whatever their key order. */
export function filterKey(filter: InvoiceListFilter): string {
  return createHash('sha256').update(canonicalJson(filter)).digest('base64url').slice(0, 16);
}

function parse(cursor: string): Record<string, unknown> | undefined {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
