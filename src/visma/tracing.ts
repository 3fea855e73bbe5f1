/**
 * The client's spans in OpenTelemetry (docs/operations.md, "Tracing"), over the API alone: the
 * SDK, the exporter and the sampler are the application's. Whoever turns tracing on loads this
 * module and hands the client an `OpenTelemetryCallTracer`; the client itself only knows the
 * `CallTracer` seam, so with tracing off neither this module nor the OpenTelemetry API is loaded.
 *
 * A call is one span (`Visma GET /v1/customerinvoice/{referenceNumber}`, internal) over its token,
 * its attempts and the waits between them, with a `retry` event for each retry and why; each HTTP
 * attempt is a client span under it (`GET /v1/customerinvoice/{referenceNumber}`), whose context
 * goes to Visma in `traceparent`. What a span holds is the route's template, the method, the
 * status, the attempt and why it failed: never a path with its numbers, a query string (it may
 * name customers), a header or a body.
 */
import {
  SpanKind,
  SpanStatusCode,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import type { HttpRequest } from './http';
import type { AttemptTrace, CallTracer, RetryTrace, TracedAttempt, TracedCall } from './seams';

/** OpenTelemetry's names (semantic conventions 1.45), spelt here: `url.template` is not yet stable. */
const ATTR = {
  method: 'http.request.method',
  template: 'url.template',
  status: 'http.response.status_code',
  resendCount: 'http.request.resend_count',
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  scheme: 'url.scheme',
  /** The client's own: which Visma service the attempt went to (`api` or `token`), and its attempt number. */
  service: 'visma.service',
  attempt: 'visma.attempt',
  delayMs: 'visma.retry.delay_ms',
} as const;

export interface CallTracerSettings {
  tracer: Tracer;
  /** Writes an attempt's trace context into its headers: W3C `traceparent` and `tracestate`. */
  propagator: TextMapPropagator;
  /**
   * The context a call's span is a child of (the GraphQL operation of the request that makes
   * it), or undefined: the call belongs to no traced request, and is not traced.
   */
  parent: () => Context | undefined;
}

export class OpenTelemetryCallTracer implements CallTracer {
  constructor(private readonly settings: CallTracerSettings) {}

  startCall(route: string): TracedCall | undefined {
    const parent = this.settings.parent();
    if (parent === undefined) return undefined;
    const span = this.settings.tracer.startSpan(`Visma ${route}`, { kind: SpanKind.INTERNAL, attributes: routeAttributes(route) }, parent);
    return new OpenTelemetryTracedCall(this.settings, span, trace.setSpan(parent, span));
  }
}

class OpenTelemetryTracedCall implements TracedCall {
  /** Attempts sent per route, so a repeat (a retry, or the 401's fresh token) counts as a resend. */
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly settings: CallTracerSettings,
    private readonly span: Span,
    private readonly context: Context,
  ) {}

  startAttempt(request: HttpRequest, attempt: AttemptTrace): TracedAttempt {
    const resends = this.sent.get(attempt.route) ?? 0;
    this.sent.set(attempt.route, resends + 1);
    const attributes: Attributes = {
      ...routeAttributes(attempt.route),
      ...serverAttributes(request.url),
      [ATTR.service]: attempt.service,
      [ATTR.attempt]: attempt.attempt,
    };
    if (resends > 0) attributes[ATTR.resendCount] = resends;
    const span = this.settings.tracer.startSpan(attempt.route, { kind: SpanKind.CLIENT, attributes }, this.context);
    const headers = { ...request.headers };
    this.settings.propagator.inject(trace.setSpan(this.context, span), headers, defaultTextMapSetter);
    return {
      request: { ...request, headers },
      answered: (status) => {
        span.setAttribute(ATTR.status, status);
        // A client span is an error from 400 up (OpenTelemetry's HTTP conventions): the call decides what it means.
        if (status >= 400) fail(span, String(status));
        span.end();
      },
      failed: (reason) => {
        fail(span, reason);
        span.end();
      },
    };
  }

  retrying(retry: RetryTrace): void {
    const attributes: Attributes = {
      [ATTR.template]: templateOf(retry.route),
      [ATTR.service]: retry.service,
      [ATTR.attempt]: retry.attempt,
      [ATTR.delayMs]: retry.delayMs,
    };
    if (retry.status !== undefined) attributes[ATTR.status] = retry.status;
    if (retry.reason !== undefined) attributes[ATTR.errorType] = retry.reason;
    this.span.addEvent('retry', attributes);
  }

  end(outcome: { status?: number | undefined; error?: string | undefined }): void {
    if (outcome.status !== undefined) this.span.setAttribute(ATTR.status, outcome.status);
    if (outcome.error !== undefined) fail(this.span, outcome.error);
    this.span.end();
  }
}

function fail(span: Span, errorType: string): void {
  span.setAttribute(ATTR.errorType, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** `GET /v1/customer/{number}` → its method and template. */
function routeAttributes(route: string): Attributes {
  const space = route.indexOf(' ');
  return { [ATTR.method]: route.slice(0, space), [ATTR.template]: route.slice(space + 1) };
}

function templateOf(route: string): string {
  return route.slice(route.indexOf(' ') + 1);
}

/** Where the attempt went: host, port and scheme, never its path or query. */
function serverAttributes(url: string): Attributes {
  const { protocol, hostname, port } = new URL(url);
  const scheme = protocol.slice(0, -1);
  return {
    [ATTR.serverAddress]: hostname,
    [ATTR.serverPort]: port === '' ? (scheme === 'https' ? 443 : 80) : Number(port),
    [ATTR.scheme]: scheme,
  };
}
