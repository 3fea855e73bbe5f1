/**
 * OpenTelemetry tracing (docs/operations.md, "Tracing"): the SDK, its OTLP/HTTP exporter and
 * the spans of the server and the Visma client, built from TRACING settings by the composition
 * root. This module is loaded only when tracing is on (src/compose.ts imports it lazily): with it
 * off no OpenTelemetry package is loaded at all, and no span is made.
 *
 * Nothing is registered globally (no global tracer provider, propagator or context manager): the
 * tracer and the propagator are handed to the server and the Visma client, and the request scope
 * (src/server/request-scope.ts) carries a request's trace context to its calls. Two gateways in
 * one process (the tests run many) then never see each other's spans.
 *
 * Every setting the SDK would otherwise read from the environment is given here, so only the
 * OTEL_* variables config.ts has checked take effect: the exporter's timeout, compression and
 * agent, the batch processor's queue and delays, the span limits, the resource and the sampler.
 */
import http from 'node:http';
import https from 'node:https';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from './config';
import type { Logger } from './logger';
import { currentTrace } from './server/request-scope';
import { createServerTracing, type ServerTracing } from './server/tracing';
import { OpenTelemetryCallTracer } from './visma/tracing';
import type { CallTracer } from './visma/seams';

/** The instrumentation scope spans are reported under. */
const TRACER_NAME = 'visma-invoice-gateway';

/** OpenTelemetry's own defaults, given explicitly so that no OTEL_BSP_* or OTEL_EXPORTER_OTLP_TIMEOUT changes them unchecked. */
const EXPORT_TIMEOUT_MS = 10_000;
const BATCH = { maxQueueSize: 2_048, maxExportBatchSize: 512, scheduledDelayMillis: 5_000, exportTimeoutMillis: 30_000 };
/** A span's attributes are few and short; these bound what a bug could make one carry. */
const SPAN_LIMITS = { attributeCountLimit: 128, attributeValueLengthLimit: 1_024, eventCountLimit: 128, linkCountLimit: 128 };
/**
 * How long shutdown waits for the last spans to leave: the process must still exit inside its
 * own shutdown bound (10 s, src/main.ts) after draining requests, even with the collector down.
 */
const SHUTDOWN_FLUSH_MS = 5_000;
/** A collector that is down fails every export; one warning a minute says so with the count. */
const WARN_INTERVAL_MS = 60_000;

export interface Tracing {
  /** The server span of each GraphQL request and the span of its operation. */
  readonly server: ServerTracing;
  /** The Visma client's spans: each call and its attempts, under the operation that made them. */
  readonly visma: CallTracer;
  /** Sends the spans still queued (within SHUTDOWN_FLUSH_MS) and stops the exporter. */
  shutdown(): Promise<void>;
}

export function startTracing(config: TracingConfig, logger: Logger): Tracing {
  const exporter = new OTLPTraceExporter({
    url: config.endpoint,
    headers: { ...config.headers },
    timeoutMillis: EXPORT_TIMEOUT_MS,
    // The enum lives in a package the exporter keeps to itself; its value is the spec's string.
    compression: 'none' as NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>['compression'],
    // A factory rather than options: the exporter's own loads node:http with import(), which a
    // CommonJS host without ESM support (jest's VM) cannot run.
    httpAgentOptions: (protocol: string) =>
      protocol === 'http:' ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true }),
  });
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName })),
    sampler: samplerOf(config),
    spanLimits: SPAN_LIMITS,
    spanProcessors: [new BatchSpanProcessor(new ReportingExporter(exporter, logger.child({ component: 'tracing' })), { ...BATCH })],
  });
  const tracer = provider.getTracer(TRACER_NAME);
  const propagator = new W3CTraceContextPropagator();
  logger.info(
    { component: 'tracing', sampler: config.sampler, serviceName: config.serviceName },
    'tracing on: spans are exported over OTLP/HTTP',
  );
  return {
    server: createServerTracing(tracer, propagator),
    visma: new OpenTelemetryCallTracer({ tracer, propagator, parent: currentTrace }),
    shutdown: async () => {
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS);
        timer.unref();
      });
      try {
        await Promise.race([provider.shutdown(), giveUp]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** OTEL_TRACES_SAMPLER as OpenTelemetry's SDK specification defines each name. */
function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
  }
}

/** Passes every batch on, and says in the log when spans could not be delivered (the SDK itself stays silent). */
class ReportingExporter implements SpanExporter {
  private lastWarnedAt = Number.NEGATIVE_INFINITY;
  private lost = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly logger: Logger,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.failed(spans.length, result.error);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private failed(spans: number, error: Error | undefined): void {
    this.lost += spans;
    const now = Date.now();
    if (now - this.lastWarnedAt < WARN_INTERVAL_MS) return;
    this.logger.warn({ spans: this.lost, error: error?.message }, 'spans could not be exported to the OTLP endpoint; they are dropped');
    this.lastWarnedAt = now;
    this.lost = 0;
  }
}
