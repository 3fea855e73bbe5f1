/**
 * The Visma.net CustomerInvoice simulator: a stand-in for `api.finance.visma.net` and Visma
 * Connect's token endpoint, strict where Visma is strict. See docs/simulator.md.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClientRegistration } from './auth';
import { Company } from './company';
import { applyExternalEdit, type ExternalEdit } from './control';
import { type CounterSnapshot } from './counters';
import { type Fault, type FaultSpec } from './faults';
import { createSimulatorServer } from './server';
import { DEFAULT_SETTINGS, mergeSettings, type Settings } from './settings';
import { checkSubscription, type WebhookStats, type WebhookSubscription } from './webhooks';

export type { CounterSnapshot, ExternalEdit, Fault, FaultSpec, Settings, WebhookStats, WebhookSubscription };
export { DEFAULT_SIGNATURE_HEADER, signWebhook, WEBHOOK_EVENTS, WEBHOOK_ROUTE } from './webhooks';

export interface SimulatorOptions {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to 0 (an ephemeral port). */
  port?: number;
  /** Seeds the demo data and probabilistic faults. Defaults to 1. */
  seed?: number;
  /** Number of demo invoices. Defaults to 500. */
  invoiceCount?: number;
  /** Registered API clients. Defaults to [DEMO_CLIENT]. */
  clients?: Array<{ clientId: string; clientSecret: string; tenantIds: string[] }>;
  /** Defaults to 3600. */
  tokenLifetimeSeconds?: number;
  /** Defaults to 15,000 calls per 3600 s per (tenant, client). */
  rateLimit?: { limit: number; windowSeconds: number };
  /** Defaults to 1000. */
  maxPageSize?: number;
  /** Defaults to 100. */
  defaultPageSize?: number;
  /** Defaults to 'auto'. */
  numbering?: 'auto' | 'manual';
  /** Defaults to 'Balanced'. */
  statusOnCreate?: 'Hold' | 'Balanced';
  /** What unknown members of a write body do. Defaults to 'reject' (see docs/simulator.md). */
  unknownFields?: 'reject' | 'ignore';
  /** IANA zone of the simulated company (naive stamps are its wall time). Defaults to Europe/Oslo. */
  timeZone?: string;
  /** Base of `Location` headers. Defaults to the listening URL. */
  publicUrl?: string;
  /** Epoch-millisecond clock. Defaults to Date.now. */
  now?: () => number;
  /** How latency faults wait. Defaults to a real timer; tests inject one that records instead. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The webhook subscription (URL, signing key; events, signature header and retry optional), as
   * `PUT /_simulator/webhooks` takes it. None by default: no webhooks are sent.
   */
  webhook?: {
    url: string;
    signingKey: string;
    events?: string[];
    signatureHeader?: string;
    retry?: { attempts?: number; baseDelayMs?: number };
  };
}

/** In-process handles for tests and benchmarks; the same operations exist under /_simulator. */
export interface SimulatorControls {
  reset(): void;
  counters(): CounterSnapshot;
  resetCounters(): void;
  addFault(spec: FaultSpec): Fault;
  faults(): Fault[];
  clearFaults(): void;
  settings(): Settings;
  updateSettings(patch: Partial<Settings>): Settings;
  /** Edits an invoice as a Visma user would; returns the new ETag, or null when unknown. */
  editInvoice(referenceNumber: string, edit: ExternalEdit): string | null;
  /** Moves the simulator's clock forward (on top of the injected clock). */
  advanceClock(seconds: number): void;
  revokeTokens(): void;
  /** Sets (or with null removes) the webhook subscription; validated as `PUT /_simulator/webhooks`. */
  subscribeWebhooks(subscription: NonNullable<SimulatorOptions['webhook']> | null): void;
  webhookStats(): WebhookStats;
}

export interface RunningSimulator {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  controls: SimulatorControls;
  close(): Promise<void>;
}

