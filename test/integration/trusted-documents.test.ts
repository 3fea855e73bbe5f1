import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListInvoicesDocument } from '../generated/operations';
import { sha256Hex } from '../../src/trusted-documents';
import { startGateway, type StartedGateway } from './helpers/start-gateway';
import { metric, until } from './helpers/gateway-state';

/** The committed manifest of operations/, which the shipped default TRUSTED_DOCUMENTS_MANIFEST names. */
interface Entry {
  id: string;
  name: string;
  type: string;
  body: string;
}
const MANIFEST = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'operations', 'trusted-documents.json'), 'utf8')) as {
  operations: Entry[];
};
const byName = (name: string): Entry => MANIFEST.operations.find((entry) => entry.name === name)!;
const LIST = byName('ListInvoices');
const UPDATE = byName('UpdateInvoiceLines');
const AD_HOC = '{ customerInvoices(first: 1) { totalCount } }';

const JSON_ONLY = 'application/json';
const APOLLO_CLIENT_ACCEPT = 'application/graphql-response+json,application/json;q=0.9';

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

function post(url: string, body: unknown, accept = JSON_ONLY): Promise<Answer> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) });
}

function get(url: string, params: Record<string, string | string[]>, accept = JSON_ONLY): Promise<Answer> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const one of [value].flat()) search.append(name, one);
  return send(`${url}?${search.toString()}`, { headers: { accept } });
}

const codeOf = (answer: Answer): unknown => answer.body.errors?.[0]?.extensions?.['code'];
const totalCount = (answer: Answer): unknown =>
  (answer.body.data?.['customerInvoices'] as { totalCount?: unknown } | undefined)?.totalCount;
const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

function codegenManifest(...bodies: string[]): string {
  return JSON.stringify(Object.fromEntries(bodies.map((body) => [sha256Hex(body), body])));
}

