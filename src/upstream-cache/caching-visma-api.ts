import { AsyncResource } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { stableJson } from '../stable-json';
import type { CallOptions, Created, RateLimitState, Updated, VismaApi, WriteOptions } from '../visma/api';
import { credentialScope } from '../visma/credential-scope';
import { VismaResponseTooLargeError } from '../visma/errors';
import { FULL_EXPANSION, isFullyExpanded } from '../visma/expansion';
import type {
  ActionResult,
  Customer,
  CustomerInvoice,
  InvoiceDraft,
  InvoiceListFilter,
  InvoiceListQuery,
  InvoicePage,
  InvoicePatch,
} from '../visma/model';
import { Coalescer, type Timers } from './coalescer';
import type { InvoiceChange, InvoiceChangeKind, InvoiceChangeSink, InvoiceChangeSource } from './changes';
import { freezeAndWeigh, stringBytes } from './footprint';
import type { FleetPoll, Invalidation, InvalidationBus } from './invalidation-bus';
import { LruStore, type Footprint, type RemovalReason } from './lru-store';

/** Client credentials: their one credential scope (`credentialScope`). Passthrough: each caller's token is its own. */
export type UpstreamAuth = { mode: 'client_credentials'; scope: string } | { mode: 'passthrough' };

export type CacheEvent =
  | 'hit'
  | 'miss'
  | 'coalesced'
  | 'bypass'
  | 'poll'
  | 'poll_failed'
  | 'poll_overflow'
  /** Another replica held the fleet's poll lease: this one spent no call. */
  | 'poll_followed'
  /** Another replica's poll arrived and was applied here. */
  | 'poll_shared'
  /** Webhooks are healthy and the last poll is recent: this turn spent no call (docs/webhooks.md). */
  | 'poll_deferred'
  /** A webhook hint: the invoice was read again (`hint_read`) or only evicted, nothing here holding it (`hint`). */
  | 'hint'
  | 'hint_read';

/**
 * Why entries left the cache or were never kept, apart from writes and polls: `bytes` and
 * `entries` are the two bounds, `age` an entry past what it may be served for, `too_large` an
 * answer bigger than the per-entry bound, not kept.
 */
export type EvictionReason = 'bytes' | 'entries' | 'age' | 'too_large';

export interface UpstreamCacheOptions {
  /** Serve answers from the cache. False leaves coalescing alone, which never serves an old answer. */
  enabled: boolean;
  /** No answer older than this is served (docs/upstream-cache.md). */
  freshnessMs: number;
  /** The bound on cached invoices, customers and list pages, all credentials together. */
  maxEntries: number;
  /**
   * The bound on the bytes they hold on the heap, estimated from their structure (`footprint.ts`),
   * an invoice counted once however many entries hold it. The least recently used go first.
   */
  maxBytes: number;
  /** An answer bigger than this alone is not kept. Defaults to a quarter of maxBytes. */
  maxEntryBytes?: number;
  /**
   * How often entries past their age are dropped when nothing reads them. Defaults to the smaller
   * of freshnessMs and maxAgeMs, so memory returns within one of them after an entry's last use.
   */
  sweepIntervalMs?: number;
  /** An entry is dropped this long after it was read, whatever the polls say: they cannot see deletions. */
  maxAgeMs: number;
  /** One credential scope (client credentials: polled), or each caller's own token (passthrough: expiry only). */
  auth: UpstreamAuth;
  /** Defaults to half of freshnessMs: one failed poll still leaves the cache within the bound. */
  pollIntervalMs?: number;
  /** Subtracted from the change filter: clock skew, and writes committed after their timestamp. Defaults to 5000. */
  pollMarginMs?: number;
  /** Page size of the change poll. Defaults to 1000, Visma's usual maximum (CONTRACT §4). */
  pollPageSize?: number;
  timers?: Timers;
  /**
   * Shares the gateway's own writes with the caches of other replicas, and, when it hands out
   * poll leases, one replica's change poll with all of them (docs/scaling.md).
   */
  bus?: InvalidationBus;
  onEvent?: (event: CacheEvent) => void;
  /**
   * Told of each change this replica learns of, once: its own successful writes (source `write`)
   * and each invoice its change poll finds changed (`poll`; not what another replica's poll shared
   * over the bus, which that replica reports, and nothing when the poll overflowed).
   */
  onChange?: InvoiceChangeSink;
  onEviction?: (reason: EvictionReason) => void;
  /**
   * Webhooks (docs/webhooks.md): while a verified delivery arrived within `healthyForMs` (here, or
   * at another replica through the bus), the change poll, the reconciler for missed deliveries,
   * runs only every `pollIntervalMs`, and an entry is served while the later of its read and the
   * last successful poll is within twice that (one failed poll, as with the normal bound).
   */
  webhooks?: { pollIntervalMs: number; healthyForMs: number };
  /** Told the bytes and entries held after every change. */
  onHeld?: (bytes: number, entries: number) => void;
  warn?: (fields: Record<string, unknown>, message: string) => void;
}

type Kind = 'invoice' | 'customer' | 'list';

interface Entry {
  readonly scope: Scope;
  readonly kind: Kind;
  readonly value: unknown;
  /** When the read that produced the value started: the value is at least as new as Visma was then. */
  readonly fetchedAt: number;
}

const TOUCHED_LIMIT = 10_000;

/**
 * What one entry costs beside its key and value: the entry and the store's slot and footprint
 * objects, the store's map entry and the scope's key sets (Node's 64-bit layout, as in
 * footprint.ts). Measured: 20,000 invoice entries of one tiny shared value held 418 bytes an
 * entry, keys included; this and the key count 464.
 */
