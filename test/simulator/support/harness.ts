/**
 * Test harness: a real simulator on 127.0.0.1 with an ephemeral port, and a raw HTTP helper
 * (node:http) that sends paths exactly as written, so raw `>=` and odd casing reach the server.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { DEMO_CLIENT, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
}

export function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined;
  if (options.body !== undefined) {
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/**
 * Response JSON as the tests read it: loosely, letting the assertions do the checking. Typing the
 * simulator's DTOs here would repeat what the contract test holds against the spec.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = Record<string, any>;

export function parse<T = unknown>(response: RawResponse): T {
  return JSON.parse(response.text) as T;
}

export interface TestSimulator {
  sim: RunningSimulator;
  /** An access token with every scope (or the given ones) for the demo client. */
  token(scopes?: string[]): Promise<string>;
  /** A call with a fresh-enough bearer token of all scopes. */
  api(method: string, path: string, options?: CallOptions): Promise<RawResponse>;
  raw(method: string, path: string, options?: CallOptions): Promise<RawResponse>;
  close(): Promise<void>;
}

export function tokenForm(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<TestSimulator> {
  const sim = await startSimulator(options);
  const raw = (method: string, path: string, callOptions?: CallOptions): Promise<RawResponse> => call(sim.url, method, path, callOptions);
  const token = async (scopes?: string[]): Promise<string> => {
    const fields: Record<string, string> = {
      grant_type: 'client_credentials',
      client_id: DEMO_CLIENT.clientId,
      client_secret: DEMO_CLIENT.clientSecret,
      tenant_id: DEMO_CLIENT.tenantId,
    };
    if (scopes) fields.scope = scopes.join(' ');
    const response = await raw('POST', '/connect/token', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: tokenForm(fields),
    });
    if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${response.text}`);
    return parse<{ access_token: string }>(response).access_token;
  };
  let cached: string | null = null;
  const api = async (method: string, path: string, callOptions: CallOptions = {}): Promise<RawResponse> => {
    cached ??= await token();
    return raw(method, path, { ...callOptions, headers: { Authorization: `Bearer ${cached}`, ...callOptions.headers } });
  };
  return { sim, token, api, raw, close: () => sim.close() };
}

export { DEMO_CLIENT };
