/**
 * Global ids (Relay's Global Object Identification, https://relay.dev/graphql/objectidentification.htm):
 * base64url of a JSON array, the type's name and then its natural key in Visma. Visma's keys are
 * unique only within their type (invoice 1001 and customer 1001 may both exist) and a line's
 * number only within its invoice, so the type and every part of the key go in.
 *
 * An id is a pure function of the key: the same object has the same id in every request, replica
 * and release, which is what a client cache keys on. Only the canonical spelling decodes (the
 * id re-encoded must be the id given), so each object has exactly one id. Clients must treat it
 * as opaque; the format is ours to change only together with a way to read the old one.
 */
export type NodeKey =
  | { type: 'CustomerInvoice'; referenceNumber: string }
  | { type: 'InvoiceLine'; referenceNumber: string; lineNumber: number }
  | { type: 'Customer'; number: string };

export type NodeTypeName = NodeKey['type'];

/** The types that implement `Node`: the ones a normalising client cache keeps (docs/api.md, "Global ids and client caches"). */
export const NODE_TYPE_NAMES: readonly NodeTypeName[] = Object.freeze(['CustomerInvoice', 'InvoiceLine', 'Customer']);

/**
 * Long enough for any key Visma's lengths allow (a 15-character invoice number and a 30-character
 * customer number, in any script), short enough that refusing a made-up one costs nothing.
 */
const MAX_ID_LENGTH = 300;

export function encodeGlobalId(key: NodeKey): string {
  return Buffer.from(JSON.stringify(partsOf(key)), 'utf8').toString('base64url');
}

/** The key an id names, or undefined when it is not an id this gateway issues (malformed, or of a type without ids). */
export function decodeGlobalId(id: string): NodeKey | undefined {
  if (id.length === 0 || id.length > MAX_ID_LENGTH || !/^[A-Za-z0-9_-]+$/.test(id)) {
    return undefined;
  }
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const key = keyOf(parts);
  return key !== undefined && encodeGlobalId(key) === id ? key : undefined;
}

function partsOf(key: NodeKey): Array<string | number> {
  switch (key.type) {
    case 'CustomerInvoice':
      return [key.type, key.referenceNumber];
    case 'InvoiceLine':
      return [key.type, key.referenceNumber, key.lineNumber];
    case 'Customer':
      return [key.type, key.number];
  }
}

function keyOf(parts: unknown): NodeKey | undefined {
  if (!Array.isArray(parts)) return undefined;
  const [type, first, second] = parts as unknown[];
  if (!isKeyText(first)) return undefined;
  if (type === 'CustomerInvoice' && parts.length === 2) return { type, referenceNumber: first };
  if (type === 'Customer' && parts.length === 2) return { type, number: first };
  if (type === 'InvoiceLine' && parts.length === 3 && typeof second === 'number' && Number.isSafeInteger(second) && second > 0) {
    return { type, referenceNumber: first, lineNumber: second };
  }
  return undefined;
}

function isKeyText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