const ENTRY_BYTES = 320;
/** Each shared part an entry points to: its reference in the footprint, and the store's count of it. */
const SHARED_REFERENCE_BYTES = 48;
/** A part's own record in the store, once however many entries hold it. */
const PART_BYTES = 80;

/** The bytes of a cached invoice or customer, measured once: cached values never change. */
const weights = new WeakMap<object, number>();

/**
 * Everything known about one credential: its generation counter (bumped by every write, own or
 * seen by a poll), its entries, and its change poll.
 */
class Scope {
  generation = 0;
  private floor = 0;
  private readonly touched = new Map<string, number>();
  private listsTouched = 0;
  /** Invoice and list entries: the ones the poll keeps fresh. */
  readonly polledKeys = new Set<string>();
  readonly listKeys = new Set<string>();
  /** All entries, customers included. */
  total = 0;
  /** Reads and writes in flight that hold this object. */
  active = 0;
  /** The next poll asks for changes from here (minus the margin). */
  since: number | undefined;
  /** Start of the last successful poll: every change before it (less the margin) has been applied. */
  lastPollStart: number | undefined;
  /** The last poll started, successful or not, and the earliest change it asked for. */
  lastPollStartedAt: number | undefined;
  lastPollWindowFrom = 0;
  /** Versions the last poll reported: its margin makes the next poll report them again. */
  seen = new Map<string, string>();
  /**
   * The next poll goes to Visma without asking for the fleet's lease: a poll shared by another
   * replica did not reach back far enough for what this one holds.
   */
  pollAlone = false;
  cancelPoll: (() => void) | undefined;
  pollController: AbortController | undefined;
  pollEpoch = 0;

  constructor(readonly id: string) {}

  touch(referenceNumber: string): void {
    this.generation += 1;
    if (this.touched.size >= TOUCHED_LIMIT) {
      // Bounded memory: reads older than the clear count as touched, which only costs a store.
      this.touched.clear();
      this.floor = this.generation;
    }
    this.touched.set(referenceNumber, this.generation);
  }

  touchLists(): void {
    this.generation += 1;
    this.listsTouched = this.generation;
  }

  /** Every read in flight keeps nothing: what it returns may predate a change this replica missed. */
  touchAll(): void {
    this.touchLists();
    this.touched.clear();
    this.floor = this.generation;
  }

  invoiceChangedSince(referenceNumber: string, generation: number): boolean {
    return generation < this.floor || (this.touched.get(referenceNumber) ?? 0) > generation;
  }

  listsChangedSince(generation: number): boolean {
    return this.listsTouched > generation;
  }

  /**
   * A poll started while this read was in flight, and asked only for changes after the read
   * started: a change between the two would be missed, so the read's answer is not kept.
   */
  missedByPoll(fetchedAt: number): boolean {
    return this.lastPollStartedAt !== undefined && this.lastPollStartedAt > fetchedAt && this.lastPollWindowFrom > fetchedAt;
  }
}

/**
 * A `VismaApi` that spends fewer Visma calls: identical GETs in flight share one call, and
 * answers are kept per credential in a bounded LRU cache, served only within the freshness bound.
 *
 * Freshness (client credentials): one `listInvoices` per poll interval asks for everything
 * modified since the previous successful poll began (less a margin); changed invoices are
 * replaced or evicted and any change drops the cached lists. An entry is served while the later
 * of its own read and the last successful poll began within `freshnessMs`; when polls fail,
 * entries age past the bound and every read goes to Visma. Customers, and everything in
 * passthrough mode (a caller's token cannot be used once the caller has gone), simply expire.
 *
 * Races: every write bumps a generation counter before and after it runs. A read that started
 * before a write of the same invoice (any write, for lists) is not joined by later readers and
 * does not fill the cache, so a write's read-back is always a real Visma call.
 */
export class CachingVismaApi implements VismaApi {
  private readonly store: LruStore<Entry>;
  private readonly coalescer: Coalescer;
  private readonly timers: Timers;
  private readonly scopes = new Map<string, Scope>();
  private readonly polling: boolean;
  private readonly pollIntervalMs: number;
  private readonly pollMarginMs: number;
  private readonly pollPageSize: number;
  private readonly sweepIntervalMs: number;
  private cancelSweep: (() => void) | undefined;
  private closed = false;
  /** The last verified webhook delivery, here or at another replica (this replica's clock). */
  private lastDeliveryAt: number | undefined;
  /**
   * The async context the cache was made in (the composition root's, no request's). Its change
   * polls and sweeps run in it: a timer started during a request would otherwise carry that
   * request's AsyncLocalStorage scope (its request id in the Visma client's logs, its trace)
   * into every poll after it.
   */
  private readonly background = new AsyncResource('upstream-cache');
  /**
   * Names each poll tick's Visma call `poll-<instance>-<n>`: the instance part (random per cache)
   * keeps two replicas' or two processes' ticks apart in a fleet's logs, the count orders one's.
   */
  private readonly pollIdPrefix = `poll-${randomBytes(4).toString('hex')}-`;
  private pollTicks = 0;

