/**
 * Webhooks as Visma.net ERP sends them through the Developer Portal (CONTRACT §10): one
 * subscription (URL, signing key, event types), a thin signed notification for every write,
 * retried with backoff when the receiver does not take it, and the delivery faults a receiver
 * must survive (dropped, duplicated, out of order, delayed) through the fault controls.
 *
 * What Visma does not publish, the simulator assumes (docs/simulator.md, "Webhooks"): the body is
 * `{ id, publisher, entity, eventType, key: { referenceNumber }, tenantId, timestamp }` (the thin
 * notification Visma's Business NXT documents), and its signature (HMAC-SHA256 of the UTF-8
 * body under the subscription's key, base64, as Visma documents) goes in `X-Visma-Signature`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { FaultInjector } from './faults';

/** The AR Invoice events of the "Visma Net Financial" publisher (CONTRACT §10). */
export const WEBHOOK_EVENTS = ['Changed', 'Status Changed', 'Action Triggered'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The fault route of deliveries: only faults naming it exactly apply, `*` does not. */
export const WEBHOOK_ROUTE = 'POST {webhook}';
export const DEFAULT_SIGNATURE_HEADER = 'x-visma-signature';
export const WEBHOOK_PUBLISHER = 'Visma Net Financial';
export const WEBHOOK_ENTITY = 'ARInvoice';

/** Deliveries waiting (to be sent, retried or held back) at most; past it the newest is dropped and counted. */
const MAX_PENDING = 1_000;
/** One attempt's time; a receiver answers before doing its work. */
const ATTEMPT_TIMEOUT_MS = 5_000;

export interface WebhookRetry {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The wait before the second attempt; it doubles for each one after. */
  baseDelayMs: number;
}

export interface WebhookSubscription {
  url: string;
  signingKey: string;
  events: readonly WebhookEvent[];
  signatureHeader: string;
  retry: WebhookRetry;
}

/** Visma's portal retries with exponential backoff (CONTRACT §10); 0.5, 1, 2, 4, 8 s here. */
export const DEFAULT_RETRY: WebhookRetry = { attempts: 6, baseDelayMs: 500 };

export interface WebhookStats {
  /** Events a write produced for the subscription. */
  emitted: number;
  /** Messages the receiver answered with 2xx. */
  delivered: number;
  /** Attempts that failed (no answer, or not 2xx). */
  failedAttempts: number;
  /** Messages given up on after the last attempt. */
  gaveUp: number;
  /** Faults: messages never sent, sent twice, held back behind the next one, and delayed. */
  dropped: number;
  duplicated: number;
  reordered: number;
  delayed: number;
  /** Messages not sent because MAX_PENDING were waiting. */
  overflow: number;
  /** Messages waiting to be sent, retried or released. */
  pending: number;
}

const emptyStats = (): WebhookStats => ({
  emitted: 0,
  delivered: 0,
  failedAttempts: 0,
  gaveUp: 0,
  dropped: 0,
  duplicated: 0,
  reordered: 0,
  delayed: 0,
  overflow: 0,
  pending: 0,
});

/** A subscription as the controls and settings give it; throws with a message naming the bad field. */
export function checkSubscription(input: unknown): WebhookSubscription {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new Error('the webhook subscription must be a JSON object');
  const fields = input as Record<string, unknown>;
  const url = typeof fields.url === 'string' ? parseUrl(fields.url) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error('webhook.url must be an absolute http(s) URL');
  }
  if (typeof fields.signingKey !== 'string' || fields.signingKey.length < 16) {
    throw new Error('webhook.signingKey must be a string of at least 16 characters');
  }
  let events: WebhookEvent[] = [...WEBHOOK_EVENTS];
  if (fields.events !== undefined) {
    if (!Array.isArray(fields.events) || !fields.events.every((event) => (WEBHOOK_EVENTS as readonly unknown[]).includes(event))) {
      throw new Error(`webhook.events must list events from ${WEBHOOK_EVENTS.join(', ')}`);
    }
    events = fields.events as WebhookEvent[];
  }
  let signatureHeader = DEFAULT_SIGNATURE_HEADER;
  if (fields.signatureHeader !== undefined) {
    if (typeof fields.signatureHeader !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(fields.signatureHeader)) {
      throw new Error('webhook.signatureHeader must be an HTTP header name');
    }
    signatureHeader = fields.signatureHeader.toLowerCase();
  }
  const retry = { ...DEFAULT_RETRY };
  if (fields.retry !== undefined) {
    const given = fields.retry as Record<string, unknown>;
    const int = (name: keyof WebhookRetry, min: number, max: number): void => {
      const value = given[name];
      if (value === undefined) return;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw new Error(`webhook.retry.${name} must be an integer from ${min} to ${max}`);
      }
      retry[name] = value;
    };
    if (typeof given !== 'object' || given === null) throw new Error('webhook.retry must be an object');
    int('attempts', 1, 20);
    int('baseDelayMs', 1, 600_000);
  }
  return { url: url.href, signingKey: fields.signingKey, events, signatureHeader, retry };
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** What the controls show of a subscription: everything but the key. */
export function describeSubscription(subscription: WebhookSubscription | null): Omit<WebhookSubscription, 'signingKey'> | null {
  if (subscription === null) return null;
  const { signingKey: _key, ...shown } = subscription;
  return shown;
}

