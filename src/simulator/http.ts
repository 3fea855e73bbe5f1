/** Small HTTP helpers: replies as values, Visma's error bodies (CONTRACT §5.1), body reading. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Omitted or empty: no body. Chunks are written in order (large lists are never joined). */
  body?: string | Buffer | Buffer[];
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export function json(status: number, body: string | Buffer | Buffer[], headers: Record<string, string> = {}): Reply {
  return { status, body, headers: { 'Content-Type': JSON_TYPE, ...headers } };
}

/** The message envelope of business and validation errors: `{"message":"VismaId: <uuid>. …"}`. */
export function visMessage(status: number, text: string): Reply {
  return json(status, JSON.stringify({ message: `VismaId: ${randomUUID()}. ${text}` }));
}

/** The IPP envelope used for authorisation and company-context problems. */
export function ippError(status: number, faultCode: string, message: string): Reply {
  return json(
    status,
    JSON.stringify({
      ExceptionType: 'IPPException',
      ExceptionMessage: message,
      ExceptionFaultCode: faultCode,
      ExceptionMessageID: `${faultCode}_${randomUUID()}`,
      ExceptionDetails: '',
    }),
  );
}

export function empty(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers };
}

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new BodyTooLargeError());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function bodyLength(body: Reply['body']): number {
  if (body === undefined) return 0;
  if (Array.isArray(body)) return body.reduce((sum, chunk) => sum + chunk.length, 0);
  return Buffer.byteLength(body);
}

export function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body ?? '';
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': bodyLength(body) });
  if (!Array.isArray(body)) {
    res.end(body);
    return;
  }
  res.cork();
  for (const chunk of body) res.write(chunk);
  res.end();
  res.uncork();
}

/** True when the Accept header admits a JSON answer (absent, wildcards, or a JSON type). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const type = (part.split(';')[0] ?? '').trim().toLowerCase();
    return (
      type === '*/*' ||
      type === 'application/*' ||
      type === 'text/*' ||
      type === 'application/json' ||
      type === 'text/json' ||
      type.endsWith('+json') ||
      type === ''
    );
  });
}

/** True for `application/json`, `text/json` and `application/*+json`, with any parameters. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || type === 'text/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
