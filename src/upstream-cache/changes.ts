/**
 * What kind of change an invoice went through, as far as the gateway can tell. Visma's webhooks
 * say "Changed" (created or updated), "Status Changed" and "Action Triggered"; the gateway's own
 * writes know exactly what they did; a change poll sees only that something changed (UPDATED).
 */
export type InvoiceChangeKind = 'CREATED' | 'UPDATED' | 'STATUS_CHANGED' | 'ACTION_TRIGGERED';

/** How the gateway learned of a change. */
export type InvoiceChangeSource = 'write' | 'webhook' | 'poll';

/**
 * One invoice changed in Visma. It is a hint: whoever acts on it reads the invoice again (through
 * the cache, so concurrent readers share one Visma call). The same change may be reported more
 * than once (a write, then its webhook, then a poll): consumers tell states apart by what they
 * read, not by counting hints.
 */
export interface InvoiceChange {
  /** The credential's cache scope (`cc:<tenant>` or `pt:<SHA-256 of the token>`), as on the invalidation bus. */
  scope: string;
  /** The invoice's number (Visma's `referenceNumber`). */
  referenceNumber: string;
  kind: InvoiceChangeKind;
  source: InvoiceChangeSource;
  /** When this replica learned of it, on its own clock (ms since the epoch). */
  observedAt: number;
  /**
   * The unit of work that learned of it, as its log lines and its Visma calls name it: the write's
   * request, the webhook delivery's HTTP request (POST /webhooks/visma), or the poll tick
   * (`poll-…`). Whoever reads the invoice because of it names its read after it
   * (docs/operations.md, "Logs"). Absent when nothing named the work.
   */
  requestId?: string;
}

/**
 * Where the upstream cache reports the changes it learns of (its own writes, webhook hints, change
 * polls), once each, on the replica that learned of it. What is behind it (subscriptions, the fan-out
 * to the other replicas) is the composition root's choice.
 */
export type InvoiceChangeSink = (change: InvoiceChange) => void;
