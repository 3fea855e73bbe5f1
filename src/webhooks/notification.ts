import type { InvoiceChangeKind } from '../upstream-cache';

/**
 * What one webhook message says, as far as the gateway needs it. Visma does not publish the
 * payload of Visma.net ERP's webhooks (CONTRACT §10); the receiver assumes the thin notification
 * its sibling product documents (docs/webhooks.md, "Assumptions"), and reads it liberally: the
 * field names below in the spellings a .NET or JSON sender would use, and anything else ignored.
 */
export type Notification =
  | {
      kind: 'invoice';
      id: string | undefined;
      timestampMs: number;
      tenantId: string | undefined;
      referenceNumber: string;
      change: InvoiceChangeKind;
    }
  /** Signed and fresh, but not about an invoice change the gateway knows (a customer event, a new event type): acknowledged. */
  | { kind: 'other'; id: string | undefined; timestampMs: number; tenantId: string | undefined; what: string };

export type NotificationProblem = { problem: string };

type Json = Record<string, unknown>;

const INVOICE_ENTITIES = new Set(['arinvoice', 'customerinvoice', 'invoice']);
/** Visma's AR Invoice events (CONTRACT §10), normalized: lower case, no spaces or separators. */
const EVENTS: Readonly<Record<string, InvoiceChangeKind>> = {
  changed: 'UPDATED',
  updated: 'UPDATED',
  created: 'CREATED',
  statuschanged: 'STATUS_CHANGED',
  actiontriggered: 'ACTION_TRIGGERED',
};

const normalized = (text: string): string => text.toLowerCase().replace(/[\s_.-]/g, '');

function field(body: Json, ...names: string[]): unknown {
  for (const name of names) if (body[name] !== undefined && body[name] !== null) return body[name];
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** An ISO 8601 instant, or seconds (or milliseconds) since the epoch. */
function instant(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function referenceNumberOf(body: Json): string | undefined {
  const keys = field(body, 'key', 'keys', 'Key', 'Keys', 'primaryKeys');
  if (typeof keys === 'object' && keys !== null && !Array.isArray(keys)) {
    const found = text(field(keys as Json, 'referenceNumber', 'ReferenceNumber', 'refNbr', 'RefNbr', 'documentNumber', 'number'));
    if (found !== undefined) return found;
  }
  return text(field(body, 'referenceNumber', 'ReferenceNumber'));
}

/** Reads a message whose signature has been checked; a problem names what is missing. */
export function readNotification(rawBody: Buffer): Notification | NotificationProblem {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return { problem: 'The message is not JSON.' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { problem: 'The message is not a JSON object.' };
  const json = body as Json;
  const timestampMs = instant(field(json, 'timestamp', 'timeStamp', 'Timestamp'));
  if (timestampMs === undefined) return { problem: 'The message has no timestamp (an ISO 8601 instant or epoch seconds).' };
  const id = text(field(json, 'id', 'messageId', 'eventId', 'Id', 'MessageId'));
  const tenantId = text(field(json, 'tenantId', 'TenantId', 'tenant'));
  const entity = text(field(json, 'entity', 'Entity', 'entityType', 'table'));
  const event = text(field(json, 'eventType', 'event', 'EventType', 'Event', 'type'));
  const change = event === undefined ? undefined : EVENTS[normalized(event)];
  const referenceNumber = referenceNumberOf(json);
  if (entity !== undefined && INVOICE_ENTITIES.has(normalized(entity)) && change !== undefined && referenceNumber !== undefined) {
    return { kind: 'invoice', id, timestampMs, tenantId, referenceNumber, change };
  }
  return { kind: 'other', id, timestampMs, tenantId, what: `${entity ?? 'no entity'} ${event ?? 'no event'}` };
}
