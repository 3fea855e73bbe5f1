import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { CallOptions } from '../visma/api';
import type { CustomerInvoice } from '../visma/model';
import type { InvoicesService } from './invoices-service';

/** What kind of change an invoice went through (the upstream cache's `InvoiceChangeKind`). */
export type InvoiceChangeKind = 'CREATED' | 'UPDATED' | 'STATUS_CHANGED' | 'ACTION_TRIGGERED';

/**
 * One hint that an invoice changed, from this replica's cache or from another replica's through
 * the change feed (src/upstream-cache/change-feed.ts). It says nothing of the invoice's state:
 * the hub reads the invoice again.
 */
export interface InvoiceChangeHint {
  /** The credential's cache scope the change belongs to. */
  scope: string;
  referenceNumber: string;
  kind: InvoiceChangeKind;
  /** When the first replica learned of it, on this replica's clock (ms since the epoch). */
  observedAt: number;
  /**
   * The unit of work that learned of it (a write's request, a webhook delivery's, a poll tick's),
   * on whichever replica: the hub's read for it is named after it (`changes:<id>`).
   */
  requestId?: string;
  /**
   * Learned by another replica: this replica's cache may not have heard of it yet (the
   * invalidation travels on another channel), so the invoice is read from Visma itself.
   */
  remote: boolean;
}

/** Which changes a subscriber wants; every field optional, combined with AND. */
export interface InvoiceChangeFilter {
  referenceNumber?: string;
  customerNumber?: string;
  /** Visma's spelling (`Open`, `Balanced`, …), as `CustomerInvoice.status` holds it. */
  status?: string;
}

/** One change as one subscriber receives it. */
export interface InvoiceChangeEvent {
  referenceNumber: string;
  kind: InvoiceChangeKind;
  observedAt: number;
  /** The invoice as it is after the change (read once per change for every subscriber). */
  invoice: CustomerInvoice;
  /**
   * A service of the subscriber's own for this event (its deadline, budget and loaders start
   * now), holding the invoice: what the event's selections read beside it (a customer) goes
   * through it, like a query's do.
   */
  invoices: InvoicesService;
}

/** MAX_SUBSCRIPTIONS: this replica holds as many subscriptions as it may. */
export class SubscriptionLimitExceededError extends Error {
  constructor(readonly limit: number) {
    super(`This replica holds the ${limit} subscriptions it may hold.`);
    this.name = 'SubscriptionLimitExceededError';
  }
}

/** The subscriber did not take its events as fast as they came: more than SUBSCRIPTION_MAX_QUEUED_EVENTS waited. */
export class SlowConsumerError extends Error {
  constructor(readonly limit: number) {
    super(`More than ${limit} events waited for this subscriber.`);
    this.name = 'SlowConsumerError';
  }
}

export interface InvoiceChangeHubOptions {
  /** A request's invoices service for these call options (the server's shared deps, a new budget and loaders). */
  service: (call: CallOptions) => InvoicesService;
  /** The cache scope a subscriber's changes are in: the client credentials' one, or the caller's token's (passthrough). */
  scopeOf: (call: CallOptions) => string | undefined;
  /** MAX_SUBSCRIPTIONS. */
  maxSubscriptions: number;
  /** SUBSCRIPTION_MAX_QUEUED_EVENTS. */
  maxQueuedEvents: number;
  /** REQUEST_DEADLINE_MS: each read for an event gets its own deadline. */
  deadlineMs: number;
  now: () => number;
  /** The changes a subscriber has seen, per subscriber: older ones are forgotten (and could be delivered again). */
  maxRemembered?: number;
  warn?: (fields: Record<string, unknown>, message: string) => void;
  /**
   * A line for each event given to a subscriber: the id of the hub's read (`changes:<id of the
   * work that learned of the change>`) beside the subscription's own request id, so an operator
   * follows a change from where it was learned to every subscriber it reached.
   */
  debug?: (fields: Record<string, unknown>, message: string) => void;
  /** Told of each event given to a subscriber and each one not given (already seen, filtered out). */
  onDelivery?: (outcome: 'delivered' | 'duplicate' | 'dropped_slow_consumer' | 'read_failed') => void;
}

export interface SubscribeHooks {
  /**
   * Called once when the subscriber falls SUBSCRIPTION_MAX_QUEUED_EVENTS behind, after its
   * stream has been ended with a SlowConsumerError: the transport drops its connection, since a
   * client that does not read would never take the error either.
   */
  onSlowConsumer?: () => void;
}