  constructor(
    private readonly upstream: VismaApi,
    private readonly options: UpstreamCacheOptions,
  ) {
    this.timers = options.timers ?? realTimers;
    this.store = new LruStore<Entry>(
      {
        maxEntries: options.maxEntries,
        maxBytes: options.maxBytes,
        maxEntryBytes: options.maxEntryBytes ?? Math.max(1, Math.floor(options.maxBytes / 4)),
      },
      (key, entry, reason) => this.forget(key, entry, reason),
    );
    this.sweepIntervalMs = options.sweepIntervalMs ?? Math.min(options.freshnessMs, options.maxAgeMs);
    this.coalescer = new Coalescer(this.timers);
    this.polling = options.enabled && options.auth.mode === 'client_credentials';
    this.pollIntervalMs = options.pollIntervalMs ?? Math.max(1, Math.floor(options.freshnessMs / 2));
    this.pollMarginMs = options.pollMarginMs ?? 5_000;
    this.pollPageSize = options.pollPageSize ?? 1_000;
    options.bus?.subscribe(
      (invalidation) => this.applyRemote(invalidation),
      () => this.dropShared(),
    );
  }

  /** Entries held, all credentials together. */
  get size(): number {
    return this.store.size;
  }

  /** Bytes the entries hold on the heap (estimated; each invoice once), all credentials together. */
  get bytes(): number {
    return this.store.bytes;
  }

  getInvoice(referenceNumber: string, options: CallOptions = {}): Promise<CustomerInvoice> {
    return this.read(
      options,
      'invoice',
      referenceNumber,
      'GET /v1/customerinvoice/{referenceNumber}',
      (callOptions) => this.upstream.getInvoice(referenceNumber, callOptions),
      (scope, generation) => scope.invoiceChangedSince(referenceNumber, generation),
      (scope, key, invoice, fetchedAt) => this.keep(scope, key, 'invoice', invoice, fetchedAt),
    );
  }

  listInvoices(query: InvoiceListQuery, options: CallOptions = {}): Promise<InvoicePage> {
    return this.read(
      options,
      'list',
      stableJson(query),
      'GET /v1/customerinvoice',
      (callOptions) => this.upstream.listInvoices(query, callOptions),
      (scope, generation) => scope.listsChangedSince(generation),
      (scope, key, page, fetchedAt, generation) => {
        // Visma holds these as they are now, unreadable: no older copy may be served.
        for (const item of page.unreadable ?? []) {
          if (item.referenceNumber !== null) this.store.delete(keyOf(scope, 'invoice', item.referenceNumber));
        }
        // Too big to keep: its invoices would push out as much, one by one.
        if (this.keep(scope, key, 'list', page, fetchedAt) === 'too_large') return;
        // A list item is a whole invoice only when every part was expanded: the single GET
        // expands them all (CONTRACT §2, §4; the simulator renders both from one function).
        if (!isFullyExpanded(query.expand)) return;
        for (const invoice of page.invoices) {
          if (!scope.invoiceChangedSince(invoice.referenceNumber, generation)) {
            this.keep(scope, keyOf(scope, 'invoice', invoice.referenceNumber), 'invoice', invoice, fetchedAt);
          }
        }
      },
    );
  }

  getCustomer(number: string, options: CallOptions = {}): Promise<Customer> {
    return this.read(
      options,
      'customer',
      number,
      'GET /v1/customer/{number}',
      (callOptions) => this.upstream.getCustomer(number, callOptions),
      () => false,
      (scope, key, customer, fetchedAt) => this.keep(scope, key, 'customer', customer, fetchedAt),
    );
  }

  createInvoice(draft: InvoiceDraft, options: CallOptions = {}): Promise<Created> {
    return this.write(
      options,
      'CREATED',
      undefined,
      () => this.upstream.createInvoice(draft, options),
      (created) => created.referenceNumber,
    );
  }

  updateInvoice(referenceNumber: string, patch: InvoicePatch, options: WriteOptions = {}): Promise<Updated> {
    return this.write(options, 'UPDATED', referenceNumber, () => this.upstream.updateInvoice(referenceNumber, patch, options));
  }

  releaseInvoice(referenceNumber: string, options: WriteOptions = {}): Promise<ActionResult> {
    return this.write(options, 'STATUS_CHANGED', referenceNumber, () => this.upstream.releaseInvoice(referenceNumber, options));
  }

  rateLimit(): RateLimitState | null {
    return this.upstream.rateLimit();
  }

  /** A verified webhook delivery arrived: webhooks count as healthy for `webhooks.healthyForMs`. */
  webhookDelivered(): void {
    this.lastDeliveryAt = this.timers.now();
  }

  /** Whether a verified delivery arrived recently enough for the poll to run at its slower interval. */
  webhooksHealthy(): boolean {
    const webhooks = this.options.webhooks;
    return webhooks !== undefined && this.lastDeliveryAt !== undefined && this.timers.now() - this.lastDeliveryAt <= webhooks.healthyForMs;
  }

