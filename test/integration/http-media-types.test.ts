import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { sha256Hex } from '../../src/server/auth/inbound-auth';
import { guardedGateway } from './helpers/guarded-gateway';
import type { StartedGateway } from './helpers/start-gateway';

const API_KEY = 'media-type-suite-api-key-4e8b1c7d20';
const ROUTER_SECRET = 'media-type-suite-router-secret-9a3f';
const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE = 'application/graphql-response+json; charset=utf-8';
/** What @apollo/client 4's HttpLink sends. */
const APOLLO_CLIENT_ACCEPT = 'application/graphql-response+json,application/json;q=0.9';
/** What urql 6 sends. */
const URQL_ACCEPT = 'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed';
const ONE = '{ customerInvoice(referenceNumber: "003547") { referenceNumber } }';

interface Answer {
  status: number;
  contentType: string | null;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function send(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, contentType: response.headers.get('content-type'), body: JSON.parse(await response.text()) };
}

function acceptHeader(accept: string | undefined): Record<string, string> {
  return accept === undefined ? {} : { accept };
}

describe('answers in the media type the client asked for', () => {
  let started: StartedGateway;
  const { fromRouter, withKey, start } = guardedGateway(API_KEY, ROUTER_SECRET);

  beforeAll(async () => {
    started = await start();
  });

  afterAll(() => started.stop());

  function post(body: unknown, headers: Record<string, string>): Promise<Answer> {
    return send(started.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  }

  describe('the same choice for the gateway’s own refusals as for Apollo’s answers', () => {
    it.each<[string, string | undefined, string]>([
      ['no Accept (the legacy default)', undefined, JSON_TYPE],
      ['*/*', '*/*', JSON_TYPE],
      ['application/*', 'application/*', JSON_TYPE],
      ['application/json', 'application/json', JSON_TYPE],
      ['only application/graphql-response+json', 'application/graphql-response+json', GRAPHQL_RESPONSE],
      ['Apollo Client 4 (application/json at q=0.9)', APOLLO_CLIENT_ACCEPT, GRAPHQL_RESPONSE],
      ['urql 6 (both at q=1, graphql-response+json first)', URQL_ACCEPT, GRAPHQL_RESPONSE],
      ['both at q=1, application/json first', 'application/json, application/graphql-response+json', JSON_TYPE],
      ['q-values against the order', 'application/json;q=0.5, application/graphql-response+json;q=0.8', GRAPHQL_RESPONSE],
      ['graphql-response+json refused with q=0', 'application/graphql-response+json;q=0, */*', JSON_TYPE],
      ['a charset parameter', 'application/graphql-response+json; charset=utf-8', GRAPHQL_RESPONSE],
      ['a browser’s navigation', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', JSON_TYPE],
    ])('with %s', async (_case, accept, expected) => {
      const refused = await post({ query: ONE }, { ...fromRouter, ...acceptHeader(accept) });
      const served = await post({ query: ONE }, { ...withKey, ...acceptHeader(accept) });
      expect(refused.status).toBe(401);
      expect(served.body).toEqual({ data: { customerInvoice: { referenceNumber: '003547' } } });
      expect({ refused: refused.contentType, served: served.contentType }).toEqual({ refused: expected, served: expected });
    });

    it('answers a refusal as application/json when the client accepts neither type, where Apollo answers 406', async () => {
      const refused = await post({ query: ONE }, { ...fromRouter, accept: 'text/html' });
      const apollo = await post({ query: ONE }, { ...withKey, accept: 'text/html' });
      expect({ status: refused.status, contentType: refused.contentType }).toEqual({ status: 401, contentType: JSON_TYPE });
      expect({ status: apollo.status, contentType: apollo.contentType }).toEqual({ status: 406, contentType: JSON_TYPE });
    });
  });

  it.each<[string, () => Promise<Answer>, number, string]>([
    ['inbound authentication’s 401', () => post({ query: ONE }, { ...fromRouter, accept: APOLLO_CLIENT_ACCEPT }), 401, 'UNAUTHENTICATED'],
    ['the router secret’s 401', () => post({ query: ONE }, { 'x-api-key': API_KEY, accept: APOLLO_CLIENT_ACCEPT }), 401, 'UNAUTHENTICATED'],
    [
      'malformed JSON',
      () =>
        send(started.url, {
          method: 'POST',
          headers: { ...withKey, 'content-type': 'application/json', accept: APOLLO_CLIENT_ACCEPT },
          body: '{"query": ',
        }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a body over 1 MB',
      () => post({ query: ONE, variables: { pad: 'x'.repeat(1_100_000) } }, { ...withKey, accept: APOLLO_CLIENT_ACCEPT }),
      413,
      'BAD_REQUEST',
    ],
    [
      'a text/plain POST',
      () =>
        send(started.url, {
          method: 'POST',
          headers: { ...withKey, 'content-type': 'text/plain', accept: APOLLO_CLIENT_ACCEPT },
          body: JSON.stringify({ query: ONE }),
        }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a path that is not a route',
      () => send(new URL('/nope', started.url).toString(), { headers: { accept: APOLLO_CLIENT_ACCEPT } }),
      404,
      'NOT_FOUND',
    ],
  ])('answers %s in application/graphql-response+json to Apollo Client’s Accept', async (_case, request, status, code) => {
    const answer = await request();
    expect({ status: answer.status, contentType: answer.contentType }).toEqual({ status, contentType: GRAPHQL_RESPONSE });
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code, requestId: expect.any(String) });
  });

  describe('status codes by media type (GraphQL over HTTP)', () => {
    const representations = Array.from({ length: 101 }, (_, i) => ({ __typename: 'CustomerInvoice', referenceNumber: String(i) }));
    it.each<[string, Record<string, unknown>, string]>([
      ['a document that does not parse', { query: '{' }, 'GRAPHQL_PARSE_FAILED'],
      ['a document that does not validate', { query: '{ noSuchField }' }, 'GRAPHQL_VALIDATION_FAILED'],
      [
        'an operation limit (17 aliases)',
        {
          query: `{ ${Array.from({ length: 17 }, (_, i) => `a${i}: customerInvoice(referenceNumber: "${i}") { referenceNumber }`).join(' ')} }`,
        },
        'GRAPHQL_VALIDATION_FAILED',
      ],
      ['an operation name the document lacks', { query: ONE, operationName: 'Nope' }, 'OPERATION_RESOLUTION_FAILURE'],
      [
        'variables that do not coerce',
        { query: 'query ($n: Int!) { customerInvoices(first: $n) { totalCount } }', variables: { n: 'many' } },
        'BAD_USER_INPUT',
      ],
      [
        'the operation budget (101 representations)',
        { query: 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', variables: { r: representations } },
        'ENTITY_LIMIT_EXCEEDED',
      ],
    ])('answers %s 200 in application/json and 400 in application/graphql-response+json, without data', async (_case, body, code) => {
      const legacy = await post(body, { ...withKey, accept: 'application/json' });
      const implicit = await post(body, withKey);
      const modern = await post(body, { ...withKey, accept: APOLLO_CLIENT_ACCEPT });
      expect(
        [legacy, implicit, modern].map((answer) => [
          answer.status,
          answer.contentType,
          answer.body.data,
          answer.body.errors?.[0]?.extensions?.['code'],
        ]),
      ).toEqual([
        [200, JSON_TYPE, undefined, code],
        [200, JSON_TYPE, undefined, code],
        [400, GRAPHQL_RESPONSE, undefined, code],
      ]);
    });

    it('keeps 400 for a malformed request (an unsupported persisted-query version) in both', async () => {
      const body = { query: ONE, extensions: { persistedQuery: { version: 2, sha256Hash: sha256Hex(ONE) } } };
      for (const accept of ['application/json', APOLLO_CLIENT_ACCEPT]) {
        const answer = await post(body, { ...withKey, accept });
        expect({ status: answer.status, code: answer.body.errors?.[0]?.extensions?.['code'] }).toEqual({
          status: 400,
          code: 'BAD_REQUEST',
        });
      }
    });

    it('keeps 405 for a mutation over GET in both', async () => {
      const url = `${started.url}?query=${encodeURIComponent('mutation { __typename }')}`;
      for (const accept of ['application/json', APOLLO_CLIENT_ACCEPT]) {
        const answer = await send(url, { headers: { ...withKey, accept } });
        expect(answer.status).toBe(405);
      }
    });

    it('answers a field error with data 200 in both', async () => {
      for (const accept of ['application/json', APOLLO_CLIENT_ACCEPT]) {
        const answer = await post({ query: '{ customerInvoices(first: -1) { totalCount } }' }, { ...withKey, accept });
        expect(answer.status).toBe(200);
        expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      }
    });
  });

  describe('Apollo Client 4 (HttpLink on its defaults)', () => {
    function client(headers: Record<string, string>): ApolloClient {
      return new ApolloClient({ link: new HttpLink({ uri: started.url, headers }), cache: new InMemoryCache() });
    }

    it('reads UNAUTHENTICATED from a 401 as a GraphQL error, not a bare ServerError', async () => {
      const error = await client(fromRouter)
        .query({ query: gql(ONE) })
        .then(
          () => undefined,
          (failure: unknown) => failure,
        );
      expect(CombinedGraphQLErrors.is(error)).toBe(true);
      expect(CombinedGraphQLErrors.is(error) && error.errors.map((graphQLError) => graphQLError.extensions?.['code'])).toEqual([
        'UNAUTHENTICATED',
      ]);
    });

    it('gets the data with the key', async () => {
      const { data } = await client(withKey).query({ query: gql(ONE) });
      expect(data).toEqual({ customerInvoice: { __typename: 'CustomerInvoice', referenceNumber: '003547' } });
    });
  });
});