/**
 * Live invoice changes for the subscribers of one replica. A hint (a write, a webhook, a poll, on
 * this replica or another) names an invoice; the hub reads it once, through an invoices service
 * of its own for that change (the cache and its coalescing below), for every subscriber it may
 * concern, and gives each the invoice as it now is. A subscriber's invoice filter is applied
 * before the read, so a change nobody asked about costs nothing; the customer and status filters
 * need the invoice and are applied after it.
 *
 * The same change is often hinted more than once (the write, its webhook, then a poll): each
 * subscriber is given a state once, told apart by what was read (Visma's row version, else
 * lastModifiedDateTime), never by counting hints. Hints for an invoice already being read wait
 * for that read and make one more, so a burst costs at most two reads.
 *
 * Bounds: at most `maxSubscriptions` subscribers, and each holds at most `maxQueuedEvents` events
 * not yet taken (events share their invoice, so a queued event costs a reference); one more
 * ends its stream with a SlowConsumerError. Nothing is buffered without bound.
 */
export class InvoiceChangeHub {
  private readonly subscribers = new Set<Subscriber>();
  /** Subscribers with an invoice filter, by that invoice; the others are in `unfiltered`. */
  private readonly byInvoice = new Map<string, Set<Subscriber>>();
  private readonly unfiltered = new Set<Subscriber>();
  private readonly reading = new Map<string, { again: InvoiceChangeHint | undefined }>();
  private readonly closing = new AbortController();
  /**
   * The async context the hub was made in (no request's). A hint arrives inside whatever reported
   * it (a GraphQL write's request scope, for one); the reads it starts for all subscribers are the
   * hub's own work, so they run here: with their own request id in the Visma client's log lines,
   * and in no request's trace.
   */
  private readonly background = new AsyncResource('invoice-changes');

  constructor(private readonly options: InvoiceChangeHubOptions) {}

  /** Subscriptions held now. */
  get size(): number {
    return this.subscribers.size;
  }

  /**
   * A stream of the changes matching `filter`, for a caller whose calls carry `call` (its request
   * id and, in passthrough mode, its token). Throws SubscriptionLimitExceededError when the
   * replica is full. The stream ends when the hub closes, and with a SlowConsumerError when the
   * subscriber falls too far behind; `return()` unsubscribes.
   */
  subscribe(filter: InvoiceChangeFilter, call: CallOptions, hooks: SubscribeHooks = {}): AsyncIterableIterator<InvoiceChangeEvent> {
    if (this.closing.signal.aborted) return finished();
    if (this.subscribers.size >= this.options.maxSubscriptions) {
      throw new SubscriptionLimitExceededError(this.options.maxSubscriptions);
    }
    const scope = this.options.scopeOf(call);
    if (scope === undefined) return finished();
    const subscriber = new Subscriber(filter, scope, call, this.options, hooks, () => this.remove(subscriber));
    this.subscribers.add(subscriber);
    if (filter.referenceNumber === undefined) {
      this.unfiltered.add(subscriber);
    } else {
      let set = this.byInvoice.get(filter.referenceNumber);
      if (set === undefined) {
        set = new Set();
        this.byInvoice.set(filter.referenceNumber, set);
      }
      set.add(subscriber);
      void this.baseline(subscriber, filter.referenceNumber);
    }
    return subscriber.iterator();
  }

  /** A change learned of here or on another replica. */
  accept(hint: InvoiceChangeHint): void {
    const candidates = this.candidates(hint);
    if (this.closing.signal.aborted || candidates.length === 0) return;
    for (const candidate of candidates) candidate.hinted = true;
    const key = `${hint.scope}\n${hint.referenceNumber}`;
    const running = this.reading.get(key);
    if (running !== undefined) {
      // The read in flight may have started before this change: one more after it. A remote hint wins (it reads from Visma).
      running.again = running.again === undefined || hint.remote ? hint : running.again;
      return;
    }
    const state: { again: InvoiceChangeHint | undefined } = { again: undefined };
    this.reading.set(key, state);
    void this.background.runInAsyncScope(() => this.readLoop(key, hint, state));
  }

  /** Ends every stream (the transports complete them) and stops the reads in flight. */
  close(): void {
    this.closing.abort();
    for (const subscriber of [...this.subscribers]) subscriber.end();
  }

