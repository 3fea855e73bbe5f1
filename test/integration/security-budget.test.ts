import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_DEFAULTS } from '../../src/config';
import { FULL_INVOICE_SELECTION, GatewayHarness, type GraphQLResponse } from './helpers/gateway-harness';
import { NO_POLL_DURING_SUITE } from './helpers/start-gateway';

const MAX_COST = Number(CONFIG_DEFAULTS.MAX_OPERATION_COST);
const MAX_CALLS = Number(CONFIG_DEFAULTS.MAX_UPSTREAM_CALLS_PER_OPERATION);
const MAX_ENTITIES = Number(CONFIG_DEFAULTS.MAX_ENTITY_REPRESENTATIONS);
const MAX_INVOICES = Number(CONFIG_DEFAULTS.MAX_INVOICES_PER_OPERATION);

/** Issue 13's request: fifteen aliased pages of $n, each row's customer with $n invoices of its own and their lines (3.5 kB). */
const NESTED_ATTACK = `query Attack($n: Int!) { ${Array.from(
  { length: 15 },
  (_, i) =>
    `a${i}: customerInvoices(first: $n) { nodes { referenceNumber amount customer { number invoices(first: $n) { nodes { referenceNumber lines { lineNumber description quantity unitPrice amount } } } } } }`,
).join(' ')} }`;

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on CustomerInvoice { referenceNumber amount status customer { number } } }
}`;

/** Representations of invoices numbered from 000001: most do not exist, which costs a Visma GET each just the same. */
function invoiceRepresentations(count: number): Array<{ __typename: string; referenceNumber: string }> {
  return Array.from({ length: count }, (_, i) => ({ __typename: 'CustomerInvoice', referenceNumber: String(1 + i).padStart(6, '0') }));
}

/**
 * The refusals below are asserted as Apollo Client (and urql, graphql-request) receive them, asking for
 * application/graphql-response+json first: HTTP 400. A client that accepts only application/json gets
 * them with 200, as GraphQL over HTTP says (test/integration/http-media-types.test.ts).
 */
const AS_APOLLO_CLIENT = { accept: 'application/graphql-response+json,application/json;q=0.9' };

function codesOf(response: GraphQLResponse): unknown[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.['code']);
}

describe('the operation budget, against hostile requests on the shipped defaults', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: NO_POLL_DURING_SUITE });
  });

  afterAll(() => harness.stop());

  beforeEach(() => harness.control.resetCounters());

  /** Visma calls since the last reset, all routes together (the token endpoint left out). */
  async function vismaCalls(): Promise<number> {
    return Object.values(await harness.apiCalls()).reduce((sum, calls) => sum + calls, 0);
  }

  describe('page sizes from variables', () => {
    it('refuses the 3.5 kB request that answered 69 MB, with 400 and a code naming the limit, before any Visma call', async () => {
      expect(NESTED_ATTACK.length).toBeLessThan(4_000);
      const response = await harness.post(NESTED_ATTACK, { n: 500 }, AS_APOLLO_CLIENT);
      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors).toEqual([
        {
          message: expect.stringContaining(`at most ${MAX_CALLS} (MAX_UPSTREAM_CALLS_PER_OPERATION)`),
          extensions: expect.objectContaining({ code: 'UPSTREAM_BUDGET_EXCEEDED', upstreamCalls: 15 * 501, limit: MAX_CALLS }),
        },
      ]);
      expect(await vismaCalls()).toBe(0);
    });

    it('survives eight concurrent copies of it, then answers an ordinary request', async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, () => harness.post(NESTED_ATTACK, { n: 500 }, AS_APOLLO_CLIENT)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(400));
      expect(await vismaCalls()).toBe(0);
      const ordinary = await harness.post('{ customerInvoices(first: 3) { nodes { referenceNumber } } }');
      expect(ordinary.body.errors).toBeUndefined();
    });

    it('weighs first: $n exactly as the literal: both refused by cost, with the same cost, before any call', async () => {
      const selection = `nodes { ${FULL_INVOICE_SELECTION} }`;
      const literal = await harness.post(`{ customerInvoices(first: 500) { ${selection} } }`, undefined, AS_APOLLO_CLIENT);
      const variable = await harness.post(
        `query ($n: Int!) { customerInvoices(first: $n) { ${selection} } }`,
        { n: 500 },
        AS_APOLLO_CLIENT,
      );
      const defaulted = await harness.post(
        `query ($n: Int = 500) { customerInvoices(first: $n) { ${selection} } }`,
        undefined,
        AS_APOLLO_CLIENT,
      );
      for (const response of [literal, variable, defaulted]) {
        expect(response.status).toBe(400);
        expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', limit: MAX_COST });
        expect(response.body.errors?.[0]?.message).toContain('MAX_OPERATION_COST');
      }
      const costs = [literal, variable, defaulted].map((response) => response.body.errors?.[0]?.extensions?.['cost']);
      expect(costs[0]).toBeGreaterThan(MAX_COST);
      expect(new Set(costs).size).toBe(1);
      expect(await vismaCalls()).toBe(0);
    });

    it('refuses aliased pages that together read more invoices than the limit, before any call', async () => {
      const query = `query ($n: Int!) { ${[1, 2, 3].map((i) => `p${i}: customerInvoices(first: $n) { nodes { referenceNumber } }`).join(' ')} }`;
      const response = await harness.post(query, { n: 500 }, AS_APOLLO_CLIENT);
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', invoices: 1500, limit: MAX_INVOICES });
      expect(await vismaCalls()).toBe(0);
    });

    it('refuses one page of its customers each with their own page, as a nested list of aliases would be, before any call', async () => {
      const query = `query ($n: Int!, $m: Int!) {
        customerInvoices(first: $n) { nodes { customer { invoices(first: $m) { nodes { referenceNumber } } } } }
      }`;
      // 60 rows, each its customer's list of 20: 61 calls, but 60 + 1,200 invoices.
      const response = await harness.post(query, { n: 60, m: 20 });
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', invoices: 1260 });
      expect(await vismaCalls()).toBe(0);
    });
  });

  describe('_entities', () => {
    it.each([2_000, 13_000])('refuses %i representations as a whole, with 400 and a code, before any Visma call', async (count) => {
      const response = await harness.post(ENTITIES, { representations: invoiceRepresentations(count) }, AS_APOLLO_CLIENT);
      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors).toEqual([
        {
          message: expect.stringContaining(`at most ${MAX_ENTITIES} (MAX_ENTITY_REPRESENTATIONS)`),
          extensions: expect.objectContaining({ code: 'ENTITY_LIMIT_EXCEEDED', representations: count, limit: MAX_ENTITIES }),
        },
      ]);
      expect(await vismaCalls()).toBe(0);
    });

    it('refuses the cap spread over aliased _entities fields', async () => {
      const half = Math.floor(MAX_ENTITIES / 2) + 1;
      const query = `query ($a: [_Any!]!, $b: [_Any!]!) {
        a: _entities(representations: $a) { __typename } b: _entities(representations: $b) { __typename }
      }`;
      const response = await harness.post(query, { a: invoiceRepresentations(half), b: invoiceRepresentations(half) });
      expect(codesOf(response)).toEqual(['ENTITY_LIMIT_EXCEEDED']);
      expect(await vismaCalls()).toBe(0);
    });

    it("resolves a router's batch of 50 uncached invoices with one GET each", async () => {
      const numbers = (await harness.visma.listInvoices({ pageNumber: 2, pageSize: 50 })).invoices.map(
        (invoice) => invoice.referenceNumber,
      );
      await harness.control.resetCounters();
      const response = await harness.post(ENTITIES, {
        representations: numbers.map((referenceNumber) => ({ __typename: 'CustomerInvoice', referenceNumber })),
      });
      expect(response.body.errors).toBeUndefined();
      expect((response.body.data?.['_entities'] as Array<{ referenceNumber: string }>).map((entity) => entity.referenceNumber)).toEqual(
        numbers,
      );
      expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice/{referenceNumber}': 50 });
    });

    it('resolves a batch at the cap', async () => {
      const numbers = (await harness.visma.listInvoices({ pageNumber: 2, pageSize: MAX_ENTITIES })).invoices.map(
        (invoice) => invoice.referenceNumber,
      );
      expect(numbers).toHaveLength(MAX_ENTITIES);
      const response = await harness.post(ENTITIES, {
        representations: numbers.map((referenceNumber) => ({ __typename: 'CustomerInvoice', referenceNumber })),
      });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.['_entities']).toHaveLength(MAX_ENTITIES);
    });
  });

  describe('ordinary traffic', () => {
    const OPERATIONS = path.join(__dirname, '..', '..', 'operations');

    it.each(['invoice', 'list-invoices', 'create-invoice', 'update-invoice-lines'])(
      'answers operations/%s.graphql with its variables, within the budget',
      async (name) => {
        const query = readFileSync(path.join(OPERATIONS, `${name}.graphql`), 'utf8');
        const variables = JSON.parse(readFileSync(path.join(OPERATIONS, `${name}.variables.json`), 'utf8')) as Record<string, unknown>;
        const response = await harness.post(query, variables);
        expect(response.body.errors).toBeUndefined();
        expect(await vismaCalls()).toBeLessThanOrEqual(MAX_CALLS);
      },
    );

    it('answers a lean page of MAX_PAGE_SIZE with customer details: the look-ups fit the budget as they are made', async () => {
      const response = await harness.post(
        `{ customerInvoices(first: ${CONFIG_DEFAULTS.MAX_PAGE_SIZE}) { totalCount nodes { referenceNumber amount customer { number name email } } } }`,
      );
      expect(response.body.errors).toBeUndefined();
      expect(await vismaCalls()).toBeLessThanOrEqual(MAX_CALLS);
    });
  });
});

describe('the upstream budget while an operation runs', () => {
  const BUDGET = 10;
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { ...NO_POLL_DURING_SUITE, MAX_UPSTREAM_CALLS_PER_OPERATION: String(BUDGET) } });
  });

  afterAll(() => harness.stop());

  it("stops a page's customer look-ups at the budget: the rest are errors at their paths, and nothing past it reaches Visma", async () => {
    await harness.control.resetCounters();
    // Before it runs the page counts as one list and one customer look-up; its customers are many more.
    const response = await harness.post('{ customerInvoices(first: 50) { nodes { referenceNumber customer { number email } } } }');
    expect(response.status).toBe(200);
    const nodes = (
      response.body.data?.['customerInvoices'] as { nodes: Array<{ referenceNumber: string; customer: { email: string | null } | null }> }
    ).nodes;
    expect(nodes).toHaveLength(50);
    const refused = response.body.errors ?? [];
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_BUDGET_EXCEEDED', limit: BUDGET });
      expect(error.path).toEqual(['customerInvoices', 'nodes', expect.any(Number), 'customer', 'email']);
    }
    expect(await harness.apiCalls()).toEqual({ 'GET /v1/customerinvoice': 1, 'GET /v1/customer/{customerNumber}': BUDGET - 1 });
  });
});