  /**
   * A webhook said the invoice changed (client credentials only: a token of a caller who has gone
   * cannot read it again). Nothing read before now is kept or joined; when this replica holds the
   * invoice (itself or in a list) it is read again, through the cache so that concurrent readers
   * share the call, and the lists holding it are updated in place when the change cannot have
   * moved it in or out of them or reordered them (none of the fields they filter on changed), else
   * dropped. The other replicas are told, then the change is reported, once per kind (source
   * `webhook`; an UPDATED whose read shows it was never modified after its creation is CREATED).
   * `read: false` (the receiver's queue is full) evicts instead of reading: no Visma call.
   * `requestId` (the delivery's HTTP request id) names the read and the reported changes.
   */
  async hint(
    referenceNumber: string,
    kinds: InvoiceChangeKind | readonly InvoiceChangeKind[],
    options: { requestId?: string; read?: boolean } = {},
  ): Promise<void> {
    if (this.options.auth.mode !== 'client_credentials' || this.closed) return;
    const scope = this.scopeOf({});
    if (scope === undefined) return;
    const invoiceKey = keyOf(scope, 'invoice', referenceNumber);
    const before = (this.store.peek(invoiceKey)?.value as CustomerInvoice | undefined) ?? this.listedCopy(scope, referenceNumber);
    const held = before !== undefined || scope.listKeys.size > 0;
    scope.active += 1;
    let after: CustomerInvoice | undefined;
    try {
      scope.touch(referenceNumber);
      scope.touchLists();
      this.store.delete(invoiceKey);
      if (held && this.options.enabled && options.read !== false) {
        this.emit('hint_read');
        after = await this.getInvoice(referenceNumber, options.requestId === undefined ? {} : { requestId: options.requestId }).catch(
          () => undefined,
        );
      } else {
        this.emit('hint');
      }
      const listsUnaffected = this.refreshLists(scope, referenceNumber, before, after);
      await this.share({ scope: scope.id, referenceNumber, webhook: true, ...(listsUnaffected ? { listsUnaffected } : {}) });
    } finally {
      scope.active -= 1;
      this.forgetIfIdle(scope);
    }
    const created = after?.createdDateTime != null && after.createdDateTime === after.lastModifiedDateTime;
    for (const kind of new Set(typeof kinds === 'string' ? [kinds] : kinds)) {
      this.report(scope, referenceNumber, created && kind === 'UPDATED' ? 'CREATED' : kind, 'webhook', options.requestId);
    }
  }

  /** Stops every poll and the sweep; reads and writes still pass through. */
  close(): void {
    this.closed = true;
    this.cancelSweep?.();
    this.cancelSweep = undefined;
    for (const scope of this.scopes.values()) this.stopWatching(scope);
  }

  private read<T>(
    options: CallOptions,
    kind: Kind,
    argument: string,
    operation: string,
    call: (options: CallOptions) => Promise<T>,
    changedSince: (scope: Scope, generation: number) => boolean,
    keep: (scope: Scope, key: string, value: T, fetchedAt: number, generation: number) => void,
  ): Promise<T> {
    const scope = options.fresh === true ? undefined : this.scopeOf(options);
    if (scope === undefined) {
      this.emit('bypass');
      return call(options);
    }
    const key = keyOf(scope, kind, argument);
    if (this.options.enabled) {
      const entry = this.store.get(key);
      if (entry !== undefined) {
        if (this.servable(entry)) {
          this.emit('hit');
          return Promise.resolve(entry.value as T);
        }
        this.expire(key);
      }
    }
    const generation = scope.generation;
    return this.coalescer.run(
      key,
      generation,
      (started) => !changedSince(scope, started),
      (signal) => {
        const fetchedAt = this.timers.now();
        scope.active += 1;
        // The shared call carries no caller's signal or deadline (see Coalescer); the client's
        // default deadline bounds it, and it is aborted when every caller has given up.
        const shared: CallOptions = { signal };
        if (options.requestId !== undefined) shared.requestId = options.requestId;
        if (options.accessToken !== undefined) shared.accessToken = options.accessToken;
        return call(shared)
          .then((value) => {
            if (this.options.enabled && !this.closed && !changedSince(scope, generation)) {
              keep(scope, key, value, fetchedAt, generation);
            }
            return value;
          })
          .finally(() => {
            scope.active -= 1;
            this.forgetIfIdle(scope);
          });
      },
      options,
      operation,
      (joined) => this.emit(joined ? 'coalesced' : 'miss'),
    );
  }

  private async write<T>(
    options: CallOptions,
    kind: InvoiceChangeKind,
    referenceNumber: string | undefined,
    call: () => Promise<T>,
    createdNumber?: (result: T) => string,
  ): Promise<T> {
    const scope = this.scopeOf(options);
    if (scope === undefined) return call();
    scope.active += 1;
    // Before: nothing read from here on joins an older read or serves an old copy. After: a read
    // that ran alongside the write may have seen either state, so it keeps nothing.
    this.invalidate(scope, referenceNumber);
    let result: T | undefined;
    try {
      result = await call();
      return result;
    } finally {
      const written = referenceNumber ?? (result !== undefined && createdNumber !== undefined ? createdNumber(result) : undefined);
      this.invalidate(scope, written);
      scope.active -= 1;
      this.forgetIfIdle(scope);
      // Before the answer leaves: a client that reads through another replica next sees the write.
      await this.share({ scope: scope.id, ...(written === undefined ? {} : { referenceNumber: written }) });
      // Only a write that succeeded changed anything; a create whose number is unknown names nothing.
      if (result !== undefined && written !== undefined) this.report(scope, written, kind, 'write', options.requestId);
    }
  }

  /** Tells the change sink; a sink that throws must not fail the write or the poll that found the change. */
  private report(
    scope: Scope,
    referenceNumber: string,
    kind: InvoiceChangeKind,
    source: InvoiceChangeSource,
    requestId: string | undefined,
  ): void {
    const onChange = this.options.onChange;
    if (onChange === undefined) return;
    try {
      const change: InvoiceChange = { scope: scope.id, referenceNumber, kind, source, observedAt: this.timers.now() };
      if (requestId !== undefined) change.requestId = requestId;
      onChange(change);
    } catch (error) {
      this.options.warn?.({ error: error instanceof Error ? error.name : typeof error }, 'upstream cache: the change sink failed');
    }
  }

