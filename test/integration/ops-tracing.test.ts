import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_CLIENT, startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { ensureBuilt, spawnGateway, type SpawnedGateway } from './helpers/gateway-process';
import { OtlpReceiver, SPAN_KIND, type ReceivedSpan } from './helpers/otlp-receiver';
import { RecordingProxy } from './helpers/recording-proxy';
import { NO_POLL_DURING_SUITE, simulatorUpstream } from './helpers/start-gateway';

/**
 * These suites run the built gateway (from its startup snapshot, configured by environment only), as
 * production does: the OTLP exporter loads node:http with import(), which jest's VM cannot run, so
 * tracing is never on in an in-process gateway. The process is stopped with SIGTERM, whose one
 * shutdown path must send the spans still queued.
 */

const SINGLE = 'GET /v1/customerinvoice/{referenceNumber}';
const API_KEY = 'tracing-suite-api-key-7f3a';
const COLLECTOR_KEY = 'collector-credential-91c2';
const READ = `query OneInvoice($n: ID!) { customerInvoice(referenceNumber: $n) { referenceNumber amount lines { description } } }`;

/**
 * What a span may hold, and nothing else (docs/operations.md, "Tracing"): a new attribute is a
 * decision to document, not an accident.
 */
const DOCUMENTED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'http.request.method',
  'http.route',
  'url.path',
  'url.scheme',
  'network.protocol.version',
  'http.response.status_code',
  'http.response.header.x-request-id',
  'error.type',
  'graphql.operation.type',
  'graphql.operation.name',
  'url.template',
  'server.address',
  'server.port',
  'visma.service',
  'visma.attempt',
  'http.request.resend_count',
  'visma.retry.delay_ms',
]);

/** A caller's W3C trace context: a fresh trace and span id, sampled or not. */
function callerContext(sampled = true): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-${sampled ? '01' : '00'}` };
}

interface Answer {
  status: number;
  requestId: string | null;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: Record<string, unknown> }> };
}

async function ask(url: string, referenceNumber: string, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...headers },
    body: JSON.stringify({ query: READ, variables: { n: referenceNumber }, operationName: 'OneInvoice' }),
  });
  return { status: response.status, requestId: response.headers.get('x-request-id'), body: (await response.json()) as Answer['body'] };
}

/** Where the loaded-modules probe writes, per process. */
const PROBE_DIR = mkdtempSync(path.join(tmpdir(), 'tracing-probe-'));
const PROBE = path.join(__dirname, 'helpers', 'loaded-modules-probe.js');

/** The gateway process with the probe preloaded; its OpenTelemetry modules are read after it stops. */
async function startProbedGateway(env: Record<string, string>): Promise<SpawnedGateway> {
  return spawnGateway({ ...env, NODE_OPTIONS: `--require ${PROBE}`, LOADED_MODULES_PROBE_OUT: path.join(PROBE_DIR, 'loaded') });
}

async function stopGateway(gateway: SpawnedGateway): Promise<void> {
  if (gateway.child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    gateway.child.once('exit', () => resolve());
    gateway.child.kill('SIGTERM');
  });
}

function openTelemetryModulesOf(gateway: SpawnedGateway): string[] {
  return JSON.parse(readFileSync(path.join(PROBE_DIR, `loaded.${gateway.child.pid}`), 'utf8')) as string[];
}

afterAll(() => rmSync(PROBE_DIR, { recursive: true, force: true }));

const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] =>
  spans.filter((span) => span.parentSpanId === parent.spanId && span.traceId === parent.traceId);

function one<T>(items: T[], predicate: (item: T) => boolean, what: string): T {
  const found = items.filter(predicate);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}`);
  return found[0]!;
}

