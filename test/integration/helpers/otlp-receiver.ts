import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got, as it arrived. */
export interface OtlpExport {
  path: string;
  contentType: string | undefined;
  headers: http.IncomingHttpHeaders;
  /** The body as text: what a test looks through for anything that must never be recorded. */
  text: string;
}

/** A span as OTLP/JSON carries it, its attributes read into plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  /** The resource's attributes (service.name …). */
  resource: Record<string, unknown>;
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}

/**
 * An OpenTelemetry collector's OTLP/HTTP endpoint in the test process: a real `node:http` server
 * that accepts `POST /v1/traces` in OTLP's JSON encoding (what @opentelemetry/exporter-trace-otlp-http
 * sends: `Content-Type: application/json`, ids as hex), keeps every export and answers 200 with an
 * empty ExportTraceServiceResponse. A body in any other encoding is kept and refused with 415.
 */
export class OtlpReceiver {
  readonly exports: OtlpExport[] = [];
  private readonly server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const contentType = request.headers['content-type'];
      this.exports.push({ path: request.url ?? '', contentType, headers: request.headers, text: Buffer.concat(chunks).toString('utf8') });
      const json = request.method === 'POST' && contentType?.split(';')[0]?.trim() === 'application/json';
      response.writeHead(json ? 200 : 415, { 'content-type': 'application/json' }).end('{}');
    });
  });
  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  url = '';

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** Every span of every export, in the order they arrived. */
  spans(): ReceivedSpan[] {
    return this.exports.flatMap((exported) => {
      const body = JSON.parse(exported.text) as {
        resourceSpans?: Array<{
          resource?: { attributes?: KeyValue[] };
          scopeSpans?: Array<{
            spans?: Array<{
              traceId: string;
              spanId: string;
              parentSpanId?: string;
              name: string;
              kind: number;
              attributes?: KeyValue[];
              events?: Array<{ name: string; attributes?: KeyValue[] }>;
              status?: { code?: number };
            }>;
          }>;
        }>;
      };
      return (body.resourceSpans ?? []).flatMap((resourceSpans) =>
        (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
          (scope.spans ?? []).map((span) => ({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId === undefined || span.parentSpanId === '' ? undefined : span.parentSpanId,
            name: span.name,
            kind: span.kind,
            attributes: attributesOf(span.attributes),
            events: (span.events ?? []).map((event) => ({ name: event.name, attributes: attributesOf(event.attributes) })),
            statusCode: span.status?.code ?? 0,
            resource: attributesOf(resourceSpans.resource?.attributes),
          })),
        ),
      );
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

function valueOf(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}