  private async share(invalidation: Invalidation): Promise<void> {
    if (this.options.bus === undefined) return;
    try {
      await this.options.bus.publish(invalidation);
    } catch (error) {
      this.options.warn?.(
        { error: error instanceof Error ? error.name : typeof error },
        invalidation.poll === undefined
          ? 'upstream cache: could not tell the other replicas about a write; their copies stay until the poll or the freshness bound'
          : 'upstream cache: could not share a change poll with the other replicas; theirs age out of the freshness bound or poll themselves',
      );
    }
  }

  /** Another replica wrote, or polled for the fleet: applied to a credential this replica knows. */
  private applyRemote(invalidation: Invalidation): void {
    // Webhooks reach one replica of the fleet at a time: every replica's poll slows down alike.
    if (invalidation.webhook === true) this.webhookDelivered();
    const scope = this.scopes.get(invalidation.scope);
    if (scope === undefined) return;
    if (invalidation.listsUnaffected === true && invalidation.referenceNumber !== undefined) {
      // The change moved the invoice in or out of no list: only the copies holding it go.
      this.evictEverywhere(scope, invalidation.referenceNumber);
    } else if (invalidation.poll === undefined) {
      this.invalidate(scope, invalidation.referenceNumber);
    } else if (this.polling) {
      this.applyFleetPoll(scope, invalidation.poll);
    }
  }

  /**
   * Another replica's change poll, as if this replica had made it: the invoices it saw change are
   * evicted (not replaced: the message carries numbers, not invoices) and the lists dropped. It
   * counts as this replica's own successful poll only when it asked back at least as far as this
   * replica needs (its `since`); otherwise this replica's next poll goes to Visma itself.
   */
  private applyFleetPoll(scope: Scope, poll: FleetPoll): void {
    const now = this.timers.now();
    const startedAt = now - poll.startedAgoMs;
    const windowFrom = now - poll.windowAgoMs;
    this.emit('poll_shared');
    if (scope.lastPollStartedAt === undefined || startedAt >= scope.lastPollStartedAt) {
      // Reads in flight that started before this window keep nothing (see Scope.missedByPoll).
      scope.lastPollStartedAt = startedAt;
      scope.lastPollWindowFrom = windowFrom;
    }
    if (poll.overflow) {
      scope.touchAll();
      for (const key of [...scope.polledKeys]) this.store.delete(key);
      return;
    }
    for (const referenceNumber of poll.changed) {
      scope.touch(referenceNumber);
      this.store.delete(keyOf(scope, 'invoice', referenceNumber));
    }
    if (poll.changed.length > 0) this.dropLists(scope);
    if (scope.since === undefined || windowFrom > scope.since) {
      scope.pollAlone = true;
      return;
    }
    if (scope.lastPollStart === undefined || startedAt > scope.lastPollStart) {
      scope.lastPollStart = startedAt;
      scope.since = startedAt;
    }
  }

  /**
   * The bus may have lost messages (its channel dropped or came back): another replica's write or
   * poll may be missing here, so every invoice and list cached here goes. Customers stay: they
   * only ever expire.
   */
  private dropShared(): void {
    for (const scope of this.scopes.values()) {
      scope.touchAll();
      for (const key of [...scope.polledKeys]) this.store.delete(key);
    }
  }

  private evictEverywhere(scope: Scope, referenceNumber: string): void {
    scope.touch(referenceNumber);
    scope.touchLists();
    this.store.delete(keyOf(scope, 'invoice', referenceNumber));
    for (const key of [...scope.listKeys]) {
      const page = this.store.peek(key)?.value as InvoicePage | undefined;
      if (page?.invoices.some((invoice) => invoice.referenceNumber === referenceNumber) === true) this.store.delete(key);
    }
  }

  private invalidate(scope: Scope, referenceNumber: string | undefined): void {
    if (referenceNumber !== undefined) {
      scope.touch(referenceNumber);
      this.store.delete(keyOf(scope, 'invoice', referenceNumber));
    }
    this.dropLists(scope);
  }