describe('tracing on: a GraphQL request over HTTP, its spans received by an OTLP endpoint in the test process', () => {
  let simulator: RunningSimulator;
  let proxy: RecordingProxy;
  let receiver: OtlpReceiver;
  let gateway: SpawnedGateway;
  const plain = callerContext();
  const retried = callerContext();
  const declined = callerContext(false);
  const answers: Record<string, Answer> = {};
  let spans: ReceivedSpan[] = [];

  beforeAll(async () => {
    ensureBuilt();
    simulator = await startSimulator({ port: 0 });
    proxy = await RecordingProxy.start(simulator.url);
    receiver = await OtlpReceiver.start();
    gateway = await startProbedGateway({
      ...NO_POLL_DURING_SUITE,
      ...simulatorUpstream(simulator.url),
      // Visma's API through the recording hop; the token endpoint is the simulator's own.
      VISMA_API_URL: proxy.url,
      AUTH_API_KEY_SHA256: createHash('sha256').update(API_KEY).digest('hex'),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: `x-collector-key=${COLLECTOR_KEY}`,
      OTEL_SERVICE_NAME: 'invoice-gateway-under-test',
    });
    answers['plain'] = await ask(gateway.url, '003097', { traceparent: plain.traceparent, tracestate: 'vendor=opaque-1' });
    // Visma answers the next read 503 once: the client's retry hides it from the answer, not from the trace.
    simulator.controls.addFault({ route: SINGLE, kind: 'status', status: 503, times: 1 });
    answers['retried'] = await ask(gateway.url, '003098', { traceparent: retried.traceparent });
    answers['declined'] = await ask(gateway.url, '003099', { traceparent: declined.traceparent });
    // SIGTERM's one shutdown path sends what is still queued: the batch would otherwise wait 5 s.
    await stopGateway(gateway);
    spans = receiver.spans();
  }, 60_000);

  afterAll(async () => {
    await receiver.close();
    await proxy.close();
    await simulator.close();
  });

  it('answers every request as it would without tracing', () => {
    expect(answers['plain']?.body.data?.['customerInvoice']).toMatchObject({ referenceNumber: '003097' });
    expect(answers['retried']?.body.data?.['customerInvoice']).toMatchObject({ referenceNumber: '003098' });
    expect(answers['declined']?.body.data?.['customerInvoice']).toMatchObject({ referenceNumber: '003099' });
  });

  it('exports OTLP/HTTP JSON to v1/traces with the configured headers, under the configured service name', () => {
    expect(receiver.exports.length).toBeGreaterThan(0);
    for (const exported of receiver.exports) {
      expect(exported.path).toBe('/v1/traces');
      expect(exported.contentType).toBe('application/json');
      expect(exported.headers['x-collector-key']).toBe(COLLECTOR_KEY);
    }
    expect(new Set(spans.map((span) => span.resource['service.name']))).toEqual(new Set(['invoice-gateway-under-test']));
  });

  it("continues the caller's trace: the server span is a child of the caller's span", () => {
    const server = one(spans, (span) => span.traceId === plain.traceId && span.kind === SPAN_KIND.server, 'server span');
    expect(server.parentSpanId).toBe(plain.spanId);
    expect(server.name).toBe('POST /graphql');
    expect(server.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': '/graphql',
      'url.path': '/graphql',
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
      'http.response.status_code': 200,
      'http.response.header.x-request-id': [answers['plain']?.requestId],
    });
  });

  it('puts the GraphQL operation under the server span, and one span per Visma call under the operation', () => {
    const server = one(spans, (span) => span.traceId === plain.traceId && span.kind === SPAN_KIND.server, 'server span');
    const operation = one(childrenOf(spans, server), () => true, 'operation span');
    expect(operation.name).toBe('query OneInvoice');
    expect(operation.kind).toBe(SPAN_KIND.internal);
    expect(operation.attributes).toEqual({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'OneInvoice' });
    // customerInvoice with its lines is one GET.
    const call = one(childrenOf(spans, operation), () => true, 'Visma call');
    expect(call.name).toBe(`Visma ${SINGLE}`);
    expect(call.attributes).toEqual({
      'http.request.method': 'GET',
      'url.template': '/v1/customerinvoice/{referenceNumber}',
      'http.response.status_code': 200,
    });
    const attempt = one(childrenOf(spans, call), (span) => span.attributes['visma.service'] === 'api', 'API attempt');
    expect(attempt).toMatchObject({ name: SINGLE, kind: SPAN_KIND.client });
    expect(attempt.attributes).toMatchObject({ 'visma.attempt': 1, 'http.response.status_code': 200, 'server.address': '127.0.0.1' });
  });

  it("sends Visma the attempt's span as traceparent, in the caller's trace, with the caller's tracestate", () => {
    const attempt = one(spans, (span) => span.traceId === plain.traceId && span.name === SINGLE, 'API attempt');
    const sent = one(proxy.requests, (request) => request.target === '/v1/customerinvoice/003097', 'GET of 003097');
    expect(sent.headers['traceparent']).toBe(`00-${plain.traceId}-${attempt.spanId}-01`);
    expect(sent.headers['tracestate']).toBe('vendor=opaque-1');
  });

  it('shows the retry: two attempts under the one call, the 503 and why it was retried', () => {
    const call = one(spans, (span) => span.traceId === retried.traceId && span.name === `Visma ${SINGLE}`, 'Visma call');
    const attempts = childrenOf(spans, call).filter((span) => span.attributes['visma.service'] === 'api');
    expect(attempts.map((span) => span.attributes)).toEqual([
      expect.objectContaining({ 'visma.attempt': 1, 'http.response.status_code': 503, 'error.type': '503' }),
      expect.objectContaining({ 'visma.attempt': 2, 'http.request.resend_count': 1, 'http.response.status_code': 200 }),
    ]);
    expect(attempts[0]?.statusCode).toBe(2);
    expect(call.events).toEqual([
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
    const sent = proxy.requests.filter((request) => request.target === '/v1/customerinvoice/003098');
    expect(sent.map((request) => request.headers['traceparent'])).toEqual(
      attempts.map((span) => `00-${retried.traceId}-${span.spanId}-01`),
    );
  });

  it("keeps the caller's decision not to sample: no span of that trace is exported, and Visma still gets the trace, unsampled", () => {
    expect(spans.filter((span) => span.traceId === declined.traceId)).toEqual([]);
    const sent = one(proxy.requests, (request) => request.target === '/v1/customerinvoice/003099', 'GET of 003099');
    expect(sent.headers['traceparent']).toMatch(new RegExp(`^00-${declined.traceId}-[0-9a-f]{16}-00$`));
  });

  it('records no secret, token, API key, invoice number or invoice content, and no attribute it does not document', () => {
    const exported = receiver.exports.map((each) => each.text).join('\n');
    const invoice = answers['plain']?.body.data?.['customerInvoice'] as { amount: unknown; lines: Array<{ description: string }> };
    const contents = [String(invoice.amount), ...invoice.lines.map((line) => line.description)].filter((text) => text.length > 3);
    expect(contents.length).toBeGreaterThan(0);
    for (const secret of [DEMO_CLIENT.clientSecret, API_KEY, COLLECTOR_KEY, 'Bearer', '003097', '003098', ...contents]) {
      expect(exported).not.toContain(secret);
    }
    const keys = new Set(
      spans.flatMap((span) => [...Object.keys(span.attributes), ...span.events.flatMap((event) => Object.keys(event.attributes))]),
    );
    expect([...keys].filter((key) => !DOCUMENTED_ATTRIBUTES.has(key))).toEqual([]);
  });

  it('loaded the OpenTelemetry SDK and exporter to do it (what the probe of the suite below sees missing)', () => {
    const loaded = openTelemetryModulesOf(gateway).join('\n');
    expect(loaded).toContain(`${path.sep}sdk-trace-base${path.sep}`);
    expect(loaded).toContain(`${path.sep}exporter-trace-otlp-http${path.sep}`);
  });
});

describe('tracing on: work that outlives its request joins no trace', () => {
  it("leaves the upstream cache's change poll, whose timer the request's read started, out of the request's trace", async () => {
    ensureBuilt();
    const simulator = await startSimulator({ port: 0 });
    const receiver = await OtlpReceiver.start();
    const caller = callerContext();
    try {
      const gateway = await spawnGateway({
        // A poll every 500 ms, so several run after the request while the gateway is up.
        CACHE_FRESHNESS_MS: '1000',
        ...simulatorUpstream(simulator.url),
        AUTH_API_KEY_SHA256: createHash('sha256').update(API_KEY).digest('hex'),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      });
      try {
        await ask(gateway.url, '003097', { traceparent: caller.traceparent });
        simulator.controls.resetCounters();
        await new Promise((resolve) => setTimeout(resolve, 1_600));
        expect(simulator.controls.counters()['GET /v1/customerinvoice']?.total).toBeGreaterThan(0);
      } finally {
        await stopGateway(gateway);
      }
      const templates = receiver
        .spans()
        .filter((span) => span.traceId === caller.traceId)
        .map((span) => span.attributes['url.template']);
      expect(templates).not.toContain('/v1/customerinvoice');
      expect(templates).toContain('/v1/customerinvoice/{referenceNumber}');
    } finally {
      await receiver.close();
      await simulator.close();
    }
  }, 30_000);
});

describe('tracing off, the default: no OpenTelemetry SDK is loaded and nothing is exported', () => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    ensureBuilt();
    receiver = await OtlpReceiver.start();
  });

  afterAll(() => receiver.close());

  it.each([
    ['on the shipped defaults (the embedded simulator)', {}],
    ['with an endpoint set and OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true' }],
  ])(
    '%s, through a request that carries a traceparent',
    async (_case, settings: Record<string, string>) => {
      const env = 'OTEL_SDK_DISABLED' in settings ? { ...settings, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } : settings;
      const gateway = await startProbedGateway(env);
      try {
        const answer = await ask(gateway.url, '003097', { traceparent: callerContext().traceparent });
        expect(answer.body.data?.['customerInvoice']).toMatchObject({ referenceNumber: '003097' });
      } finally {
        await stopGateway(gateway);
      }
      // prom-client loads the API itself (for exemplars), tracing or not; nothing else of OpenTelemetry may load.
      const apiOnly = `${path.sep}@opentelemetry${path.sep}api${path.sep}`;
      expect(openTelemetryModulesOf(gateway).filter((file) => !file.includes(apiOnly))).toEqual([]);
      expect(receiver.exports).toEqual([]);
    },
    30_000,
  );
});
