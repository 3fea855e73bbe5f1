/**
 * A tiny typed client for the simulator's /_simulator control routes, for tests and benchmarks
 * that run the simulator as a separate process. Plain fetch (Node 20's global), no dependencies.
 */
import type {
  CounterSnapshot,
  ExternalEdit,
  Fault,
  FaultSpec,
  Settings,
  SimulatorOptions,
  WebhookStats,
  WebhookSubscription,
} from './index';

export class SimulatorControlClient {
  private readonly base: string;

  /** `baseUrl` is the simulator's URL, e.g. `http://127.0.0.1:4010`. */
  constructor(
    baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.base = `${baseUrl.replace(/\/+$/, '')}/_simulator`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const response = await this.fetchImpl(`${this.base}/${path}`, init);
    const text = await response.text();
    if (!response.ok) {
      let detail = text;
      try {
        const message = (JSON.parse(text) as { message?: unknown }).message ?? text;
        detail = typeof message === 'string' ? message : JSON.stringify(message);
      } catch {
        // Not JSON: keep the raw text.
      }
      throw new Error(`simulator control ${method} /_simulator/${path} failed with ${response.status}: ${detail}`);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  health(): Promise<{ ok: boolean; url: string; invoices: number }> {
    return this.call('GET', 'health');
  }

  /** Back to the seed: data, settings, faults, counters and rate-limit windows. */
  reset(): Promise<void> {
    return this.call('POST', 'reset');
  }

  counters(): Promise<CounterSnapshot> {
    return this.call('GET', 'counters');
  }

  resetCounters(): Promise<void> {
    return this.call('DELETE', 'counters');
  }

  addFault(spec: FaultSpec): Promise<Fault> {
    return this.call('POST', 'faults', spec);
  }

  faults(): Promise<Fault[]> {
    return this.call('GET', 'faults');
  }

  clearFaults(): Promise<void> {
    return this.call('DELETE', 'faults');
  }

  settings(): Promise<Settings> {
    return this.call('GET', 'settings');
  }

  updateSettings(patch: Partial<Settings>): Promise<Settings> {
    return this.call('PATCH', 'settings', patch);
  }

  /** Edits an invoice as a Visma user would; resolves to the new ETag. */
  async editInvoice(referenceNumber: string, edit: ExternalEdit): Promise<string> {
    const result = await this.call<{ etag: string }>('PATCH', `invoices/${encodeURIComponent(referenceNumber)}`, edit);
    return result.etag;
  }

  advanceClock(seconds: number): Promise<{ nowMs: number; offsetMs: number }> {
    return this.call('POST', 'clock', { advanceSeconds: seconds });
  }

  revokeTokens(): Promise<void> {
    return this.call('DELETE', 'tokens');
  }

  /** Subscribes a receiver to the simulator's webhooks (its Developer Portal subscription). */
  subscribeWebhooks(
    subscription: NonNullable<SimulatorOptions['webhook']>,
  ): Promise<{ subscription: Omit<WebhookSubscription, 'signingKey'> }> {
    return this.call('PUT', 'webhooks', subscription);
  }

  unsubscribeWebhooks(): Promise<void> {
    return this.call('DELETE', 'webhooks');
  }

  /** The subscription (never its key) and what became of the deliveries. */
  webhooks(): Promise<{ subscription: Omit<WebhookSubscription, 'signingKey'> | null; deliveries: WebhookStats }> {
    return this.call('GET', 'webhooks');
  }
}
