import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RateLimitState } from '../visma/api';
import type { VismaEvent, VismaObserver } from '../visma/seams';

/** Seconds; GraphQL requests and Visma calls both run from milliseconds to the 25 s deadline. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25];
/** Operation names come from clients: past this many distinct ones, new names count as "(other)". */
export const MAX_OPERATION_NAMES = 200;

export interface GatewayMetricsOptions {
  /** Node's own metrics (memory, event-loop lag, GC) under `process_`/`nodejs_`. Defaults to false. */
  processMetrics?: boolean;
  /** What the rate-limit gauges read: Visma's last reported headers (the client's `RateLimitReadings`). None by default. */
  rateLimit?: () => RateLimitState | null;
}

export type OperationOutcome = 'success' | 'error';

/**
 * The gateway's Prometheus metrics, on a registry of its own (so tests can build many servers).
 * GraphQL operations are recorded by a plugin; Visma calls are counted from the Visma client's
 * events (`observeVisma`, its `onEvent` option), never from its log lines, so `src/visma` stays
 * free of metrics code and a reworded log line changes no series.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();

  private readonly operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations answered, by operation name, type and outcome (error: the response carried errors).',
    labelNames: ['operation_name', 'operation_type', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly operationErrors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL responses, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  private readonly operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL request to sending its response, by operation name and type.',
    labelNames: ['operation_name', 'operation_type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly upstreamRequests = new Counter({
    name: 'visma_requests_total',
    help: 'HTTP attempts to the Visma API, by route template and status (or "error:<kind>" when no answer came).',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly upstreamDuration = new Histogram({
    name: 'visma_request_duration_seconds',
    help: 'Duration of one HTTP attempt to the Visma API, by route template.',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly upstreamRetries = new Counter({
    name: 'visma_retries_total',
    help: 'Retries of Visma calls (the attempt after a failure), by route template.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  private readonly tokenRequests = new Counter({
    name: 'visma_token_requests_total',
    help: 'Token requests to Visma Connect (each successful one is a token refresh), by status.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  constructor(options: GatewayMetricsOptions = {}) {
    const source = options.rateLimit ?? ((): RateLimitState | null => null);
    new Gauge({
      name: 'visma_rate_limit_remaining',
      help: "Requests left in Visma's rate-limit window, as of its last answer (X-RateLimit-Remaining); NaN before the first.",
      registers: [this.registry],
      collect() {
        const state = source();
        // NaN until Visma has answered once: 0 would read as "budget spent" and fire alerts.
        this.set(state === null ? Number.NaN : state.remaining);
      },
    });
    new Gauge({
      name: 'visma_rate_limit_limit',
      help: "The size of Visma's rate-limit window (X-RateLimit-Limit), as of its last answer.",
      registers: [this.registry],
      collect() {
        const state = source();
        this.set(state === null ? Number.NaN : state.limit);
      },
    });
    if (options.processMetrics === true) {
      collectDefaultMetrics({ register: this.registry });
    }
  }

  recordOperation(operation: {
    name: string | null;
    type: string | null;
    outcome: OperationOutcome;
    durationMs: number;
    errorCodes: readonly string[];
  }): void {
    const labels = { operation_name: this.operationLabel(operation.name), operation_type: operation.type ?? 'unknown' };
    this.operations.inc({ ...labels, outcome: operation.outcome });
    this.operationDuration.observe(labels, operation.durationMs / 1000);
    for (const code of operation.errorCodes) {
      this.operationErrors.inc({ code });
    }
  }

  /**
   * The Visma client's `onEvent`: attempts to the API (and their durations), attempts to Visma
   * Connect (token requests) and retries move the upstream series.
   */
  readonly observeVisma: VismaObserver = (event: VismaEvent): void => {
    if (event.type === 'retry') {
      this.upstreamRetries.inc({ route: event.route });
      return;
    }
    const status = event.type === 'answered' ? String(event.status) : `error:${event.error}`;
    if (event.service === 'token') {
      this.tokenRequests.inc({ status });
      return;
    }
    this.upstreamRequests.inc({ route: event.route, status });
    this.upstreamDuration.observe({ route: event.route }, event.durationMs / 1000);
  };

  private readonly subscriptionDeliveries = new Counter({
    name: 'graphql_subscription_deliveries_total',
    help: 'What became of each invoice change for each subscriber it concerned: delivered, duplicate (a state it had seen), dropped_slow_consumer, read_failed.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** The change hub's `onDelivery` (docs/subscriptions.md): one count per subscriber and change. */
  readonly observeSubscriptionDelivery = (outcome: 'delivered' | 'duplicate' | 'dropped_slow_consumer' | 'read_failed'): void => {
    this.subscriptionDeliveries.inc({ outcome });
  };

  /** Subscriptions held now, read at each scrape (bounded by MAX_SUBSCRIPTIONS). */
  watchSubscriptions(active: () => number): void {
    new Gauge({
      name: 'graphql_subscriptions_active',
      help: 'Subscriptions this replica holds now, over WebSocket, SSE and router callbacks (at most MAX_SUBSCRIPTIONS).',
      registers: [this.registry],
      collect() {
        this.set(active());
      },
    });
  }

  /** The Prometheus text exposition format. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private operationLabel(name: string | null): string {
    if (name === null) {
      return '(anonymous)';
    }
    if (!this.operationNames.has(name)) {
      if (this.operationNames.size >= MAX_OPERATION_NAMES) {
        return '(other)';
      }
      this.operationNames.add(name);
    }
    return name;
  }
}
