import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ManifestError, parseManifest, sha256Hex } from '../../../src/trusted-documents';

const LIST = 'query ListInvoices { customerInvoices(first: 2) { totalCount } }';
const CREATE = 'mutation CreateInvoice($input: CreateInvoiceInput!) { createInvoice(input: $input) { id } }';

function apollo(operations: unknown[]): string {
  return JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations });
}

function entry(body: string, name: string, type: string): Record<string, string> {
  return { id: sha256Hex(body), name, type, body };
}

function refusal(text: string): string {
  try {
    parseManifest(text, 'manifest.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  throw new Error('the manifest was accepted');
}

describe('parseManifest', () => {
  it('reads Apollo’s persisted query manifest, each document by its id with its name and type', () => {
    const set = parseManifest(apollo([entry(LIST, 'ListInvoices', 'query'), entry(CREATE, 'CreateInvoice', 'mutation')]), 'm');
    expect(set.get(sha256Hex(CREATE))).toEqual({
      id: sha256Hex(CREATE),
      body: CREATE,
      operationName: 'CreateInvoice',
      operationType: 'mutation',
    });
    expect(set.list().map((document) => document.operationName)).toEqual(['ListInvoices', 'CreateInvoice']);
  });

  it('reads graphql-codegen’s persisted documents, taking the name and type from each body', () => {
    const set = parseManifest(JSON.stringify({ [sha256Hex(LIST)]: LIST, [`sha256:${sha256Hex(CREATE)}`]: CREATE }), 'm');
    expect(set.get(sha256Hex(LIST))).toMatchObject({ operationName: 'ListInvoices', operationType: 'query' });
    expect(set.get(sha256Hex(CREATE))).toMatchObject({ operationName: 'CreateInvoice', operationType: 'mutation' });
  });

  it('keeps the fragments a document uses as part of its one operation', () => {
    const body = 'query One { customerInvoice(referenceNumber: "1") { ...F } } fragment F on CustomerInvoice { id }';
    expect(parseManifest(JSON.stringify({ [sha256Hex(body)]: body }), 'm').list()[0]).toMatchObject({ operationName: 'One', body });
  });

  it('answers undefined for an id it does not hold', () => {
    expect(parseManifest(apollo([]), 'm').get(sha256Hex('query Other { __typename }'))).toBeUndefined();
  });

  it('refuses a manifest whose id is not the SHA-256 of its body, naming the entry and both hashes', () => {
    const lying = { ...entry(LIST, 'ListInvoices', 'query'), id: sha256Hex(CREATE) };
    const message = refusal(apollo([entry(CREATE, 'CreateInvoice', 'mutation'), lying]));
    expect(message).toContain('manifest.json operations[1] ("ListInvoices")');
    expect(message).toContain(sha256Hex(CREATE));
    expect(message).toContain(sha256Hex(LIST));
  });

  it('refuses a codegen manifest whose key is not its body’s hash, naming the key', () => {
    expect(refusal(JSON.stringify({ [sha256Hex(CREATE)]: LIST }))).toContain(`entry "${sha256Hex(CREATE)}"`);
  });

  it('refuses an Apollo entry whose name or type is not its body’s', () => {
    expect(refusal(apollo([entry(LIST, 'Other', 'query')]))).toContain('says it is query "Other", but its body is query "ListInvoices"');
    expect(refusal(apollo([entry(LIST, 'ListInvoices', 'mutation')]))).toContain('but its body is query "ListInvoices"');
  });

  it.each([
    ['not JSON', '{', 'is not JSON'],
    ['an array', '[]', 'must be a JSON object'],
    ['another format', JSON.stringify({ format: 'other', version: 1, operations: [] }), 'the gateway reads'],
    ['version 2', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] }), 'version 2'],
    ['no operations array', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1 }), 'no "operations" array'],
    ['an entry without a body', apollo([{ id: sha256Hex(LIST), name: 'ListInvoices', type: 'query' }]), 'operations[0] must have'],
    ['an id in upper case', JSON.stringify({ [sha256Hex(LIST).toUpperCase()]: LIST }), 'not a SHA-256 in lower-case hex'],
    ['a body that is not a string', JSON.stringify({ [sha256Hex(LIST)]: 42 }), 'must map to the document'],
    ['a body that does not parse', JSON.stringify({ [sha256Hex('query {')]: 'query {' }), 'does not parse'],
    ['an anonymous operation', JSON.stringify({ [sha256Hex('{ __typename }')]: '{ __typename }' }), 'anonymous'],
    [
      'two operations in one body',
      JSON.stringify({ [sha256Hex('query A { a } query B { b }')]: 'query A { a } query B { b }' }),
      'holds 2 operations',
    ],
    ['a repeated id', apollo([entry(LIST, 'ListInvoices', 'query'), entry(LIST, 'ListInvoices', 'query')]), 'repeats the id'],
    [
      'two bodies under one name',
      JSON.stringify({ [sha256Hex(LIST)]: LIST, [sha256Hex(`${LIST} `)]: `${LIST} ` }),
      'two different documents named "ListInvoices"',
    ],
  ])('refuses %s', (_case, text, expected) => {
    expect(refusal(text)).toContain(expected);
  });

  it('reads the committed manifest of operations/, one entry per operation file', () => {
    const file = path.join(__dirname, '..', '..', '..', 'operations', 'trusted-documents.json');
    const names = parseManifest(readFileSync(file, 'utf8'), file)
      .list()
      .map((document) => `${document.operationType} ${document.operationName}`);
    expect(names).toEqual(['mutation CreateInvoice', 'query Invoice', 'query ListInvoices', 'mutation UpdateInvoiceLines']);
  });
});