  private async readLoop(key: string, first: InvoiceChangeHint, state: { again: InvoiceChangeHint | undefined }): Promise<void> {
    let hint: InvoiceChangeHint | undefined = first;
    try {
      while (hint !== undefined) {
        state.again = undefined;
        await this.readAndDeliver(hint);
        hint = state.again;
      }
    } finally {
      this.reading.delete(key);
    }
  }

  /**
   * A subscriber to one invoice starts from the invoice as it is: a change the gateway learns of
   * later but the subscriber's screen already shows (a poll's window reaches back before the
   * subscription) is not given. Kept only when no change of it was hinted meanwhile, which the
   * subscriber must be given whatever the read saw.
   */
  private async baseline(subscriber: Subscriber, referenceNumber: string): Promise<void> {
    try {
      // The subscribe request's own work: its id names the read.
      const invoice = await this.options.service(this.readCall(subscriber, subscriber.call.requestId, false)).getInvoice(referenceNumber);
      if (invoice !== null && !subscriber.hinted) subscriber.remember(referenceNumber, invoice);
    } catch {
      // No baseline: the first change reported is given, as to a subscriber of many invoices.
    }
  }

  /** The call options of a read for subscribers: the hub's own deadline and abort, and, in passthrough mode, a token of their scope. */
  private readCall(reader: Subscriber, requestId: string | undefined, fresh: boolean): CallOptions {
    const call: CallOptions = { deadline: this.options.now() + this.options.deadlineMs, signal: this.closing.signal };
    if (requestId !== undefined) call.requestId = requestId;
    if (reader.call.accessToken !== undefined) call.accessToken = reader.call.accessToken;
    if (fresh) call.fresh = true;
    return call;
  }

  private async readAndDeliver(hint: InvoiceChangeHint): Promise<void> {
    const [reader] = this.candidates(hint);
    if (reader === undefined) return;
    const requestId = changeReadId(hint.requestId);
    let invoice: CustomerInvoice | null;
    try {
      invoice = await this.options.service(this.readCall(reader, requestId, hint.remote)).getInvoice(hint.referenceNumber);
    } catch (error) {
      if (this.closing.signal.aborted) return;
      this.options.onDelivery?.('read_failed');
      this.options.warn?.(
        { requestId, referenceNumber: hint.referenceNumber, error: error instanceof Error ? error.name : typeof error },
        'invoice changes: reading a changed invoice failed; its subscribers hear of it at its next change',
      );
      return;
    }
    // A deleted invoice has no state to show.
    if (invoice === null) return;
    // Subscribers may have come and gone during the read.
    for (const subscriber of this.candidates(hint)) {
      if (subscriber.offer(hint, invoice)) {
        this.options.debug?.(
          { requestId, subscriptionRequestId: subscriber.call.requestId, referenceNumber: hint.referenceNumber, kind: hint.kind },
          'invoice change given to a subscriber',
        );
      }
    }
  }

  private candidates(hint: InvoiceChangeHint): Subscriber[] {
    const found: Subscriber[] = [];
    for (const subscriber of this.byInvoice.get(hint.referenceNumber) ?? []) if (subscriber.scope === hint.scope) found.push(subscriber);
    for (const subscriber of this.unfiltered) if (subscriber.scope === hint.scope) found.push(subscriber);
    return found;
  }

  private remove(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    this.unfiltered.delete(subscriber);
    const reference = subscriber.filter.referenceNumber;
    if (reference === undefined) return;
    const set = this.byInvoice.get(reference);
    set?.delete(subscriber);
    if (set?.size === 0) this.byInvoice.delete(reference);
  }
}

const DEFAULT_REMEMBERED = 1_000;

class Subscriber {
  private readonly queue: Array<{ hint: InvoiceChangeHint; invoice: CustomerInvoice }> = [];
  /** The last state given, per invoice (Map order: oldest first). */
  private readonly seen = new Map<string, string>();
  private readonly controller = new AbortController();
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private done = false;
  /** A change of its invoices was hinted since it subscribed. */
  hinted = false;

  constructor(
    readonly filter: InvoiceChangeFilter,
    readonly scope: string,
    readonly call: CallOptions,
    private readonly options: InvoiceChangeHubOptions,
    private readonly hooks: SubscribeHooks,
    private readonly removed: () => void,
  ) {}

