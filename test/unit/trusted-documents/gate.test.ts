import { Registry } from 'prom-client';
import { createLogger } from '../../../src/logger';
import {
  documentIdOf,
  parseManifest,
  sha256Hex,
  TrustedDocumentsGate,
  UNKNOWN_DOCUMENTS_REMEMBERED,
  HASHES_REMEMBERED,
  type Admission,
} from '../../../src/trusted-documents';

const KNOWN = 'query Known { __typename }';
const OTHER = 'query Other { __typename }';
const ID = sha256Hex(KNOWN);
const documents = parseManifest(JSON.stringify({ [ID]: KNOWN }), 'm');

function gate(mode: 'log' | 'enforce') {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { gate: new TrustedDocumentsGate({ mode, documents, logger, registry: new Registry() }), lines };
}

const run = (params: Record<string, unknown>): Admission => ({ kind: 'run', params });
const refused = (code: string, status: 400 | 'request-error' = 400) => expect.objectContaining({ kind: 'refuse', code, status });

describe('documentIdOf', () => {
  it.each([
    [ID, ID],
    [`sha256:${ID}`, ID],
    [ID.toUpperCase(), ID],
  ])('reads %s', (value, id) => {
    expect(documentIdOf(value)).toBe(id);
  });

  it.each([['sha1:abc'], [`sha256:${ID}x`], [ID.slice(1)], [' '.repeat(64)], [42], [null], [[ID]]])('refuses %j', (value) => {
    expect(documentIdOf(value)).toBeUndefined();
  });
});

describe('TrustedDocumentsGate.admit', () => {
  it('gives Apollo the body of a known id, without the ids, keeping variables, operationName and other extensions', () => {
    const { gate: enforce } = gate('enforce');
    expect(
      enforce.admit(
        { documentId: `sha256:${ID}`, variables: { a: 1 }, operationName: 'Known', extensions: { ...apq(ID), trace: true } },
        'r',
      ),
    ).toEqual(run({ query: KNOWN, variables: { a: 1 }, operationName: 'Known', extensions: { trace: true } }));
  });

  it('passes what is not a request object untouched, for Apollo to refuse', () => {
    const { gate: enforce } = gate('enforce');
    expect(enforce.admit([{ query: OTHER }], 'r')).toEqual({ kind: 'run', params: [{ query: OTHER }] });
    expect(enforce.admit({ variables: {} }, 'r')).toEqual(run({ variables: {} }));
  });

  it('refuses in enforce mode what the manifest does not hold, as an id or as text', () => {
    const { gate: enforce } = gate('enforce');
    expect(enforce.admit({ query: OTHER }, 'r')).toEqual(refused('PERSISTED_QUERY_NOT_FOUND', 'request-error'));
    expect(enforce.admit({ documentId: sha256Hex(OTHER) }, 'r')).toEqual(refused('PERSISTED_QUERY_NOT_FOUND', 'request-error'));
    expect(enforce.admit({ query: OTHER, extensions: apq(sha256Hex(OTHER)) }, 'r')).toEqual(
      refused('PERSISTED_QUERY_NOT_FOUND', 'request-error'),
    );
  });

  it('runs unknown text in log mode, dropping the APQ extension so nothing is registered', () => {
    const { gate: log } = gate('log');
    expect(log.admit({ query: OTHER, extensions: apq(sha256Hex(OTHER)) }, 'r')).toEqual(run({ query: OTHER }));
    expect(log.admit({ extensions: apq(sha256Hex(OTHER)) }, 'r')).toEqual(refused('PERSISTED_QUERY_NOT_FOUND', 'request-error'));
  });

  it('refuses ids and text that disagree', () => {
    const { gate: log } = gate('log');
    expect(log.admit({ documentId: ID, query: OTHER }, 'r')).toEqual(refused('PERSISTED_QUERY_MISMATCH'));
    expect(log.admit({ documentId: ID, extensions: apq(sha256Hex(OTHER)) }, 'r')).toEqual(refused('PERSISTED_QUERY_MISMATCH'));
    expect(log.admit({ query: OTHER, extensions: apq(ID) }, 'r')).toEqual(
      expect.objectContaining({ code: 'BAD_REQUEST', message: 'provided sha does not match query' }),
    );
  });

  it('logs each unknown document once, forgetting the oldest past the bound', () => {
    const { gate: log, lines } = gate('log');
    const unknown = (n: number) => `query Q${n} { __typename }`;
    for (let n = 0; n <= UNKNOWN_DOCUMENTS_REMEMBERED; n += 1) log.admit({ query: unknown(n) }, `r${n}`);
    log.admit({ query: unknown(UNKNOWN_DOCUMENTS_REMEMBERED) }, 'again');
    log.admit({ query: unknown(0) }, 'back');
    const hashes = lines.map((line) => line['documentHash']);
    expect(hashes).toHaveLength(UNKNOWN_DOCUMENTS_REMEMBERED + 2);
    expect(lines.at(-1)).toMatchObject({ documentHash: sha256Hex(unknown(0)), requestId: 'back' });
  });

  it('decides a text sent again, after many others and past the hashes it remembers, as the first time', () => {
    const { gate: log, lines } = gate('log');
    const long = `query Long { ${'__typename '.repeat(1_000)}}`;
    const texts = [KNOWN, OTHER, long, ...Array.from({ length: HASHES_REMEMBERED + 10 }, (_, n) => `query R${n} { __typename }`)];
    const decide = (text: string, requestId: string) => [
      log.admit({ query: text }, requestId),
      log.admit({ query: text, documentId: ID }, requestId),
      log.admit({ query: text, extensions: apq(sha256Hex(text)) }, requestId),
      log.admit({ query: text, extensions: apq(ID) }, requestId),
    ];
    const first = texts.map((text) => decide(text, 'first'));
    expect(texts.map((text) => decide(text, 'again'))).toEqual(first);
    expect(first[0]).toEqual([run({ query: KNOWN }), run({ query: KNOWN }), run({ query: KNOWN }), run({ query: KNOWN })]);
    expect(first[2]?.slice(1)).toEqual([
      refused('PERSISTED_QUERY_MISMATCH'),
      run({ query: long }),
      expect.objectContaining({ kind: 'refuse', code: 'BAD_REQUEST', message: 'provided sha does not match query' }),
    ]);
    expect(lines.map((line) => line['documentHash'])).toEqual(texts.slice(1).map(sha256Hex));
  });
});

function apq(hash: string) {
  return { persistedQuery: { version: 1, sha256Hash: hash } };
}
