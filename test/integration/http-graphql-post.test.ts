import { guardedGateway } from './helpers/guarded-gateway';
import type { StartedGateway } from './helpers/start-gateway';

const API_KEY = 'graphql-post-suite-api-key-7c1e93ab';
const ROUTER_SECRET = 'graphql-post-suite-router-secret-52d0';
const REQUEST_ID = 'graphql-post-suite-request-1';
/** What every GraphQL client sends: served on node:http (src/server/http/graphql-post.ts). */
const PLAIN = 'application/json';
/** The same type and charset spelt with a quoted parameter: left to the Express app and its body parser. */
const QUOTED = 'application/json; charset="utf-8"';

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: string;
  etag: string | null;
}

describe('a GraphQL POST gets the same answer, byte for byte, from node:http as from the Express app', () => {
  let started: StartedGateway;
  const { fromRouter, withKey, start } = guardedGateway(API_KEY, ROUTER_SECRET);

  beforeAll(async () => {
    started = await start();
  });

  afterAll(() => started.stop());

  async function post(contentType: string, body: string, headers: Record<string, string>): Promise<Answer> {
    const response = await fetch(started.url, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-request-id': REQUEST_ID, accept: 'application/graphql-response+json', ...headers },
      body,
    });
    const pick = (name: string): string | null => response.headers.get(name);
    return {
      status: response.status,
      headers: {
        'content-type': pick('content-type'),
        'content-length': pick('content-length'),
        'x-request-id': pick('x-request-id'),
        'www-authenticate': pick('www-authenticate'),
      },
      body: await response.text(),
      etag: pick('etag'),
    };
  }

  it('takes two different paths for the two spellings (only Express hashes an ETag)', async () => {
    const query = JSON.stringify({ query: '{ customerInvoice(referenceNumber: "003547") { referenceNumber } }' });
    expect((await post(PLAIN, query, withKey)).etag).toBeNull();
    expect((await post(QUOTED, query, withKey)).etag).toMatch(/^W\//);
  });

  it.each<[string, string, Record<string, string>, number]>([
    ['a query', JSON.stringify({ query: '{ customerInvoice(referenceNumber: "003547") { referenceNumber status } }' }), withKey, 200],
    [
      'a query with variables',
      JSON.stringify({ query: 'query($n: ID!) { customerInvoice(referenceNumber: $n) { amount } }', variables: { n: '003548' } }),
      withKey,
      200,
    ],
    ['a document that does not parse', JSON.stringify({ query: '{ customerInvoice(' }), withKey, 400],
    ['a body that is not JSON', '{"query": "{ __typename }"', withKey, 400],
    ['a JSON string instead of an object', '"{ __typename }"', withKey, 400],
    ['a body starting with a byte order mark', '\ufeff{"query": "{ __typename }"}', withKey, 200],
    ['no API key', JSON.stringify({ query: '{ __typename }' }), fromRouter, 401],
    ['no router secret', JSON.stringify({ query: '{ __typename }' }), { 'x-api-key': API_KEY }, 401],
  ])('%s', async (_name, body, headers, status) => {
    const plain = await post(PLAIN, body, headers);
    const quoted = await post(QUOTED, body, headers);
    expect(plain.status).toBe(status);
    expect({ ...plain, etag: null }).toEqual({ ...quoted, etag: null });
    expect(plain.headers['x-request-id']).toBe(REQUEST_ID);
  });
});
