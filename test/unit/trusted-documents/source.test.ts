import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../src/logger';
import { ManifestError, sha256Hex, TrustedDocuments, type ReloadOutcome } from '../../../src/trusted-documents';

const ONE = 'query One { __typename }';
const TWO = 'query Two { __typename }';

function codegen(...bodies: string[]): string {
  return JSON.stringify(Object.fromEntries(bodies.map((body) => [sha256Hex(body), body])));
}

function logs(): { lines: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

describe('TrustedDocuments from a file', () => {
  let dir: string;
  let file: string;
  const opened: TrustedDocuments[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trusted-documents-'));
    file = path.join(dir, 'manifest.json');
  });

  afterEach(() => {
    for (const documents of opened.splice(0)) documents.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function load(reloadIntervalMs = 0, onReload?: (outcome: ReloadOutcome) => void) {
    const { lines, logger } = logs();
    const documents = await TrustedDocuments.load({ location: file, reloadIntervalMs, logger, ...(onReload ? { onReload } : {}) });
    opened.push(documents);
    return { documents, lines };
  }

  it('serves the documents of the file it loaded', async () => {
    writeFileSync(file, codegen(ONE));
    const { documents, lines } = await load();
    expect(documents.get(sha256Hex(ONE))?.body).toBe(ONE);
    expect(lines.at(-1)).toMatchObject({ msg: 'trusted documents manifest loaded', documents: 1 });
  });

  it('refuses to start on a file that is missing or lies, with the reason', async () => {
    await expect(load()).rejects.toThrow(ManifestError);
    writeFileSync(file, JSON.stringify({ [sha256Hex(TWO)]: ONE }));
    await expect(load()).rejects.toThrow(`its body's SHA-256 is ${sha256Hex(ONE)}`);
  });

  it('picks up a file replaced under its name, and tells its listeners', async () => {
    writeFileSync(file, codegen(ONE));
    const { documents } = await load();
    const seen: string[][] = [];
    documents.onChange((list) => seen.push(list.map((document) => document.operationName)));
    const next = path.join(dir, 'next.json');
    writeFileSync(next, codegen(ONE, TWO));
    renameSync(next, file);
    await expect(documents.reload()).resolves.toBe('changed');
    expect(documents.get(sha256Hex(TWO))?.operationName).toBe('Two');
    expect(seen).toEqual([['One', 'Two']]);
    await expect(documents.reload()).resolves.toBe('unchanged');
  });

  it('keeps the last good manifest when the file turns bad or disappears, and logs each failure', async () => {
    writeFileSync(file, codegen(ONE));
    const { documents, lines } = await load();
    writeFileSync(file, JSON.stringify({ [sha256Hex(TWO)]: ONE, padding: 'x' }));
    await expect(documents.reload()).resolves.toBe('failed');
    rmSync(file);
    await expect(documents.reload()).resolves.toBe('failed');
    expect(documents.list().map((document) => document.operationName)).toEqual(['One']);
    const failures = lines.filter(
      (line) => line['msg'] === 'trusted documents manifest reload failed; the last good manifest stays in use',
    );
    expect(
      failures.map((line) => [line['level'], String(line['reason']).includes(sha256Hex(TWO)) || String(line['reason']).includes('ENOENT')]),
    ).toEqual([
      [50, true],
      [50, true],
    ]);
  });

  it('polls the file on its interval', async () => {
    writeFileSync(file, codegen(ONE));
    const outcomes: ReloadOutcome[] = [];
    const { documents } = await load(20, (outcome) => outcomes.push(outcome));
    writeFileSync(file, codegen(TWO));
    const deadline = Date.now() + 5_000;
    while (documents.get(sha256Hex(TWO)) === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(documents.get(sha256Hex(TWO))).toBeDefined();
    expect(documents.get(sha256Hex(ONE))).toBeUndefined();
    expect(outcomes).toContain('changed');
  });
});

describe('TrustedDocuments from a URL', () => {
  let server: http.Server;
  let url: string;
  let body = codegen(ONE);
  let etag: string | null = '"v1"';
  let status = 200;
  const requests: Array<string | undefined> = [];
  const opened: TrustedDocuments[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      requests.push(request.headers['if-none-match']);
      if (status !== 200) {
        response.writeHead(status).end('down');
      } else if (etag !== null && request.headers['if-none-match'] === etag) {
        response.writeHead(304).end();
      } else {
        response.writeHead(200, { 'content-type': 'application/json', ...(etag === null ? {} : { etag }) }).end(body);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/manifest.json?token=secret`;
  });

  afterEach(() => {
    for (const documents of opened.splice(0)) documents.close();
    requests.length = 0;
    body = codegen(ONE);
    etag = '"v1"';
    status = 200;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function load() {
    const { lines, logger } = logs();
    const documents = await TrustedDocuments.load({ location: url, reloadIntervalMs: 0, logger });
    opened.push(documents);
    return { documents, lines };
  }

  it('asks with If-None-Match and keeps its manifest on a 304', async () => {
    const { documents } = await load();
    await expect(documents.reload()).resolves.toBe('unchanged');
    expect(requests).toEqual([undefined, '"v1"']);
    expect(documents.get(sha256Hex(ONE))).toBeDefined();
  });

  it('takes a new manifest under a new ETag', async () => {
    const { documents } = await load();
    body = codegen(TWO);
    etag = '"v2"';
    await expect(documents.reload()).resolves.toBe('changed');
    expect(documents.list().map((document) => document.operationName)).toEqual(['Two']);
  });

  it('compares the text when the server sends no ETag', async () => {
    etag = null;
    const { documents } = await load();
    await expect(documents.reload()).resolves.toBe('unchanged');
    body = codegen(ONE, TWO);
    await expect(documents.reload()).resolves.toBe('changed');
  });

  it('keeps the last good manifest while the server fails, logging the status without the URL’s query', async () => {
    const { documents, lines } = await load();
    status = 503;
    await expect(documents.reload()).resolves.toBe('failed');
    expect(documents.get(sha256Hex(ONE))).toBeDefined();
    const failure = lines.find((line) => String(line['msg']).startsWith('trusted documents manifest reload failed'));
    expect(failure?.['reason']).toContain('answered HTTP 503');
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('refuses to start when the first fetch fails', async () => {
    status = 500;
    await expect(load()).rejects.toThrow('answered HTTP 500');
  });
});