describe('trusted documents, TRUSTED_DOCUMENTS=enforce on the committed manifest', () => {
  let started: StartedGateway;
  beforeAll(async () => {
    started = await startGateway({ env: { TRUSTED_DOCUMENTS: 'enforce' } });
  }, 60_000);
  afterAll(() => started.stop());

  it.each([
    ['a bare hex documentId', { documentId: LIST.id }],
    ['a sha256:<hex> documentId', { documentId: `sha256:${LIST.id}` }],
    ["Apollo's extensions.persistedQuery.sha256Hash", { extensions: apq(LIST.id) }],
    ['a documentId with its own query', { documentId: LIST.id, query: LIST.body }],
    ['the manifest’s text as the query, without an id', { query: LIST.body }],
  ])('runs a POST naming a trusted document by %s', async (_form, request) => {
    const answer = await post(started.url, { ...request, variables: { first: 2 } });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(totalCount(answer)).toEqual(expect.any(Number));
  });

  it.each([
    ['a bare hex documentId', { documentId: LIST.id }],
    ['a sha256:<hex> documentId', { documentId: `sha256:${LIST.id}` }],
    ["Apollo's extensions.persistedQuery.sha256Hash", { extensions: JSON.stringify(apq(LIST.id)) }],
  ])('runs a GET naming a trusted document by %s', async (_form, params) => {
    const answer = await get(started.url, { ...params, variables: JSON.stringify({ first: 2 }), operationName: 'ListInvoices' });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(totalCount(answer)).toEqual(expect.any(Number));
  });

  it('still refuses a trusted mutation over GET with 405', async () => {
    const answer = await get(started.url, { documentId: UPDATE.id, variables: JSON.stringify({ referenceNumber: '1', lines: [] }) });
    expect(answer.status).toBe(405);
  });

  it('refuses a query not in the manifest with PERSISTED_QUERY_NOT_FOUND before parsing it, over POST and GET', async () => {
    // A document that does not even parse: had it been parsed, the answer would be GRAPHQL_PARSE_FAILED.
    for (const query of [AD_HOC, '{ {{{ not graphql']) {
      const posted = await post(started.url, { query });
      const got = await get(started.url, { query });
      expect([posted.status, codeOf(posted), got.status, codeOf(got)]).toEqual([
        200,
        'PERSISTED_QUERY_NOT_FOUND',
        200,
        'PERSISTED_QUERY_NOT_FOUND',
      ]);
      expect(posted.body.data).toBeUndefined();
      expect(posted.body.errors?.[0]?.extensions?.['requestId']).toEqual(expect.any(String));
    }
  });

  it('refuses an unknown id with PERSISTED_QUERY_NOT_FOUND: 400 to Apollo Client, 200 to an application/json client, never cached', async () => {
    const unknown = sha256Hex('query Unknown { __typename }');
    const apollo = await post(started.url, { documentId: unknown }, APOLLO_CLIENT_ACCEPT);
    const legacy = await get(started.url, { documentId: `sha256:${unknown}` });
    expect([apollo.status, codeOf(apollo), apollo.headers.get('content-type')]).toEqual([
      400,
      'PERSISTED_QUERY_NOT_FOUND',
      'application/graphql-response+json; charset=utf-8',
    ]);
    expect([legacy.status, codeOf(legacy), legacy.headers.get('cache-control')]).toEqual([
      200,
      'PERSISTED_QUERY_NOT_FOUND',
      'private, no-cache, must-revalidate',
    ]);
  });

  it('lets no client register a document through automatic persisted queries', async () => {
    const hash = sha256Hex(AD_HOC);
    const register = await post(started.url, { query: AD_HOC, extensions: apq(hash) });
    const use = await post(started.url, { extensions: apq(hash) });
    expect([codeOf(register), codeOf(use)]).toEqual(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_FOUND']);
  });

  it.each([
    ['a documentId with another query', { documentId: LIST.id, query: UPDATE.body }, 'PERSISTED_QUERY_MISMATCH'],
    [
      'a documentId and an APQ hash of different documents',
      { documentId: LIST.id, extensions: apq(UPDATE.id) },
      'PERSISTED_QUERY_MISMATCH',
    ],
    ['an APQ hash with another query (Apollo’s own answer)', { query: UPDATE.body, extensions: apq(LIST.id) }, 'BAD_REQUEST'],
  ])('refuses %s with 400 and a stable code, running nothing', async (_case, request, code) => {
    const answer = await post(started.url, request);
    expect([answer.status, codeOf(answer), answer.body.data]).toEqual([400, code, undefined]);
  });

  it.each([
    ['a 1 MB documentId', 'f'.repeat(1_000_000)],
    ['a documentId of 65 hex digits', 'a'.repeat(65)],
    ['a path', '../../etc/passwd'],
    ['another algorithm', `md5:${'a'.repeat(32)}`],
    ['a number', 42],
    ['an object', { sha256: LIST.id }],
    ['an array', [LIST.id]],
    ['null', null],
  ])('refuses %s as documentId with 400 BAD_REQUEST, not echoing it', async (_case, documentId) => {
    const answer = await post(started.url, { documentId });
    expect([answer.status, codeOf(answer)]).toEqual([400, 'BAD_REQUEST']);
    expect(answer.body.errors?.[0]?.message).toBe('documentId must be a document\'s SHA-256 as 64 hex digits, bare or as "sha256:<hex>".');
  });

  it('refuses a garbage APQ hash, a documentId given twice over GET, and an unsupported APQ version with 400 BAD_REQUEST', async () => {
    const garbage = await post(started.url, { extensions: { persistedQuery: { version: 1, sha256Hash: 'x'.repeat(100_000) } } });
    const twice = await get(started.url, { documentId: [LIST.id, LIST.id] });
    const version = await post(started.url, { extensions: { persistedQuery: { version: 2, sha256Hash: LIST.id } } });
    expect([garbage, twice, version].map((answer) => [answer.status, codeOf(answer)])).toEqual([
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
    ]);
    expect(version.body.errors?.[0]?.message).toBe('Unsupported persisted query version');
  });

  it('serves Apollo Client 4 with its persisted-queries link: the SHA-256 it computes is the manifest’s id', async () => {
    const sent: unknown[] = [];
    const link = new PersistedQueryLink({ sha256: (text: string) => sha256Hex(text) }).concat(
      new HttpLink({
        uri: started.url,
        fetch: (input, init) => {
          sent.push(JSON.parse(init?.body as string));
          return fetch(input, init);
        },
      }),
    );
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    try {
      const result = await client.query({ query: ListInvoicesDocument, variables: { first: 2 } });
      expect(result.error).toBeUndefined();
      expect(result.data?.customerInvoices.nodes).toHaveLength(2);
      // One request, by hash alone: had the hash not been in the manifest, the link would have sent the query after a refusal.
      expect(sent).toEqual([expect.objectContaining({ extensions: expect.objectContaining(apq(LIST.id)) })]);
      expect(sent[0]).not.toHaveProperty('query');
    } finally {
      client.stop();
    }
  });

  it('serves Apollo Client 4 sending hashed reads as GETs, its other extensions passed on', async () => {
    const urls: string[] = [];
    const link = new PersistedQueryLink({ sha256: (text: string) => sha256Hex(text), useGETForHashedQueries: true }).concat(
      new HttpLink({
        uri: started.url,
        fetch: (input, init) => {
          urls.push(input instanceof Request ? input.url : input.toString());
          return fetch(input, init);
        },
      }),
    );
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    try {
      const result = await client.query({ query: ListInvoicesDocument, variables: { first: 1 } });
      expect(result.error).toBeUndefined();
      expect(result.data?.customerInvoices.nodes).toHaveLength(1);
      expect(urls).toHaveLength(1);
      const extensions = JSON.parse(new URL(urls[0]!).searchParams.get('extensions')!) as Record<string, unknown>;
      expect(extensions).toEqual({ ...apq(LIST.id), clientLibrary: expect.any(Object) });
    } finally {
      client.stop();
    }
  });

  it('counts what it refused and ran in /metrics, and how many documents the manifest holds', async () => {
    expect(await metric(started, 'trusted_documents_manifest_documents')).toBe(MANIFEST.operations.length);
    expect(await metric(started, 'trusted_documents_requests_total{outcome="known"}')).toBeGreaterThanOrEqual(9);
    expect(await metric(started, 'trusted_documents_requests_total{outcome="not_found"}')).toBeGreaterThanOrEqual(6);
    expect(await metric(started, 'trusted_documents_requests_total{outcome="mismatch"}')).toBeGreaterThanOrEqual(3);
    expect(await metric(started, 'trusted_documents_requests_total{outcome="malformed"}')).toBeGreaterThanOrEqual(11);
  });
});

describe('trusted documents on the shipped default (TRUSTED_DOCUMENTS=log)', () => {
  let started: StartedGateway;
  beforeAll(async () => {
    started = await startGateway();
  }, 60_000);
  afterAll(() => started.stop());

  const unknownLines = (hash: string) =>
    started.logs.filter(
      (line) => line['documentHash'] === hash && String(line['msg']).startsWith('a document not in the trusted documents manifest ran'),
    );

  it('runs a document not in the manifest and logs it once per distinct document, with the request id', async () => {
    const query = '{ customerInvoices(first: 1) { totalCount } } # log mode';
    const before = await metric(started, 'trusted_documents_requests_total{outcome="unknown"}');
    const answers = [await post(started.url, { query }), await get(started.url, { query }), await post(started.url, { query })];
    expect(answers.map((answer) => [answer.status, typeof totalCount(answer)])).toEqual([
      [200, 'number'],
      [200, 'number'],
      [200, 'number'],
    ]);
    expect(unknownLines(sha256Hex(query))).toEqual([expect.objectContaining({ requestId: expect.any(String), level: 30 })]);
    expect(await metric(started, 'trusted_documents_requests_total{outcome="unknown"}')).toBe(before + 3);
  });

  it('remembers a bounded number of distinct documents: a flood of new ones is each logged and none is kept past the bound', async () => {
    const first = '{ customerInvoices(first: 0) { totalCount } } # 0';
    await post(started.url, { query: first });
    for (let n = 1; n <= 1_000; n += 1) {
      // Queries that do not parse still count: the gate runs before parsing.
      await post(started.url, { query: `{ # ${n}` });
    }
    await post(started.url, { query: first });
    // The first was forgotten once 1,000 others came after it, so it is logged again; nothing else grew.
    expect(unknownLines(sha256Hex(first))).toHaveLength(2);
  });

  it('runs a trusted document by id, and answers an unknown id sent alone with PERSISTED_QUERY_NOT_FOUND', async () => {
    const known = await post(started.url, { documentId: LIST.id, variables: { first: 1 } });
    const unknown = await post(started.url, { documentId: sha256Hex(AD_HOC) });
    expect([known.status, typeof totalCount(known)]).toEqual([200, 'number']);
    expect(codeOf(unknown)).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('runs an APQ hash sent with its query but registers nothing: the hash alone is still not found', async () => {
    const query = '{ customerInvoices(first: 1) { totalCount } } # apq';
    const hash = sha256Hex(query);
    const withQuery = await post(started.url, { query, extensions: apq(hash) });
    const alone = await post(started.url, { extensions: apq(hash) });
    expect([withQuery.status, typeof totalCount(withQuery), codeOf(alone)]).toEqual([200, 'number', 'PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('trusted documents off (TRUSTED_DOCUMENTS=off)', () => {
  let started: StartedGateway;
  beforeAll(async () => {
    started = await startGateway({ env: { TRUSTED_DOCUMENTS: 'off' } });
  }, 60_000);
  afterAll(() => started.stop());

  it("keeps Apollo's automatic persisted queries: a hash registered with its query runs alone afterwards", async () => {
    const query = '{ customerInvoices(first: 1) { totalCount } } # off';
    const hash = sha256Hex(query);
    const before = await post(started.url, { extensions: apq(hash) });
    const register = await post(started.url, { query, extensions: apq(hash) });
    const alone = await post(started.url, { extensions: apq(hash) });
    expect([codeOf(before), typeof totalCount(register), typeof totalCount(alone)]).toEqual([
      'PERSISTED_QUERY_NOT_FOUND',
      'number',
      'number',
    ]);
  });

  it('reads no manifest: a documentId alone is a request without a query', async () => {
    const answer = await post(started.url, { documentId: LIST.id });
    expect([answer.status, codeOf(answer)]).toEqual([400, 'BAD_REQUEST']);
    expect(started.gateway.trustedDocuments).toBeUndefined();
  });
});

describe('trusted documents from a file that changes', () => {
  const ONE = 'query One { customerInvoices(first: 1) { totalCount } }';
  const TWO = 'query Two { customerInvoices(first: 2) { totalCount } }';
  let dir: string;
  let file: string;
  let started: StartedGateway;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'trusted-documents-'));
    file = path.join(dir, 'manifest.json');
    writeFileSync(file, codegenManifest(ONE));
    started = await startGateway({
      env: { TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_MANIFEST: file, TRUSTED_DOCUMENTS_RELOAD_MS: '100' },
    });
  }, 60_000);
  afterAll(async () => {
    await started.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function replace(text: string): void {
    writeFileSync(`${file}.next`, text);
    renameSync(`${file}.next`, file);
  }

  it('serves a document added to the file within the reload interval, and keeps it while the file turns bad', async () => {
    expect(codeOf(await post(started.url, { documentId: sha256Hex(TWO) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    replace(codegenManifest(ONE, TWO));
    await until(async () => totalCount(await post(started.url, { documentId: sha256Hex(TWO) })) !== undefined, 'the new document');

    // A manifest that lies about an id: the reload fails, is logged, and the last good manifest stays.
    replace(JSON.stringify({ [sha256Hex(ONE)]: TWO }));
    await until(
      () => Promise.resolve(started.logs.some((line) => String(line['msg']).startsWith('trusted documents manifest reload failed'))),
      'the failed reload',
    );
    const failure = started.logs.find((line) => String(line['msg']).startsWith('trusted documents manifest reload failed'));
    expect([failure?.['level'], failure?.['reason']]).toEqual([50, expect.stringContaining(`${file} entry "${sha256Hex(ONE)}"`)]);
    for (const body of [ONE, TWO]) {
      expect(typeof totalCount(await post(started.url, { documentId: sha256Hex(body) }))).toBe('number');
    }
    expect(await metric(started, 'trusted_documents_manifest_reloads_total{outcome="failed"}')).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['whose id is not its body’s SHA-256', () => JSON.stringify({ [sha256Hex(ONE)]: TWO }), `entry "${sha256Hex(ONE)}"`],
    ['that is missing', () => undefined, 'cannot be read: ENOENT'],
  ])('does not start on a manifest %s, naming the problem', async (_case, text, message) => {
    const other = path.join(dir, `start-${Math.random().toString(36).slice(2)}.json`);
    const content = text();
    if (content !== undefined) writeFileSync(other, content);
    await expect(startGateway({ env: { TRUSTED_DOCUMENTS: 'log', TRUSTED_DOCUMENTS_MANIFEST: other } })).rejects.toThrow(message);
  });
});

describe('trusted documents from a URL', () => {
  const ONE = 'query One { customerInvoices(first: 1) { totalCount } }';
  const TWO = 'query Two { customerInvoices(first: 2) { totalCount } }';
  let manifest = { body: codegenManifest(ONE), etag: '"1"', status: 200 };
  const conditional: Array<string | undefined> = [];
  let server: http.Server;
  let started: StartedGateway;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      conditional.push(request.headers['if-none-match']);
      if (manifest.status !== 200) response.writeHead(manifest.status).end();
      else if (request.headers['if-none-match'] === manifest.etag) response.writeHead(304).end();
      else response.writeHead(200, { 'content-type': 'application/json', etag: manifest.etag }).end(manifest.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/manifest.json`;
    started = await startGateway({
      env: { TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_MANIFEST: url, TRUSTED_DOCUMENTS_RELOAD_MS: '100' },
    });
  }, 60_000);
  afterAll(async () => {
    await started.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('polls with If-None-Match, takes a new manifest under a new ETag, and keeps it while the server fails', async () => {
    expect(typeof totalCount(await post(started.url, { documentId: sha256Hex(ONE) }))).toBe('number');
    await until(() => Promise.resolve(conditional.includes('"1"')), 'a conditional poll');

    manifest = { body: codegenManifest(TWO), etag: '"2"', status: 200 };
    await until(async () => totalCount(await post(started.url, { documentId: sha256Hex(TWO) })) !== undefined, 'the new manifest');
    expect(codeOf(await post(started.url, { documentId: sha256Hex(ONE) }))).toBe('PERSISTED_QUERY_NOT_FOUND');

    manifest = { ...manifest, status: 503 };
    await until(
      () => Promise.resolve(started.logs.some((line) => String(line['reason']).includes('answered HTTP 503'))),
      'the failed poll',
    );
    expect(typeof totalCount(await post(started.url, { documentId: sha256Hex(TWO) }))).toBe('number');
  });
});
