import { createHash } from 'node:crypto';
import type { CallOptions, Created, VismaApi } from '../visma/api';
import { isVismaError, type VismaError } from '../visma/errors';
import type { InvoiceDraft, InvoiceListQuery } from '../visma/model';
import { stableJson } from '../stable-json';
import type { IdempotencyKeyStore } from './key-store';

/** What an idempotent create needs from Visma: the create and the filtered list to look for its stamp. */
export type CreateApi = Pick<VismaApi, 'createInvoice' | 'listInvoices'>;

export type IdempotencyErrorKind = 'reused' | 'in_use' | 'outcome_unknown' | 'store_unavailable';

/**
 * Why an idempotent create did not return an invoice, or (`outcome_unknown` only) a create
 * without a key whose effect is unknown (`createOnce`); the GraphQL layer turns it into a code.
 */
export class IdempotencyError extends Error {
  constructor(
    readonly kind: IdempotencyErrorKind,
    message: string,
    /** When a retry with the same key can be expected to get an answer; null when a retry is not the answer. */
    readonly retryAfterSeconds: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IdempotencyError';
  }
}

export interface IdempotentCreatorOptions {
  store: IdempotencyKeyStore;
  now: () => number;
  /**
   * After a create whose answer was lost, how long a look-up that finds nothing is not yet
   * trusted (Visma may still be working on the request). Defaults to 30_000 (thirty seconds).
   */
  settleMs: number;
  /** How long a request holds a key before it is presumed dead. Longer than any request's deadline. */
  leaseMs: number;
  /** Warns when a create's outcome is unknown, and when Visma holds more than one invoice with one stamp. */
  warn?: (fields: Record<string, unknown>, message: string) => void;
}

/** The Visma field that carries the stamp; see docs/idempotency.md for why this one. */
export const STAMP_FIELD = 'externalReference';
const STAMP_PREFIX = 'idem-';

/**
 * The stamp written into the new invoice's `externalReference`: `idem-` and 32 hex digits of
 * SHA-256 of the client's key (37 characters, within the field's 40). Hashing keeps the field
 * short whatever the key and never writes the client's key itself into the ledger.
 */
export function stampFor(idempotencyKey: string): string {
  return `${STAMP_PREFIX}${sha256(`stamp:${idempotencyKey}`).slice(0, 32)}`;
}

/** The same request body gives the same fingerprint, whatever the order of its keys. */
export function fingerprintOf(draft: InvoiceDraft): string {
  return sha256(stableJson(draft));
}

/** The list query that finds the invoice stamped for a key (`stampFor`). */
export function stampLookUpQuery(stamp: string): InvoiceListQuery {
  return { filter: { [STAMP_FIELD]: stamp }, pageNumber: 1, pageSize: 2 };
}

/**
 * `createInvoice` made safe to retry (the pattern of Stripe's idempotency keys, with Visma's
 * own data as the record of what happened, because Visma has no idempotency key and answers a
 * create with an empty body):
 *
 * 1. The key is claimed in the store with a fingerprint of the input. Same key and another
 *    input: `reused`. Held by a running request: `in_use`. Already done: that invoice again.
 * 2. The invoice is stamped (`stampFor`) in `externalReference`, a field Visma can filter on.
 * 3. Before any POST that might repeat an earlier one (the key was left `unknown`, its holder
 *    died, or the store would not remember a crash), Visma is asked for the stamp. Found: that
 *    is the answer, nothing is sent.
 * 4. A create whose outcome is unknown (no answer after sending, a 5xx, an unreadable answer) is
 *    looked up at once; when the stamp is not there yet, the answer is `outcome_unknown` and the
 *    key stays `unknown`. A retry with the same key looks again, and posts again only when the
 *    stamp is still missing `settleMs` after the lost attempt.
 */
export class IdempotentCreator {
  constructor(private readonly options: IdempotentCreatorOptions) {}

  /** Whether a key's first create asks Visma for its stamp before posting (step 3: a store that would not remember a crash). */
  get looksUpBeforeFirstCreate(): boolean {
    return !this.options.store.durable;
  }