export const DEMO_CLIENT = {
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  tenantId: '11111111-2222-3333-4444-555555555555',
} as const;

function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function settingsFrom(options: SimulatorOptions): Settings {
  const patch: Partial<Settings> = {};
  if (options.tokenLifetimeSeconds !== undefined) patch.tokenLifetimeSeconds = options.tokenLifetimeSeconds;
  if (options.rateLimit !== undefined) patch.rateLimit = options.rateLimit;
  if (options.maxPageSize !== undefined) patch.maxPageSize = options.maxPageSize;
  if (options.defaultPageSize !== undefined) patch.defaultPageSize = options.defaultPageSize;
  if (options.numbering !== undefined) patch.numbering = options.numbering;
  if (options.statusOnCreate !== undefined) patch.statusOnCreate = options.statusOnCreate;
  if (options.unknownFields !== undefined) patch.unknownFields = options.unknownFields;
  if (options.timeZone !== undefined) patch.timeZone = options.timeZone;
  return mergeSettings(DEFAULT_SETTINGS, patch);
}

function clientsFrom(options: SimulatorOptions): ClientRegistration[] {
  const clients = options.clients ?? [
    { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret, tenantIds: [DEMO_CLIENT.tenantId] },
  ];
  if (clients.length === 0) throw new Error('clients must list at least one client');
  for (const client of clients) {
    if (!client.clientId || !client.clientSecret || client.tenantIds.length === 0) {
      throw new Error('every client needs a clientId, a clientSecret and at least one tenantId');
    }
  }
  return clients.map((client) => ({ ...client, tenantIds: [...client.tenantIds] }));
}

function companyFrom(options: SimulatorOptions): Company {
  const invoiceCount = options.invoiceCount ?? 500;
  if (!Number.isInteger(invoiceCount) || invoiceCount < 1 || invoiceCount > 100_000) {
    throw new Error(`invoiceCount must be an integer from 1 to 100000, received ${invoiceCount}`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, received ${seed}`);
  return new Company(seed, invoiceCount, clientsFrom(options), settingsFrom(options), options.now ?? Date.now);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function controlsFor(company: Company): SimulatorControls {
  const controls: SimulatorControls = {
    reset: () => company.reset(),
    counters: () => company.counters.snapshot(),
    resetCounters: () => company.counters.reset(),
    addFault: (spec) => company.faults.add(spec),
    faults: () => company.faults.list(),
    clearFaults: () => company.faults.clear(),
    settings: () => ({ ...company.settings, rateLimit: { ...company.settings.rateLimit } }),
    updateSettings: (patch) => {
      company.settings = mergeSettings(company.settings, patch);
      return controls.settings();
    },
    editInvoice: (referenceNumber, edit) => applyExternalEdit(company, referenceNumber, edit)?.etag ?? null,
    advanceClock: (seconds) => {
      company.clockOffsetMs += Math.round(seconds * 1000);
    },
    revokeTokens: () => company.tokens.revokeAll(),
    subscribeWebhooks: (subscription) => company.webhooks.subscribe(subscription === null ? null : checkSubscription(subscription)),
    webhookStats: () => company.webhooks.stats(),
  };
  return controls;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const company = companyFrom(options);
  if (options.webhook !== undefined) company.webhooks.subscribe(checkSubscription(options.webhook));
  let url = '';
  const server = createSimulatorServer({
    company,
    sleep: options.sleep ?? realSleep,
    publicUrl: () => options.publicUrl?.replace(/\/+$/, '') ?? url,
  });
  // Benchmarks drive many keep-alive connections; do not let idle ones pile up forever.
  server.keepAliveTimeout = 5_000;
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const address = server.address() as AddressInfo;
  url = urlOf(address);
  return {
    url,
    port: address.port,
    controls: controlsFor(company),
    close: () =>
      new Promise<void>((resolve, reject) => {
        company.webhooks.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
