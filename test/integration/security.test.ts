import { sha256Hex } from '../../src/server/auth/inbound-auth';
import { OPERATION_LIMITS } from '../../src/server/security/operation-limits';
import { GatewayHarness } from './helpers/gateway-harness';
import { NO_POLL_DURING_SUITE } from './helpers/start-gateway';
import { JwksServer } from './helpers/jwks-server';

const ONE = '{ customerInvoice(referenceNumber: "003547") { referenceNumber } }';
const API_KEY = 'security-suite-api-key-5d1f0c2a9e';

/**
 * Refusals of a document are asserted as Apollo Client receives them, asking for
 * application/graphql-response+json first: HTTP 400. With only application/json they are 200
 * (GraphQL over HTTP; test/integration/http-media-types.test.ts).
 */
const AS_APOLLO_CLIENT = { accept: 'application/graphql-response+json,application/json;q=0.9' };

interface RawResponse {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function send(url: string, init: RequestInit & { headers?: Record<string, string> }): Promise<RawResponse> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as RawResponse['body'] };
}

function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('gateway security over HTTP', () => {
  describe('with production defaults (Visma.net credentials, JWT and API key authentication)', () => {
    let jwks: JwksServer;
    let harness: GatewayHarness;
    let token: string;

    beforeAll(async () => {
      jwks = await JwksServer.start();
      harness = await GatewayHarness.start({
        simulator: { invoiceCount: 20 },
        env: { AUTH_REQUIRED: '', ...jwks.env(), AUTH_API_KEY_SHA256: sha256Hex(API_KEY), ...NO_POLL_DURING_SUITE },
      });
      token = await jwks.sign(Date.now());
    });

    afterAll(async () => {
      await harness.stop();
      await jwks.close();
    });

    describe('inbound authentication', () => {
      it('answers a request without credentials with 401, WWW-Authenticate and UNAUTHENTICATED, before calling Visma', async () => {
        await harness.control.resetCounters();
        const response = await harness.post(ONE);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
        expect(response.body).toEqual({
          errors: [
            {
              message: 'Authentication is required: send a valid JWT as "Authorization: Bearer <token>" or an API key as "X-API-Key".',
              extensions: { code: 'UNAUTHENTICATED', requestId: response.headers.get('x-request-id') },
            },
          ],
        });
        expect(await harness.apiCalls()).toEqual({});
      });

      it('serves a caller with a valid JWT', async () => {
        const response = await harness.post(ONE, undefined, { authorization: `Bearer ${token}` });
        expect(response.body).toEqual({ data: { customerInvoice: { referenceNumber: '003547' } } });
      });

      it('serves a caller with a valid API key', async () => {
        const response = await harness.post(ONE, undefined, { 'x-api-key': API_KEY });
        expect(response.body).toEqual({ data: { customerInvoice: { referenceNumber: '003547' } } });
      });

      it.each([
        ['an expired JWT', async () => ({ authorization: `Bearer ${await jwks.sign(Date.now() - 7_200_000)}` })],
        ['a JWT for another audience', async () => ({ authorization: `Bearer ${await jwks.sign(Date.now(), { audience: 'other' })}` })],
        ['a wrong API key', async () => ({ 'x-api-key': `${API_KEY}-wrong` })],
        ['a Basic header', async () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
      ])('refuses %s with 401', async (_case, headers) => {
        const response = await harness.post(ONE, undefined, await headers());
        expect(response.status).toBe(401);
        expect(response.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      });
    });

    describe('schema exposure', () => {
      it('refuses introspection', async () => {
        const response = await harness.post('{ __schema { types { name } } }', undefined, { 'x-api-key': API_KEY, ...AS_APOLLO_CLIENT });
        expect(response.status).toBe(400);
        expect(response.body.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      });

      it('answers __typename, which is not introspection', async () => {
        const response = await harness.post('{ __typename }', undefined, { 'x-api-key': API_KEY });
        expect(response.body).toEqual({ data: { __typename: 'Query' } });
      });

      it('hides "Did you mean" from validation errors and from variable errors', async () => {
        const field = await harness.post('{ customerInvoice(referenceNumber: "1") { referenceNumbr } }', undefined, {
          'x-api-key': API_KEY,
        });
        expect(field.body.errors?.[0]?.message).toBe('Cannot query field "referenceNumbr" on type "CustomerInvoice".');
        const variable = await harness.post(
          'mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { referenceNumber } }',
          { input: { customerNumbr: '10000', lines: [] } },
          { 'x-api-key': API_KEY },
        );
        expect(variable.body.errors?.map((error) => error.message)).toContain(
          'Variable "$input" got invalid value { customerNumbr: "10000", lines: [] }; Field "customerNumbr" is not defined by type "CreateInvoiceInput".',
        );
        expect(JSON.stringify(variable.body)).not.toMatch(/Did you mean/);
      });
    });
  });

  describe('with introspection and suggestions switched on, and authentication off', () => {
    let harness: GatewayHarness;
    const headers = { 'content-type': 'application/json' };

    beforeAll(async () => {
      harness = await GatewayHarness.start({
        simulator: { invoiceCount: 20 },
        env: { GRAPHQL_INTROSPECTION: 'true', GRAPHQL_FIELD_SUGGESTIONS: 'true', ...NO_POLL_DURING_SUITE },
      });
    });

    afterAll(() => harness.stop());

    it('answers introspection and suggests field names', async () => {
      expect((await harness.post('{ __schema { queryType { name } } }')).body).toEqual({
        data: { __schema: { queryType: { name: 'Query' } } },
      });
      const response = await harness.post('{ customerInvoice(referenceNumber: "1") { referenceNumbr } }');
      expect(response.body.errors?.[0]?.message).toBe(
        'Cannot query field "referenceNumbr" on type "CustomerInvoice". Did you mean "referenceNumber"?',
      );
    });

    describe('operation limits', () => {
      it('refuses an operation over a limit with GRAPHQL_VALIDATION_FAILED (HTTP 400) and names the limit', async () => {
        const aliases = Array.from(
          { length: OPERATION_LIMITS.maxAliases + 1 },
          (_, i) => `a${i}: customerInvoice(referenceNumber: "${i}") { referenceNumber }`,
        );
        await harness.control.resetCounters();
        const response = await harness.post(`{ ${aliases.join(' ')} }`, undefined, AS_APOLLO_CLIENT);
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([
          {
            message: `Aliases limit of ${OPERATION_LIMITS.maxAliases} exceeded, found ${OPERATION_LIMITS.maxAliases + 1}.`,
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: expect.any(String) },
          },
        ]);
        expect(await harness.apiCalls()).toEqual({});
      });

      it('refuses a subscription to a field the Subscription type lacks as a validation failure rather than an internal error', async () => {
        const response = await harness.post(
          'subscription { customerInvoice(referenceNumber: "1") { referenceNumber } }',
          undefined,
          AS_APOLLO_CLIENT,
        );
        expect(response.status).toBe(400);
        expect(response.body.errors?.[0]).toMatchObject({
          message: 'Cannot query field "customerInvoice" on type "Subscription".',
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        });
      });

      it('refuses a reference number holding a lone surrogate as BAD_USER_INPUT (found by the fuzz test)', async () => {
        const response = await harness.post('query($ref: ID!) { customerInvoice(referenceNumber: $ref) { referenceNumber } }', {
          ref: '\ud800',
        });
        expect(response.body.errors?.[0]).toMatchObject({
          message: 'referenceNumber must be well-formed Unicode text; received one with a lone surrogate.',
          extensions: { code: 'BAD_USER_INPUT' },
        });
      });

      it.each([
        [[{ __typename: 'Nope', referenceNumber: '003547' }], 'representations[0].__typename'],
        [[{ referenceNumber: '003547' }], 'representations[0].__typename'],
        [[{ __typename: 'Customer' }], 'representations[0].number'],
        [[{ __typename: 'CustomerInvoice', referenceNumber: '003547' }, 'text'], 'representations[1]'],
      ])('refuses the malformed _entities representations %j as BAD_USER_INPUT, before any Visma call', async (representations, field) => {
        await harness.control.resetCounters();
        const response = await harness.post(
          'query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerInvoice { referenceNumber } ... on Customer { number } } }',
          { r: representations },
        );
        expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
        expect(await harness.apiCalls()).toEqual({});
      });

      it('keeps a failing _entities representation to its own entry, and leaves no load unhandled', async () => {
        const unhandled: unknown[] = [];
        const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
        process.on('unhandledRejection', onUnhandled);
        try {
          const response = await harness.post(
            'query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerInvoice { referenceNumber } } }',
            {
              r: [
                { __typename: 'CustomerInvoice', referenceNumber: '\ud800' },
                { __typename: 'CustomerInvoice', referenceNumber: '' },
              ],
            },
          );
          expect(response.body.data).toEqual({ _entities: [null, null] });
          expect(response.body.errors?.map((error) => [error.path, error.extensions?.['code']]).sort()).toEqual([
            [['_entities', 0], 'BAD_USER_INPUT'],
            [['_entities', 1], 'BAD_USER_INPUT'],
          ]);
          await new Promise((resolve) => setImmediate(resolve));
          expect(unhandled).toEqual([]);
        } finally {
          process.off('unhandledRejection', onUnhandled);
        }
      });

      it('resolves well-formed _entities representations', async () => {
        const response = await harness.post(
          'query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerInvoice { referenceNumber } } }',
          { r: [{ __typename: 'CustomerInvoice', referenceNumber: '003547' }] },
        );
        expect(response.body).toEqual({ data: { _entities: [{ referenceNumber: '003547' }] } });
      });

      it('refuses a document over the token limit with GRAPHQL_PARSE_FAILED (HTTP 400)', async () => {
        const response = await harness.post(`{ ${'__typename '.repeat(OPERATION_LIMITS.maxTokens)} }`, undefined, AS_APOLLO_CLIENT);
        expect(response.status).toBe(400);
        expect(response.body.errors?.[0]).toMatchObject({
          message: `Syntax Error: Document contains more that ${OPERATION_LIMITS.maxTokens} tokens. Parsing aborted.`,
          extensions: { code: 'GRAPHQL_PARSE_FAILED' },
        });
      });
    });

    describe('HTTP', () => {
      it('refuses a batch of operations', async () => {
        const response = await postJson(harness.url, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
        expect(response.status).toBe(400);
        expect(response.body.errors?.[0]).toMatchObject({ message: 'Operation batching disabled.', extensions: { code: 'BAD_REQUEST' } });
      });

      it('refuses a body over 1 MB with 413 before parsing it', async () => {
        const response = await postJson(harness.url, { query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } });
        expect(response.status).toBe(413);
        expect(response.body.errors?.[0]).toMatchObject({
          message: 'The request body is larger than 1mb.',
          extensions: { code: 'BAD_REQUEST' },
        });
      });

      it('refuses malformed JSON with 400 and no parser internals', async () => {
        const response = await send(harness.url, { method: 'POST', headers, body: '{"query": "{ __typename }"' });
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([
          { message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST', requestId: expect.any(String) } },
        ]);
      });

      it('refuses a body in another charset than UTF-8 with 415', async () => {
        const response = await send(harness.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=latin1' },
          body: '{"query":"{ __typename }"}',
        });
        expect(response.status).toBe(415);
        expect(response.body.errors).toEqual([
          { message: 'The request body must be JSON in UTF-8.', extensions: { code: 'BAD_REQUEST', requestId: expect.any(String) } },
        ]);
      });

      it('serves a query over GET without a custom header: only queries run over GET, and nothing authenticates by cookie', async () => {
        const url = `${harness.url}?query=${encodeURIComponent('{ __typename }')}`;
        const simple = await send(url, { method: 'GET', headers: { accept: 'application/json' } });
        expect(simple.body).toEqual({ data: { __typename: 'Query' } });
      });

      it.each([
        ['without a custom header', {}],
        ['with a preflight header', { 'apollo-require-preflight': 'true' }],
      ])('refuses a mutation over GET %s with 405, Allow: POST', async (_case, headers: Record<string, string>) => {
        const url = `${harness.url}?query=${encodeURIComponent('mutation { releaseInvoice(referenceNumber: "003547") { result } }')}`;
        const response = await send(url, { method: 'GET', headers: { accept: 'application/json', ...headers } });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('POST');
        expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_REQUEST');
      });
    });
  });
});