  async create(visma: CreateApi, idempotencyKey: string, draft: InvoiceDraft, callOptions: CallOptions): Promise<Created> {
    const { store, now } = this.options;
    const key = sha256(`key:${idempotencyKey}`);
    const stamp = stampFor(idempotencyKey);
    const fingerprint = fingerprintOf(draft);

    const claim = await store.claim(key, fingerprint, { now: now(), leaseMs: this.options.leaseMs });
    if (!claim.claimed) {
      const record = claim.record;
      if (record.fingerprint !== fingerprint) {
        throw new IdempotencyError(
          'reused',
          'This idempotencyKey was already used with a different input. Use a new key for a new invoice.',
          null,
        );
      }
      if (record.state === 'done') return { referenceNumber: record.referenceNumber, version: null };
      throw new IdempotencyError(
        'in_use',
        'A request with this idempotencyKey is still in progress. Retry with the same key once it has finished.',
        record.state === 'in_flight' ? Math.max(1, Math.ceil((record.leaseUntil - now()) / 1000)) : 1,
      );
    }

    const previous = claim.previous;
    const lostSince = previous === null ? undefined : previous.state === 'unknown' ? previous.since : previous.claimedAt;
    const keepUnknown = async (): Promise<void> => {
      if (lostSince === undefined) await store.release(key);
      else await store.markUnknown(key, fingerprint, lostSince);
    };

    if (lostSince !== undefined || !store.durable) {
      let found: Created | null;
      try {
        found = await this.lookUp(visma, stamp, callOptions);
      } catch (error) {
        await keepUnknown();
        if (lostSince === undefined) throw error;
        throw this.unknown(lostSince, error);
      }
      if (found !== null) {
        await store.complete(key, fingerprint, found.referenceNumber);
        return found;
      }
      if (lostSince !== undefined && now() - lostSince < this.options.settleMs) {
        await keepUnknown();
        throw this.unknown(lostSince);
      }
    }

    let created: Created;
    try {
      created = await visma.createInvoice({ ...draft, [STAMP_FIELD]: stamp }, callOptions);
    } catch (error) {
      if (!createMayHaveApplied(error)) {
        await keepUnknown();
        throw error;
      }
      const since = now();
      // Visma may have committed before the answer was lost: one look settles most cases at once.
      const found = await this.lookUp(visma, stamp, callOptions).catch(() => null);
      if (found !== null) {
        await store.complete(key, fingerprint, found.referenceNumber);
        return found;
      }
      await store.markUnknown(key, fingerprint, since);
      this.options.warn?.(
        { stamp, operation: error.operation, status: error.status, error: error.name },
        'create outcome unknown: Visma may or may not have the invoice; the key waits for a retry',
      );
      throw this.unknown(since, error);
    }
    await store.complete(key, fingerprint, created.referenceNumber);
    return created;
  }

  /** The invoice Visma holds with this stamp, or null when it holds none. */
  private async lookUp(visma: CreateApi, stamp: string, callOptions: CallOptions): Promise<Created | null> {
    // Two rows: one is the answer, a second would show duplicates made before this gateway.
    // Fresh: an answer cached before a lost create committed would let the retry create it twice.
    const page = await visma.listInvoices(stampLookUpQuery(stamp), { ...callOptions, fresh: true });
    const matches = page.invoices.filter((invoice) => invoice.externalReference?.toLowerCase() === stamp);
    const [first] = matches;
    if (first === undefined) return null;
    if (matches.length > 1) {
      this.options.warn?.(
        { stamp, referenceNumbers: matches.map((invoice) => invoice.referenceNumber) },
        'Visma holds more than one invoice with one idempotency stamp',
      );
    }
    return { referenceNumber: first.referenceNumber, version: first.version };
  }

  private unknown(since: number, cause?: unknown): IdempotencyError {
    const waitMs = Math.max(0, since + this.options.settleMs - this.options.now());
    return new IdempotencyError(
      'outcome_unknown',
      'Visma did not confirm whether the invoice was created. Retry with the same idempotencyKey: the gateway checks Visma before it creates anything again.',
      Math.max(1, Math.ceil(waitMs / 1000)),
      cause === undefined ? undefined : { cause },
    );
  }
}

/**
 * A create without an idempotency key: sent once and never repeated. When it may have been
 * applied although no success came back (`createMayHaveApplied`), it fails with `outcome_unknown`
 * like a keyed create, so a client can tell "look before creating again" from "nothing happened"
 * by the code alone; retrying blindly on UPSTREAM_UNAVAILABLE made duplicates. A create refused
 * before it was sent (circuit open, rate limit, no token) fails as it is.
 */
export async function createOnce(visma: Pick<VismaApi, 'createInvoice'>, draft: InvoiceDraft, callOptions: CallOptions): Promise<Created> {
  try {
    return await visma.createInvoice(draft, callOptions);
  } catch (error) {
    if (!createMayHaveApplied(error)) throw error;
    throw new IdempotencyError(
      'outcome_unknown',
      'Visma did not confirm whether the invoice was created: the request was sent and no usable answer came back. It was not sent again. Look for the invoice before creating it again, or send creates with an idempotencyKey, which makes retrying safe.',
      null,
      { cause: error },
    );
  }
}

/**
 * True when a create may have reached Visma and been applied although no success came back:
 * no answer after sending, a 5xx (Visma may fail after committing), or an answer that cannot be
 * read (a 201 without `Location`). A 4xx, a refusal before sending, or a 429 did not create.
 */
export function createMayHaveApplied(error: unknown): error is VismaError {
  if (!isVismaError(error)) return false;
  if (error.outcome === 'not_applied') return false;
  if (error.outcome === 'unknown' || error.kind === 'protocol') return true;
  return error.kind === 'unavailable' && error.status !== undefined && error.status >= 500;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
