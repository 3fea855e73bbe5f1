import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RateLimitState } from '../visma/api';
import type { VismaLogger } from '../visma/seams';

/** Seconds; GraphQL requests and Visma calls both run from milliseconds to the 25 s deadline. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25];
/** Operation names come from clients: past this many distinct ones, new names count as "(other)". */
export const MAX_OPERATION_NAMES = 200;

export interface GatewayMetricsOptions {
  /**
   * The path of the Visma Connect token endpoint (`/connect/token`): attempts on it count as
   * token requests, not API calls.
   */
  tokenPath?: string;
  /** Node's own metrics (memory, event-loop lag, GC) under `process_`/`nodejs_`. Defaults to false. */
  processMetrics?: boolean;
}

export type OperationOutcome = 'success' | 'error';

/**
 * The gateway's Prometheus metrics, on a registry of its own (so tests can build many servers).
 * GraphQL operations are recorded by a plugin; Visma calls are read off the Visma client's
 * logger seam (`observeVisma`), so `src/visma` stays free of metrics code.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private readonly tokenPath: string;
  private rateLimitSource: () => RateLimitState | null = () => null;

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
    this.tokenPath = options.tokenPath ?? '/connect/token';
    const source = (): RateLimitState | null => this.rateLimitSource();
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

  /** Where the rate-limit gauges read from: the Visma client's last-seen headers. */
  watchRateLimit(source: () => RateLimitState | null): void {
    this.rateLimitSource = source;
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
   * Wraps the Visma client's logger: every line still goes to `logger`, and the attempt, retry
   * and token lines the client writes (src/visma/exchange.ts) also move the upstream metrics.
   */
  observeVisma(logger: VismaLogger): VismaLogger {
    return {
      debug: (message, fields) => {
        this.onVismaLine(message, fields);
        logger.debug(message, fields);
      },
      warn: (message, fields) => {
        this.onVismaLine(message, fields);
        logger.warn(message, fields);
      },
    };
  }

  /** The Prometheus text exposition format. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private onVismaLine(message: string, fields: Record<string, unknown> | undefined): void {
    const operation = typeof fields?.['operation'] === 'string' ? fields['operation'] : undefined;
    if (operation === undefined) {
      return;
    }
    const isToken = operation === `POST ${this.tokenPath}`;
    if (message === 'visma attempt answered' || message === 'visma attempt failed') {
      const status = message === 'visma attempt answered' ? String(fields?.['status']) : `error:${String(fields?.['error'])}`;
      if (isToken) {
        this.tokenRequests.inc({ status });
        return;
      }
      const route = routeTemplate(operation);
      this.upstreamRequests.inc({ route, status });
      const ms = fields?.['ms'];
      if (typeof ms === 'number' && Number.isFinite(ms)) {
        this.upstreamDuration.observe({ route }, ms / 1000);
      }
    } else if (message === 'visma retry') {
      this.upstreamRetries.inc({ route: isToken ? operation : routeTemplate(operation) });
    }
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

const ROUTES: ReadonlyArray<[RegExp, string]> = [
  [/^\/v1\/customerinvoice\/[^/]+\/action\/([A-Za-z]+)$/, '/v1/customerinvoice/{referenceNumber}/action/$1'],
  [/^\/v1\/customerinvoice\/[^/]+$/, '/v1/customerinvoice/{referenceNumber}'],
  [/^\/v[12]\/customerinvoice$/, '$&'],
  [/^\/v1\/customer\/[^/]+$/, '/v1/customer/{number}'],
];

/**
 * `GET /v1/customerinvoice/003547` → `GET /v1/customerinvoice/{referenceNumber}`: one label
 * value a route, never one an invoice, so the number of series stays bounded.
 */
export function routeTemplate(operation: string): string {
  const space = operation.indexOf(' ');
  const method = operation.slice(0, space);
  const path = operation.slice(space + 1);
  for (const [pattern, template] of ROUTES) {
    if (pattern.test(path)) {
      return `${method} ${path.replace(pattern, template)}`;
    }
  }
  return `${method} (other)`;
}