  /** The invoice as a cached list holds it, if one does. */
  private listedCopy(scope: Scope, referenceNumber: string): CustomerInvoice | undefined {
    for (const key of scope.listKeys) {
      const page = this.store.peek(key)?.value as InvoicePage | undefined;
      const found = page?.invoices.find((invoice) => invoice.referenceNumber === referenceNumber);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * After a hint: each list whose filter the change leaves it in or out of as before keeps its
   * place, with the new copy in place of the old when it holds the invoice (a fully expanded list
   * only: its rows are whole invoices); any other is dropped. True when no list had to go.
   */
  private refreshLists(
    scope: Scope,
    referenceNumber: string,
    before: CustomerInvoice | undefined,
    after: CustomerInvoice | undefined,
  ): boolean {
    let unaffected = before !== undefined && after !== undefined;
    for (const key of [...scope.listKeys]) {
      const entry = this.store.peek(key);
      if (entry === undefined) continue;
      const page = entry.value as InvoicePage;
      const query = JSON.parse(key.slice(key.indexOf('\n', scope.id.length + 1) + 1)) as InvoiceListQuery;
      if (before === undefined || after === undefined || !sameMembership(query.filter, before, after)) {
        unaffected = false;
        this.store.delete(key);
        continue;
      }
      const index = page.invoices.findIndex((invoice) => invoice.referenceNumber === referenceNumber);
      if (index < 0) continue;
      if (!isFullyExpanded(query.expand)) {
        this.store.delete(key);
        continue;
      }
      const invoices = page.invoices.map((invoice, at) => (at === index ? after : invoice));
      this.put(key, { ...entry, value: { ...page, invoices } });
    }
    return unaffected;
  }

  private dropLists(scope: Scope): void {
    scope.touchLists();
    for (const key of [...scope.listKeys]) this.store.delete(key);
  }

  private servable(entry: Entry): boolean {
    const now = this.timers.now();
    if (now - entry.fetchedAt > this.options.maxAgeMs) return false;
    let asOf = entry.fetchedAt;
    if (this.polling && entry.kind !== 'customer' && entry.scope.lastPollStart !== undefined) {
      asOf = Math.max(asOf, entry.scope.lastPollStart);
    }
    const webhooks = this.options.webhooks;
    // Webhooks keep polled entries current; the slower poll reconciles what they missed.
    const bound =
      webhooks !== undefined && entry.kind !== 'customer' && this.polling && this.webhooksHealthy()
        ? Math.max(this.options.freshnessMs, 2 * webhooks.pollIntervalMs)
        : this.options.freshnessMs;
    return now - asOf <= bound;
  }

  /** An entry is dropped past this age, read or not; it could never be served again. */
  private expired(entry: Entry, now: number): boolean {
    const polled = this.polling && entry.kind !== 'customer';
    // A polled entry may be served again after the next successful poll, until the max age.
    const lifetime = polled ? this.options.maxAgeMs : Math.min(this.options.freshnessMs, this.options.maxAgeMs);
    return now - entry.fetchedAt > lifetime;
  }

  private expire(key: string): void {
    if (this.store.delete(key)) this.options.onEviction?.('age');
  }

  private keep(scope: Scope, key: string, kind: Kind, value: unknown, fetchedAt: number): 'kept' | 'older' | 'too_large' {
    if (this.polling && kind !== 'customer' && scope.missedByPoll(fetchedAt)) return 'older';
    const existing = this.store.peek(key);
    if (existing !== undefined && existing.fetchedAt > fetchedAt) return 'older';
    if (!this.put(key, { scope, kind, value, fetchedAt })) return 'too_large';
    if (existing !== undefined) return 'kept';
    scope.total += 1;
    if (kind === 'customer') return 'kept';
    scope.polledKeys.add(key);
    if (kind === 'list') scope.listKeys.add(key);
    scope.since = Math.min(scope.since ?? fetchedAt, fetchedAt);
    if (this.polling && scope.cancelPoll === undefined && scope.pollController === undefined) {
      this.schedulePoll(scope, this.pollIntervalMs);
    }
    return 'kept';
  }

  /** Into the store with its footprint; false (and any older value gone) when it is too big to keep. */
  private put(key: string, entry: Entry): boolean {
    const kept = this.store.set(key, entry, footprintOf(key, entry));
    if (!kept) this.options.onEviction?.('too_large');
    this.held();
    this.scheduleSweep();
    return kept;
  }

  private held(): void {
    this.options.onHeld?.(this.store.bytes, this.store.size);
  }

  private scheduleSweep(): void {
    if (this.cancelSweep !== undefined || this.closed || this.store.size === 0) return;
    this.cancelSweep = this.timers.schedule(
      this.background.bind(() => {
        this.cancelSweep = undefined;
        this.sweep();
      }),
      this.sweepIntervalMs,
    );
  }

  /**
   * Drops every entry past its age, least recently used first: without it an entry nobody reads
   * again stays until it is pushed out, holding its bytes. One pass over the entries per
   * interval (10,000 at the default bound: well under a millisecond); none while the cache is empty.
   */
  private sweep(): void {
    const now = this.timers.now();
    const expired: string[] = [];
    for (const [key, entry] of this.store.entries()) {
      if (this.expired(entry, now)) expired.push(key);
    }
    for (const key of expired) this.expire(key);
    this.scheduleSweep();
  }

  /** Bookkeeping for an entry that left the store (evicted, expired, invalidated). */
  private forget(key: string, entry: Entry, reason: RemovalReason): void {
    if (reason !== 'deleted') this.options.onEviction?.(reason);
    this.held();
    const scope = entry.scope;
    scope.total -= 1;
    if (scope.polledKeys.delete(key)) {
      scope.listKeys.delete(key);
      if (scope.polledKeys.size === 0) this.stopWatching(scope);
    }
    this.forgetIfIdle(scope);
  }

  private scopeOf(options: CallOptions): Scope | undefined {
    let id: string;
    if (this.options.auth.mode === 'client_credentials') {
      id = this.options.auth.scope;
    } else if (options.accessToken === undefined || options.accessToken === '') {
      return undefined;
    } else {
      id = credentialScope({ accessToken: options.accessToken });
    }
    let scope = this.scopes.get(id);
    if (scope === undefined) {
      scope = new Scope(id);
      this.scopes.set(id, scope);
    }
    return scope;
  }

  /** Passthrough tokens come and go: a credential with nothing cached and nothing running is dropped. */
  private forgetIfIdle(scope: Scope): void {
    if (this.options.auth.mode === 'passthrough' && scope.total === 0 && scope.active === 0) {
      this.scopes.delete(scope.id);
    }
  }

  private schedulePoll(scope: Scope, delayMs: number): void {
    scope.cancelPoll = this.timers.schedule(
      this.background.bind(() => {
        scope.cancelPoll = undefined;
        void this.poll(scope);
      }),
      delayMs,
    );
  }

  /** Idle credentials are not polled: with nothing cached there is nothing to keep fresh. */
  private stopWatching(scope: Scope): void {
    scope.cancelPoll?.();
    scope.cancelPoll = undefined;
    scope.pollController?.abort();
    scope.pollController = undefined;
    scope.pollEpoch += 1;
    scope.since = undefined;
    scope.lastPollStart = undefined;
    scope.lastPollStartedAt = undefined;
    scope.seen = new Map();
    scope.pollAlone = false;
  }

  private async poll(scope: Scope): Promise<void> {
    if (this.closed || scope.polledKeys.size === 0) return;
    const webhooks = this.options.webhooks;
    if (
      webhooks !== undefined &&
      this.webhooksHealthy() &&
      scope.lastPollStart !== undefined &&
      this.timers.now() - scope.lastPollStart < webhooks.pollIntervalMs
    ) {
      // The timer keeps its normal pace, so the first turn after webhooks fall silent polls.
      this.emit('poll_deferred');
      this.schedulePoll(scope, this.pollIntervalMs);
      return;
    }
    const epoch = scope.pollEpoch;
    // Set before anything is awaited: a read kept meanwhile must not start a second poll.
    const controller = new AbortController();
    scope.pollController = controller;
    const bus = this.options.bus;
    const sharing = bus?.claimPoll !== undefined;
    if (bus?.claimPoll !== undefined && !scope.pollAlone) {
      // A lease shorter than the interval, so the replica that polled last finds it free again
      // at its next turn and the fleet settles on about one poll per interval.
      const claim = await bus.claimPoll(scope.id, Math.max(1, Math.floor(this.pollIntervalMs * 0.8)));
      if (epoch !== scope.pollEpoch || this.closed) return;
      if (claim === 'follow') {
        scope.pollController = undefined;
        this.emit('poll_followed');
        this.schedulePoll(scope, this.pollIntervalMs);
        return;
      }
    }
    scope.pollAlone = false;
    const startedAt = this.timers.now();
    const windowFrom = (scope.since ?? startedAt) - this.pollMarginMs;
    scope.lastPollStartedAt = startedAt;
    scope.lastPollWindowFrom = windowFrom;
    const generation = scope.generation;
    this.pollTicks += 1;
    const requestId = `${this.pollIdPrefix}${this.pollTicks}`;
    let page: InvoicePage | 'too_large';
    try {
      page = await this.upstream.listInvoices(
        {
          // An instant with an offset: the client converts it to company time (CONTRACT §8.3).
          filter: { lastModifiedDateTime: { operator: '>=', value: new Date(windowFrom).toISOString() } },
          pageNumber: 1,
          pageSize: this.pollPageSize,
          expand: FULL_EXPANSION,
        },
        { signal: controller.signal, deadline: startedAt + this.pollIntervalMs, requestId },
      );
    } catch (error) {
      if (epoch !== scope.pollEpoch || this.closed) return;
      if (error instanceof VismaResponseTooLargeError) {
        page = 'too_large';
      } else {
        scope.pollController = undefined;
        this.emit('poll_failed');
        this.options.warn?.(
          { error: error instanceof Error ? error.name : typeof error, message: error instanceof Error ? error.message : undefined },
          'upstream cache: the change poll failed; cached entries age out of the freshness bound until one succeeds',
        );
        this.schedulePoll(scope, Math.max(0, startedAt + this.pollIntervalMs - this.timers.now()));
        return;
      }
    }
    if (epoch !== scope.pollEpoch || this.closed) return;
    scope.pollController = undefined;
    this.emit('poll');
    const found = page === 'too_large' ? this.dropTooLarge(scope) : this.applyChanges(scope, page, startedAt, generation);
    if (sharing) {
      const now = this.timers.now();
      const poll: FleetPoll = {
        startedAgoMs: now - startedAt,
        windowAgoMs: now - windowFrom,
        changed: found.reported,
        overflow: found.overflow,
      };
      void this.share({ scope: scope.id, poll });
    }
    if (found.overflow) return;
    for (const referenceNumber of found.reported) this.report(scope, referenceNumber, 'UPDATED', 'poll', requestId);
    scope.lastPollStart = startedAt;
    scope.since = startedAt;
    if (scope.polledKeys.size > 0) {
      this.schedulePoll(scope, Math.max(0, startedAt + this.pollIntervalMs - this.timers.now()));
    }
  }

  /**
   * The changes were too large for one answer (VismaResponseTooLargeError: invoices with many
   * lines): they are treated as more changes than one page, and everything of the credential is
   * dropped. The poll still succeeded in what matters: it learned that it cannot tell what
   * changed. An invoice too large for any answer can be in no cached entry, so once its change
   * leaves the poll's window the polls are as before.
   */
  private dropTooLarge(scope: Scope): { overflow: true; reported: [] } {
    this.emit('poll_overflow');
    this.options.warn?.({}, 'upstream cache: the changes are too large for one poll answer; dropping the cache of this credential');
    for (const key of [...scope.polledKeys]) this.store.delete(key);
    return { overflow: true, reported: [] };
  }

  /**
   * `overflow` when the changes did not fit one page and everything of the credential was
   * dropped; `reported`: the invoices whose version this poll reported for the first time (other
   * replicas may hold older copies of them, even where this one holds the new version).
   */
  private applyChanges(scope: Scope, page: InvoicePage, startedAt: number, generation: number): { overflow: boolean; reported: string[] } {
    // Items that cannot be read count: they are changes too, and they fill the page like any other.
    const unreadable = page.unreadable ?? [];
    const items = page.invoices.length + unreadable.length;
    const pageFull = items >= Math.min(this.pollPageSize, page.maxPageSize ?? Number.POSITIVE_INFINITY);
    if ((page.totalCount !== null && page.totalCount > items) || (page.totalCount === null && pageFull)) {
      // More changes than one page: most of the cache is stale anyway, and reading every page
      // would spend more calls than refilling what is still asked for.
      this.emit('poll_overflow');
      this.options.warn?.(
        { changes: page.totalCount ?? items },
        'upstream cache: more changes than one poll page; dropping the cache of this credential',
      );
      for (const key of [...scope.polledKeys]) this.store.delete(key);
      return { overflow: true, reported: [] };
    }
    let changed = false;
    const reported: string[] = [];
    const seen = new Map<string, string>();
    for (const invoice of page.invoices) {
      const stamp = versionOf(invoice);
      if (stamp !== undefined) seen.set(invoice.referenceNumber, stamp);
      if (stamp !== undefined && scope.seen.get(invoice.referenceNumber) === stamp) continue;
      reported.push(invoice.referenceNumber);
      const key = keyOf(scope, 'invoice', invoice.referenceNumber);
      const entry = this.store.peek(key);
      if (entry !== undefined && stamp !== undefined && versionOf(entry.value as CustomerInvoice) === stamp) continue;
      changed = true;
      const ownWrite = scope.invoiceChangedSince(invoice.referenceNumber, generation);
      scope.touch(invoice.referenceNumber);
      if (entry === undefined) continue;
      if (ownWrite || entry.fetchedAt > startedAt) {
        // Which copy is newer cannot be told: neither is kept.
        this.store.delete(key);
      } else {
        this.put(key, { scope, kind: 'invoice', value: invoice, fetchedAt: startedAt });
      }
    }
    if (unreadable.some((item) => item.referenceNumber === null)) {
      // A change to an invoice that cannot even be named: any cached invoice may be the one.
      this.options.warn?.(
        { unreadable: unreadable.length },
        'upstream cache: the change poll saw an invoice it cannot read or name; dropping the cache of this credential',
      );
      for (const key of [...scope.polledKeys]) this.store.delete(key);
      return { overflow: true, reported: [] };
    }
    for (const { referenceNumber } of unreadable) {
      if (referenceNumber === null) continue;
      // Changed, and not readable as it is now: evicted (a read of it answers its own error), not kept.
      changed = true;
      reported.push(referenceNumber);
      scope.touch(referenceNumber);
      this.store.delete(keyOf(scope, 'invoice', referenceNumber));
    }
    scope.seen = seen;
    if (changed) this.dropLists(scope);
    return { overflow: false, reported };
  }

  private emit(event: CacheEvent): void {
    this.options.onEvent?.(event);
  }
}

/** What each list filter reads of an invoice; a filter not named here counts as changed by every change. */
const FILTERED: { readonly [K in keyof InvoiceListFilter]?: (invoice: CustomerInvoice) => unknown } = {
  status: (invoice) => invoice.status,
  released: (invoice) => invoice.status,
  documentType: (invoice) => invoice.documentType,
  customerNumber: (invoice) => invoice.customer?.number,
  financialPeriod: (invoice) => invoice.financialPeriod,
  closedFinancialPeriod: (invoice) => invoice.closedFinancialPeriod,
  externalReference: (invoice) => invoice.externalReference,
  paymentReference: (invoice) => invoice.paymentReference,
  customerRefNumber: (invoice) => invoice.customerRefNumber,
  branch: (invoice) => invoice.branch?.number,
  project: (invoice) => invoice.project?.id,
  createdDateTime: (invoice) => invoice.createdDateTime,
  documentDate: (invoice) => invoice.documentDate,
  documentDueDate: (invoice) => invoice.documentDueDate,
  dunningLevel: (invoice) => invoice.dunningLetterLevel,
};

/**
 * Whether a list with this filter holds the invoice after the change exactly when it did before:
 * every field it filters on is unchanged (lists are ordered by number, which never changes).
 * A filter on the modification time always moves.
 */
function sameMembership(filter: InvoiceListFilter | undefined, before: CustomerInvoice, after: CustomerInvoice): boolean {
  for (const name of Object.keys(filter ?? {}) as Array<keyof InvoiceListFilter>) {
    if (filter?.[name] === undefined) continue;
    const read = FILTERED[name];
    if (read === undefined || stableJson(read(before)) !== stableJson(read(after))) return false;
  }
  return true;
}

/** The row version (Visma's timeStamp), else the modification time; undefined when Visma sent neither. */
function versionOf(invoice: CustomerInvoice): string | undefined {
  return invoice.version ?? invoice.lastModifiedDateTime ?? undefined;
}

function keyOf(scope: Scope, kind: Kind, argument: string): string {
  return `${scope.id}\n${kind}\n${argument}`;
}

/**
 * What an entry holds: its key and bookkeeping, and its invoice or customer as a part the store
 * counts once however many entries hold it (a list page shares its invoices with their own
 * entries). Weighing also freezes the value (`freezeAndWeigh`).
 */
function footprintOf(key: string, entry: Entry): Footprint {
  const own = ENTRY_BYTES + stringBytes(key);
  if (entry.kind !== 'list') return { own: own + SHARED_REFERENCE_BYTES, shared: [part(entry.value as object)] };
  const page = entry.value as InvoicePage;
  const shell = freezeAndWeigh(page, new Set<object>(page.invoices));
  return {
    own: own + shell + SHARED_REFERENCE_BYTES * page.invoices.length,
    shared: page.invoices.map((invoice) => part(invoice)),
  };
}

function part(value: object): { part: object; bytes: number } {
  let bytes = weights.get(value);
  if (bytes === undefined) {
    bytes = freezeAndWeigh(value) + PART_BYTES;
    weights.set(value, bytes);
  }
  return { part: value, bytes };
}

const realTimers: Timers = {
  now: () => Date.now(),
  schedule(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