/** Visma's signature: HMAC-SHA256 of the UTF-8 body under the subscription's key, base64 (CONTRACT §10). */
export function signWebhook(body: string, signingKey: string): string {
  return createHmac('sha256', signingKey).update(body, 'utf8').digest('base64');
}

interface Message {
  body: string;
  signature: string;
  subscription: WebhookSubscription;
}

export interface WebhookSenderDeps {
  /** The simulator's clock (ms since the epoch), so the controls' clock moves timestamps too. */
  now: () => number;
  faults: FaultInjector;
  tenantId: string;
}

/**
 * Sends the notifications of one simulated company. Writes call `emit`; it never waits for the
 * receiver. Timers are unreferenced, so pending deliveries never keep a process alive.
 */
export class WebhookSender {
  private subscriptionValue: WebhookSubscription | null = null;
  private statsValue = emptyStats();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  /** A message an out-of-order fault holds back until the next one has been sent. */
  private held: Message | undefined;
  private pending = 0;
  private closed = false;
  /** Bumped by reset and close: attempts of an earlier epoch are forgotten when they end. */
  private epoch = 0;

  constructor(private readonly deps: WebhookSenderDeps) {}

  get subscription(): WebhookSubscription | null {
    return this.subscriptionValue;
  }

  subscribe(subscription: WebhookSubscription | null): void {
    this.subscriptionValue = subscription;
  }

  stats(): WebhookStats {
    return { ...this.statsValue, pending: this.pending + (this.held === undefined ? 0 : 1) };
  }

  /** An invoice was written: one notification, if the subscription asks for the event. */
  emit(referenceNumber: string, eventType: WebhookEvent): void {
    const subscription = this.subscriptionValue;
    if (subscription === null || this.closed || !subscription.events.includes(eventType)) return;
    this.statsValue.emitted += 1;
    const body = JSON.stringify({
      id: randomUUID(),
      publisher: WEBHOOK_PUBLISHER,
      entity: WEBHOOK_ENTITY,
      eventType,
      key: { referenceNumber },
      tenantId: this.deps.tenantId,
      timestamp: new Date(this.deps.now()).toISOString(),
    });
    const message: Message = { body, signature: signWebhook(body, subscription.signingKey), subscription };
    const plan = this.deps.faults.plan(WEBHOOK_ROUTE, false);
    const kind = plan.fault?.kind;
    if (kind === 'drop') {
      this.statsValue.dropped += 1;
      return;
    }
    if (plan.latencyMs > 0) this.statsValue.delayed += 1;
    if (kind === 'outOfOrder' && this.held === undefined) {
      this.statsValue.reordered += 1;
      this.held = message;
      return;
    }
    const copies = kind === 'duplicate' ? 2 : 1;
    if (copies === 2) this.statsValue.duplicated += 1;
    for (let copy = 0; copy < copies; copy += 1) this.queue(message, 1, plan.latencyMs);
    const held = this.held;
    if (held !== undefined) {
      this.held = undefined;
      // After the message that overtook it, however that one was delayed.
      this.queue(held, 1, plan.latencyMs + 1);
    }
  }

  /** Back to no deliveries and zero counts; the subscription stays (it is the portal's, not the company's). */
  reset(): void {
    this.cancelAll();
    this.statsValue = emptyStats();
  }

  close(): void {
    this.closed = true;
    this.cancelAll();
  }

  private cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.controllers) controller.abort();
    this.controllers.clear();
    this.held = undefined;
    this.pending = 0;
    this.epoch += 1;
  }

  private queue(message: Message, attempt: number, delayMs: number): void {
    if (attempt === 1) {
      if (this.pending >= MAX_PENDING) {
        this.statsValue.overflow += 1;
        return;
      }
      this.pending += 1;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(message, attempt);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(message: Message, attempt: number): Promise<void> {
    const epoch = this.epoch;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), ATTEMPT_TIMEOUT_MS);
    timeout.unref();
    let ok: boolean;
    try {
      const response = await fetch(message.subscription.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [message.subscription.signatureHeader]: message.signature },
        body: message.body,
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      ok = response.status >= 200 && response.status < 300;
    } catch {
      ok = false;
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    if (this.closed || epoch !== this.epoch) return;
    if (ok) {
      this.statsValue.delivered += 1;
      this.pending -= 1;
      return;
    }
    this.statsValue.failedAttempts += 1;
    const { attempts, baseDelayMs } = message.subscription.retry;
    if (attempt >= attempts) {
      this.statsValue.gaveUp += 1;
      this.pending -= 1;
      return;
    }
    this.queue(message, attempt + 1, baseDelayMs * 2 ** (attempt - 1));
  }
}
