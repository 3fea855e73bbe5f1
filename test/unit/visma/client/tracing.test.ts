import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryCallTracer } from '../../../../src/visma/tracing';
import { CLIENT_SECRET, FakeClock, FakeUpstream, caught, clientFor, ok, type Reply } from '../helpers/fake-upstream';

/** The caller's span, as a traced request's GraphQL operation would be. */
const PARENT = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
const SINGLE = 'GET /v1/customerinvoice/{referenceNumber}';

/** A client traced into memory, under PARENT unless `parent` says otherwise. */
function traced(api: (index: number) => Reply, parent: () => Context | undefined = () => trace.setSpanContext(ROOT_CONTEXT, PARENT)) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = new OpenTelemetryCallTracer({ tracer: provider.getTracer('test'), propagator: new W3CTraceContextPropagator(), parent });
  const upstream = new FakeUpstream((_request, index) => api(index));
  const client = clientFor(upstream, new FakeClock(), { tracer });
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  return { client, upstream, spans };
}

const named = (spans: ReadableSpan[], name: string): ReadableSpan[] => spans.filter((span) => span.name === name);
const only = (spans: ReadableSpan[], name: string): ReadableSpan => {
  const found = named(spans, name);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('VismaClient tracing (tracer)', () => {
  it('without a tracer sends no trace context', async () => {
    const upstream = new FakeUpstream(() => ok());

    await clientFor(upstream, new FakeClock()).getInvoice('000123');

    expect(upstream.requests.flatMap((request) => Object.keys(request.headers).map((name) => name.toLowerCase()))).not.toContain(
      'traceparent',
    );
  });

  it('makes one span for the call under the caller, with a client span for each attempt under it, the token request included', async () => {
    const { client, spans } = traced(() => ok());

    await client.getInvoice('000123');

    const call = only(spans(), `Visma ${SINGLE}`);
    expect(call.kind).toBe(SpanKind.INTERNAL);
    expect(call.spanContext().traceId).toBe(PARENT.traceId);
    expect(call.parentSpanContext?.spanId).toBe(PARENT.spanId);
    expect(call.attributes).toEqual({
      'http.request.method': 'GET',
      'url.template': '/v1/customerinvoice/{referenceNumber}',
      'http.response.status_code': 200,
    });
    const attempt = only(spans(), SINGLE);
    const token = only(spans(), 'POST /connect/token');
    for (const child of [attempt, token]) {
      expect(child.kind).toBe(SpanKind.CLIENT);
      expect(child.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    }
    expect(attempt.attributes).toEqual({
      'http.request.method': 'GET',
      'url.template': '/v1/customerinvoice/{referenceNumber}',
      'server.address': 'visma.test',
      'server.port': 443,
      'url.scheme': 'https',
      'visma.service': 'api',
      'visma.attempt': 1,
      'http.response.status_code': 200,
    });
    expect(token.attributes).toMatchObject({
      'visma.service': 'token',
      'server.address': 'connect.test',
      'http.response.status_code': 200,
    });
  });

  it("sends each attempt's own span as the traceparent, in the caller's trace", async () => {
    const { client, upstream, spans } = traced((index) => (index === 0 ? { status: 503 } : ok()));

    await client.getInvoice('000123');

    const attempts = named(spans(), SINGLE);
    expect(upstream.apiRequests.map((request) => request.headers['traceparent'])).toEqual(
      attempts.map((span) => `00-${PARENT.traceId}-${span.spanContext().spanId}-01`),
    );
    const token = only(spans(), 'POST /connect/token');
    expect(upstream.tokenRequests[0]?.headers['traceparent']).toBe(`00-${PARENT.traceId}-${token.spanContext().spanId}-01`);
  });

  it('shows a retry: the failed attempt with its status, a retry event on the call with why and how long, and the resend', async () => {
    const { client, spans } = traced((index) => (index === 0 ? { status: 503 } : ok()));

    await client.getInvoice('000123');

    const [first, second] = named(spans(), SINGLE);
    expect(first?.attributes).toMatchObject({ 'visma.attempt': 1, 'http.response.status_code': 503, 'error.type': '503' });
    expect(first?.status.code).toBe(SpanStatusCode.ERROR);
    expect(first?.attributes['http.request.resend_count']).toBeUndefined();
    expect(second?.attributes).toMatchObject({ 'visma.attempt': 2, 'http.request.resend_count': 1, 'http.response.status_code': 200 });
    const call = only(spans(), `Visma ${SINGLE}`);
    expect(call.events.map((event) => ({ name: event.name, attributes: event.attributes }))).toEqual([
      {
        name: 'retry',
        attributes: {
          'url.template': '/v1/customerinvoice/{referenceNumber}',
          'visma.service': 'api',
          'visma.attempt': 1,
          'visma.retry.delay_ms': expect.any(Number),
          'http.response.status_code': 503,
        },
      },
    ]);
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('names the failure of an attempt that got no answer, on the attempt and on the retry', async () => {
    const { client, spans } = traced((index) => (index === 0 ? { fail: 'ECONNRESET' } : ok()));

    await client.getInvoice('000123');

    expect(named(spans(), SINGLE)[0]?.attributes['error.type']).toBe('lost');
    expect(only(spans(), `Visma ${SINGLE}`).events[0]?.attributes).toMatchObject({ 'visma.attempt': 1, 'error.type': 'lost' });
  });

  it('ends a failed call in error, named by the error it throws', async () => {
    const { client, spans } = traced(() => ({ status: 404, body: { message: 'not found' } }));

    const error = await caught(client.getInvoice('000999'));

    const call = only(spans(), `Visma ${SINGLE}`);
    expect(call.attributes).toMatchObject({ 'http.response.status_code': 404, 'error.type': error.name });
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('makes no span and sends no trace context for a call outside a traced request', async () => {
    const { client, upstream, spans } = traced(
      () => ok(),
      () => undefined,
    );

    await client.getInvoice('000123');

    expect(spans()).toEqual([]);
    expect(upstream.requests.every((request) => request.headers['traceparent'] === undefined)).toBe(true);
  });

  it('records no invoice or customer number, query string, token or secret', async () => {
    const { client, spans } = traced((index) => (index === 0 ? { status: 401 } : ok()));

    await client.getInvoice('000123');
    await client.listInvoices({ filter: { customerNumber: '10042' }, pageNumber: 1, pageSize: 10 }).catch(() => undefined);

    const recorded = JSON.stringify(spans().map((span) => [span.name, span.attributes, span.events]));
    for (const secret of ['000123', '10042', 'customerNumber', '?', 'token-1', 'token-2', 'Bearer', CLIENT_SECRET]) {
      expect(recorded).not.toContain(secret);
    }
    // The 401 with a fresh token is visible too: the same attempt sent again with the new token.
    expect(named(spans(), SINGLE).map((span) => span.attributes['http.request.resend_count'])).toEqual([undefined, 1]);
  });
});