  /** The state the subscriber starts from, unless it has been given one already. */
  remember(referenceNumber: string, invoice: CustomerInvoice): void {
    const state = stateOf(invoice);
    if (state !== undefined && !this.seen.has(referenceNumber)) this.seen.set(referenceNumber, state);
  }

  /** True when the event was queued for the subscriber. */
  offer(hint: InvoiceChangeHint, invoice: CustomerInvoice): boolean {
    if (this.done) return false;
    const state = stateOf(invoice);
    if (state !== undefined) {
      // Seen whether or not it matches the filters: a later report of it is the same state.
      const before = this.seen.get(hint.referenceNumber);
      this.seen.delete(hint.referenceNumber);
      this.seen.set(hint.referenceNumber, state);
      if (this.seen.size > (this.options.maxRemembered ?? DEFAULT_REMEMBERED)) {
        const oldest = this.seen.keys().next().value;
        if (oldest !== undefined) this.seen.delete(oldest);
      }
      if (before === state) {
        this.options.onDelivery?.('duplicate');
        return false;
      }
    }
    const { customerNumber, status } = this.filter;
    if (customerNumber !== undefined && invoice.customer?.number !== customerNumber) return false;
    if (status !== undefined && invoice.status !== status) return false;
    if (this.queue.length >= this.options.maxQueuedEvents) {
      this.options.onDelivery?.('dropped_slow_consumer');
      this.fail(new SlowConsumerError(this.options.maxQueuedEvents));
      this.hooks.onSlowConsumer?.();
      return false;
    }
    this.options.onDelivery?.('delivered');
    this.queue.push({ hint, invoice });
    this.signal();
    return true;
  }

  /** The hub closes: the stream ends once what is queued has been taken. */
  end(): void {
    this.done = true;
    this.removed();
    this.signal();
  }

  private fail(error: Error): void {
    this.failure = error;
    this.queue.length = 0;
    this.end();
    this.controller.abort();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  iterator(): AsyncIterableIterator<InvoiceChangeEvent> {
    const next = async (): Promise<IteratorResult<InvoiceChangeEvent>> => {
      for (;;) {
        const item = this.queue.shift();
        if (item !== undefined) return { done: false, value: this.event(item.hint, item.invoice) };
        if (this.failure !== undefined) {
          const failure = this.failure;
          this.failure = undefined;
          throw failure;
        }
        if (this.done) return { done: true, value: undefined };
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    };
    const stop = (): Promise<IteratorResult<InvoiceChangeEvent>> => {
      this.queue.length = 0;
      this.failure = undefined;
      this.end();
      this.controller.abort();
      return Promise.resolve({ done: true, value: undefined });
    };
    const iterator: AsyncIterableIterator<InvoiceChangeEvent> = {
      next,
      return: stop,
      throw: (error: unknown) => {
        void stop();
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** The event with a service of its own, made as it is taken: its deadline starts when it is executed. */
  private event(hint: InvoiceChangeHint, invoice: CustomerInvoice): InvoiceChangeEvent {
    const call: CallOptions = {
      ...this.call,
      deadline: this.options.now() + this.options.deadlineMs,
      signal: this.controller.signal,
    };
    const invoices = this.options.service(call);
    invoices.prime(invoice);
    return { referenceNumber: hint.referenceNumber, kind: hint.kind, observedAt: hint.observedAt, invoice, invoices };
  }
}

/** Request ids are at most 128 characters (src/visma/request-id.ts): a longer one would be neither sent nor logged. */
const MAX_ORIGIN_ID = 128 - 'changes:'.length;

/**
 * The id of the hub's read for a change: named after the work that learned of it, so one grep
 * finds the write, delivery or poll and the reads and events it caused; a fresh one when nothing
 * named that work (a replica that sends no id).
 */
function changeReadId(origin: string | undefined): string {
  return `changes:${origin === undefined || origin === '' ? randomUUID() : origin.slice(0, MAX_ORIGIN_ID)}`;
}

/** What tells two states of an invoice apart: Visma's row version, else when it was last modified. */
function stateOf(invoice: CustomerInvoice): string | undefined {
  return invoice.version ?? invoice.lastModifiedDateTime ?? undefined;
}

function finished(): AsyncIterableIterator<InvoiceChangeEvent> {
  const iterator: AsyncIterableIterator<InvoiceChangeEvent> = {
    next: () => Promise.resolve({ done: true, value: undefined }),
    return: () => Promise.resolve({ done: true, value: undefined }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
