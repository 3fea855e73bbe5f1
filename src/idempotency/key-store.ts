/**
 * What the gateway remembers about one idempotency key. Keys are stored by a hash of the
 * client's key (never the key itself) together with a fingerprint of the request body.
 * - `in_flight`: a request holds the key until `leaseUntil` (then it is presumed dead).
 * - `unknown`: a create was sent and no answer came back at `since`; Visma may or may not have it.
 * - `done`: Visma created invoice `referenceNumber` for this key.
 */
export type KeyRecord =
  | { state: 'in_flight'; fingerprint: string; claimedAt: number; leaseUntil: number }
  | { state: 'unknown'; fingerprint: string; since: number }
  | { state: 'done'; fingerprint: string; referenceNumber: string };

export type ClaimResult =
  /** The caller now holds the key; `previous` is what an earlier, unfinished request left. */
  | { claimed: true; previous: Extract<KeyRecord, { state: 'unknown' | 'in_flight' }> | null }
  /** Someone else holds the key, it is done, or it was used with another request body. */
  | { claimed: false; record: KeyRecord };

/**
 * Where idempotency keys live. This is an interface so a shared store (Redis, with `SET NX PX`
 * for the claim) can replace the in-memory one when the gateway runs as several processes;
 * each method must be atomic per key.
 */
export interface IdempotencyKeyStore {
  /**
   * True when records survive a restart of this process. When false, a key the store does not
   * know may still have been used just before a crash, so the create looks Visma up first.
   */
  readonly durable: boolean;
  /**
   * Takes the key for one request when it is free: unknown to the store, left `unknown`, or held
   * by a lease that ran out, and always only for the same fingerprint.
   */
  claim(key: string, fingerprint: string, at: { now: number; leaseMs: number }): Promise<ClaimResult>;
  /** Records the created invoice; the key then answers with it until it expires. */
  complete(key: string, fingerprint: string, referenceNumber: string): Promise<void>;
  /** Records that the create's outcome is unknown since `since`, and frees the key for a retry. */
  markUnknown(key: string, fingerprint: string, since: number): Promise<void>;
  /** Forgets the key: the create certainly did not happen. */
  release(key: string): Promise<void>;
}
