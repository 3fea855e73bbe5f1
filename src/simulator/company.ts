/**
 * Everything one running simulator holds: the invoice table, settings, tokens, rate-limit
 * windows, faults, counters and the clock. Reset returns it to the seed.
 */
import { type ClientRegistration, TokenService } from './auth';
import { CallCounters } from './counters';
import { FaultInjector } from './faults';
import { RateLimiter } from './rate-limit';
import { type Settings } from './settings';
import { InvoiceStore } from './store';
import { toNaiveLocal } from './dates';
import { WebhookSender } from './webhooks';

export class Company {
  readonly store: InvoiceStore;
  readonly tokens: TokenService;
  readonly limiter: RateLimiter;
  readonly faults: FaultInjector;
  readonly counters = new CallCounters();
  /** Notifications of its writes to the webhook subscription, if one is set. */
  readonly webhooks: WebhookSender;
  settings: Settings;
  /** Added to the injected clock by /_simulator/clock, for expiry tests against a separate process. */
  clockOffsetMs = 0;

  constructor(
    readonly seed: number,
    invoiceCount: number,
    readonly clients: readonly ClientRegistration[],
    private readonly initialSettings: Settings,
    private readonly clock: () => number,
  ) {
    this.settings = { ...initialSettings, rateLimit: { ...initialSettings.rateLimit } };
    this.store = new InvoiceStore(seed, invoiceCount);
    this.tokens = new TokenService(clients, () => this.settings.tokenLifetimeSeconds);
    this.limiter = new RateLimiter(() => this.settings.rateLimit);
    this.faults = new FaultInjector(seed);
    this.webhooks = new WebhookSender({ now: () => this.now(), faults: this.faults, tenantId: clients[0]?.tenantIds[0] ?? '' });
  }

  now(): number {
    return this.clock() + this.clockOffsetMs;
  }

  /** The company's wall-clock time now, as naive milliseconds (the store's unit for stamps and dates). */
  localNow(): number {
    return toNaiveLocal(this.now(), this.settings.timeZone);
  }

  /**
   * Back to the seed: data, settings, faults, counters, rate-limit windows, clock offset, pending
   * webhook deliveries. Issued tokens and the webhook subscription stay.
   */
  reset(): void {
    this.webhooks.reset();
    this.clockOffsetMs = 0;
    this.store.reset();
    this.settings = { ...this.initialSettings, rateLimit: { ...this.initialSettings.rateLimit } };
    this.faults.reset();
    this.counters.reset();
    this.limiter.reset();
  }
}
