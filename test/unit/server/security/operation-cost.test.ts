import { Kind, parse, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { CONFIG_DEFAULTS } from '../../../../src/config';
import { buildGatewaySchema } from '../../../../src/graphql/build-schema';
import { ErrorCode } from '../../../../src/graphql/errors';
import { buildSubgraphSchemaFrom } from '../../../../src/graphql/federation/build-subgraph-schema';
import { encodeGlobalId } from '../../../../src/graphql/node/global-id';
import { refusalOf, type OperationBudget } from '../../../../src/server/security/operation-budget.plugin';
import {
  ASSUMED_LIST_SIZES,
  estimateOperation,
  unsizedListFields,
  type EstimateSettings,
  type OperationEstimate,
} from '../../../../src/server/security/operation-cost';
import { FULL_INVOICE_SELECTION } from '../../../integration/helpers/gateway-harness';

const SHIPPED: OperationBudget = {
  maxCost: Number(CONFIG_DEFAULTS.MAX_OPERATION_COST),
  maxUpstreamCalls: Number(CONFIG_DEFAULTS.MAX_UPSTREAM_CALLS_PER_OPERATION),
  maxEntityRepresentations: Number(CONFIG_DEFAULTS.MAX_ENTITY_REPRESENTATIONS),
  maxNodeIds: Number(CONFIG_DEFAULTS.MAX_NODE_IDS),
  maxInvoices: Number(CONFIG_DEFAULTS.MAX_INVOICES_PER_OPERATION),
};
const SETTINGS: EstimateSettings = { maxPageSize: Number(CONFIG_DEFAULTS.MAX_PAGE_SIZE), upstreamPageSize: 1000 };
const LINES = ASSUMED_LIST_SIZES['CustomerInvoice.lines'] as number;

describe('the operation estimate', () => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    schema = buildSubgraphSchemaFrom(await buildGatewaySchema());
  });

  function estimate(query: string, variables?: Record<string, unknown>, settings: EstimateSettings = SETTINGS): OperationEstimate | null {
    const document = parse(query);
    const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    const fragments = Object.fromEntries(
      document.definitions
        .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
        .map((fragment) => [fragment.name.value, fragment]),
    );
    return estimateOperation(schema, fragments, operation, variables, settings);
  }

  function sure(query: string, variables?: Record<string, unknown>, settings?: EstimateSettings): OperationEstimate {
    const found = estimate(query, variables, settings);
    if (found === null) throw new Error('expected an estimate');
    return found;
  }

  it('sizes every list field of the schema, so a new list cannot slip in at a guessed size', () => {
    expect(unsizedListFields(schema)).toEqual([]);
  });

  describe('page sizes', () => {
    const SELECTION = 'nodes { referenceNumber amount lines { lineNumber amount } }';

    it('weighs a page size from a variable exactly as the same literal', () => {
      const literal = sure(`{ customerInvoices(first: 500) { ${SELECTION} } }`);
      const variable = sure(`query ($n: Int!) { customerInvoices(first: $n) { ${SELECTION} } }`, { n: 500 });
      expect(variable).toEqual(literal);
      expect(literal).toMatchObject({ invoices: 500, upstreamCalls: 1 });
      expect(literal.cost).toBe(1 + 1 + 500 * (1 + 2 + 1 + LINES * 3));
    });

    it("weighs a first left out, or a variable left out, at the schema's default of 50", () => {
      const fifty = sure(`{ customerInvoices(first: 50) { ${SELECTION} } }`);
      expect(sure(`{ customerInvoices { ${SELECTION} } }`)).toEqual(fifty);
      expect(sure(`query ($n: Int) { customerInvoices(first: $n) { ${SELECTION} } }`, {})).toEqual(fifty);
      expect(sure(`query ($n: Int = 50) { customerInvoices(first: $n) { ${SELECTION} } }`)).toEqual(fifty);
    });

    it('counts a first over MAX_PAGE_SIZE at the cap (the field refuses it before any call) and a negative one as nothing', () => {
      const cap = sure(`{ customerInvoices(first: ${SETTINGS.maxPageSize}) { ${SELECTION} } }`);
      expect(
        sure('query ($n: Int!) { customerInvoices(first: $n) { nodes { referenceNumber amount lines { lineNumber amount } } } }', {
          n: 10 ** 9,
        }),
      ).toEqual(cap);
      expect(sure(`{ customerInvoices(first: -5) { ${SELECTION} } }`)).toMatchObject({ invoices: 0 });
    });

    it("counts the list calls a window takes at Visma's page-size cap, one more after a cursor, and a count call for first: 0", () => {
      const capped = { ...SETTINGS, upstreamPageSize: 100 };
      expect(sure('{ customerInvoices(first: 250) { totalCount } }', undefined, capped).upstreamCalls).toBe(3);
      expect(sure('{ customerInvoices(first: 250, after: "x") { totalCount } }', undefined, capped).upstreamCalls).toBe(4);
      expect(sure('{ customerInvoices(first: 0) { totalCount } }', undefined, capped).upstreamCalls).toBe(1);
    });

    it('counts the invoices a window reads whatever is selected of them, and in edges and nodes once', () => {
      expect(sure('{ customerInvoices(first: 200) { totalCount } }').invoices).toBe(200);
      const both = sure('{ customerInvoices(first: 200) { edges { node { referenceNumber } } nodes { referenceNumber } } }');
      expect(both.invoices).toBe(200);
      // The connection; edges of an edge, its node and the number; nodes of the node and the number.
      expect(both.cost).toBe(1 + (1 + 200 * 3) + (1 + 200 * 2));
    });
  });

  describe('nested lists', () => {
    const NESTED = `query ($n: Int!, $m: Int!) {
      customerInvoices(first: $n) { nodes { customer { invoices(first: $m) { nodes { lines { lineNumber description } } } } } }
    }`;

    it('multiplies list sizes down nested lists: N invoices, each with M of its customer, each with its lines', () => {
      const found = sure(NESTED, { n: 40, m: 30 });
      expect(found.invoices).toBe(40 + 40 * 30);
      // One list, then one list per row: Customer.invoices is read for every parent, not every customer.
      expect(found.upstreamCalls).toBe(1 + 40);
      const perInnerInvoice = 1 + 1 + LINES * 3;
      // The connection and its nodes; per row the invoice, its customer, the customer's connection and its nodes.
      expect(found.cost).toBe(1 + 1 + 40 * (1 + 1 + 1 + 1 + 30 * perInnerInvoice));
      expect(found.cost).toBeGreaterThan(40 * 30 * LINES);
    });

    it('adds aliased lists up', () => {
      const one = sure('query ($n: Int!) { a: customerInvoices(first: $n) { nodes { referenceNumber } } }', { n: 300 });
      const fifteen = sure(
        `query ($n: Int!) { ${Array.from({ length: 15 }, (_, i) => `a${i}: customerInvoices(first: $n) { nodes { referenceNumber } }`).join(' ')} }`,
        { n: 300 },
      );
      expect(fifteen).toEqual({ cost: 15 * one.cost, invoices: 15 * 300, upstreamCalls: 15, entityRepresentations: 0, nodeIds: 0 });
    });

    it("weighs issue 13's attack (fifteen aliased pages of $n with each customer's $n invoices and lines) in the billions", () => {
      const attack = `query ($n: Int!) { ${Array.from(
        { length: 15 },
        (_, i) =>
          `a${i}: customerInvoices(first: $n) { nodes { referenceNumber customer { invoices(first: $n) { nodes { referenceNumber lines { lineNumber description amount } } } } } }`,
      ).join(' ')} }`;
      const found = sure(attack, { n: 500 });
      expect(found.invoices).toBe(15 * (500 + 500 * 500));
      expect(found.upstreamCalls).toBe(15 * (1 + 500));
      expect(found.cost).toBeGreaterThan(1e8);
      expect(refusalOf(found, SHIPPED)?.extensions).toMatchObject({ code: ErrorCode.UPSTREAM_BUDGET_EXCEEDED });
    });
  });

  describe('what is selected', () => {
    it('follows fragments and inline fragments, merging repeats as execution does', () => {
      const plain = sure('{ customerInvoices(first: 20) { nodes { referenceNumber amount } } }');
      const viaFragments = sure(`{ customerInvoices(first: 20) { nodes { ...A ...A ... on CustomerInvoice { amount } } } }
        fragment A on CustomerInvoice { referenceNumber amount }`);
      expect(viaFragments).toEqual(plain);
    });

    it('leaves out what @skip and @include leave out, from the variables', () => {
      const query =
        'query ($lines: Boolean!) { customerInvoices(first: 20) { nodes { referenceNumber lines @include(if: $lines) { amount } } } }';
      expect(sure(query, { lines: false }).cost).toBe(sure('{ customerInvoices(first: 20) { nodes { referenceNumber } } }').cost);
      expect(sure(query, { lines: true }).cost).toBeGreaterThan(20 * LINES);
    });

    it('gives no estimate when the variables do not coerce: execution refuses them before any call', () => {
      expect(estimate('query ($n: Int!) { customerInvoices(first: $n) { totalCount } }', { n: 'many' })).toBeNull();
      expect(estimate('query ($n: Int!) { customerInvoices(first: $n) { totalCount } }', {})).toBeNull();
    });
  });

  describe('upstream calls', () => {
    it('counts one customer look-up for a single invoice whose customer details are read, none for number and name', () => {
      expect(sure('{ customerInvoice(referenceNumber: "1") { customer { number name } } }').upstreamCalls).toBe(1);
      expect(sure('{ customerInvoice(referenceNumber: "1") { customer { email status } } }').upstreamCalls).toBe(2);
    });

    it("counts a page's customers as one look-up at the least: how many are distinct depends on the data", () => {
      expect(sure('{ customerInvoices(first: 500) { nodes { customer { email } } } }').upstreamCalls).toBe(2);
    });

    it('counts writes with their read-backs, and the look-up of a keyed create', () => {
      const input = '{ customerNumber: "10000", lines: [{ description: "x", quantity: "1" }] }';
      expect(sure(`mutation { createInvoice(input: ${input}) { referenceNumber } }`).upstreamCalls).toBe(2);
      expect(
        sure(`mutation { createInvoice(idempotencyKey: "0123456789abcdef", input: ${input}) { referenceNumber } }`).upstreamCalls,
      ).toBe(3);
      expect(sure('mutation { releaseInvoice(referenceNumber: "1") { invoice { status } } }')).toMatchObject({
        upstreamCalls: 2,
        invoices: 1,
      });
    });
  });

  describe('_entities', () => {
    const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on CustomerInvoice { referenceNumber amount customer { email } }
      ... on Customer { email invoices(first: 5) { nodes { referenceNumber } } }
    } }`;
    const invoices = (numbers: string[]) => numbers.map((referenceNumber) => ({ __typename: 'CustomerInvoice', referenceNumber }));

    it('counts every representation, one GET per distinct invoice, and each type with its own selection', () => {
      const numbers = Array.from({ length: 40 }, (_, i) => String(1000 + i));
      const found = sure(ENTITIES, { representations: invoices([...numbers, ...numbers.slice(0, 10)]) });
      expect(found).toMatchObject({ entityRepresentations: 50, invoices: 50, upstreamCalls: 40 + 1 });
      const customers = sure(ENTITIES, {
        representations: [
          { __typename: 'Customer', number: '10000' },
          { __typename: 'Customer', number: '10001' },
        ],
      });
      // Each named customer: its register look-up and one list of five.
      expect(customers).toMatchObject({ entityRepresentations: 2, invoices: 10, upstreamCalls: 2 + 2 });
    });

    it('counts 13,000 representations without resolving any', () => {
      const found = sure(ENTITIES, { representations: invoices(Array.from({ length: 13_000 }, (_, i) => String(i))) });
      expect(found.entityRepresentations).toBe(13_000);
      expect(refusalOf(found, SHIPPED)?.extensions).toMatchObject({
        code: ErrorCode.ENTITY_LIMIT_EXCEEDED,
        representations: 13_000,
        limit: SHIPPED.maxEntityRepresentations,
      });
    });
  });

  describe('node and nodes', () => {
    const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) {
      id
      ... on CustomerInvoice { amount customer { email } }
      ... on InvoiceLine { quantity }
      ... on Customer { email invoices(first: 5) { nodes { referenceNumber } } }
    } }`;
    const invoice = (referenceNumber: string) => encodeGlobalId({ type: 'CustomerInvoice', referenceNumber });
    const line = (referenceNumber: string, lineNumber: number) => encodeGlobalId({ type: 'InvoiceLine', referenceNumber, lineNumber });
    const customer = (number: string) => encodeGlobalId({ type: 'Customer', number });
    const numbers = Array.from({ length: 20 }, (_, i) => String(1000 + i));

    it('counts one GET per distinct invoice between invoices and their lines, and every id as an invoice read', () => {
      const ids = [...numbers.map(invoice), ...numbers.flatMap((number) => [line(number, 1), line(number, 2)])];
      // The invoices' customers: one look-up at the least, as for a page.
      expect(sure(NODES, { ids })).toMatchObject({ nodeIds: 60, invoices: 60, upstreamCalls: 20 + 1 });
      expect(sure(NODES, { ids: numbers.flatMap((number) => [line(number, 1), line(number, 2)]) })).toMatchObject({
        invoices: 40,
        upstreamCalls: 20,
      });
    });

    it('counts one look-up per distinct customer, whose register fields come from it, and its lists', () => {
      const ids = [customer('10000'), customer('10001'), customer('10000')];
      expect(sure(NODES, { ids })).toMatchObject({ nodeIds: 3, invoices: 15, upstreamCalls: 2 + 3 });
      expect(sure('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids })).toMatchObject({ invoices: 0, upstreamCalls: 2 });
    });

    it('weighs node like one item of nodes, each value counted as on any other field', () => {
      const query = (field: string) => `{ ${field} { id ... on CustomerInvoice { amount lines { quantity } } } }`;
      const one = sure(query(`node(id: "${invoice('1000')}")`));
      // The invoice, its id and amount, and its list of ten lines of two values each.
      expect(one).toEqual({ cost: 1 + 1 + 1 + (1 + LINES * 2), invoices: 1, upstreamCalls: 1, entityRepresentations: 0, nodeIds: 1 });
      expect(sure(query(`nodes(ids: ["${invoice('1000')}"])`))).toEqual({ ...one, cost: one.cost + 1 });
    });

    it('weighs ids from a variable exactly as the same literals', () => {
      const ids = [invoice('1000'), line('1000', 2), customer('10000')];
      const literal = sure(`{ nodes(ids: ${JSON.stringify(ids)}) { id ... on Customer { email } } }`);
      expect(sure('query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { email } } }', { ids })).toEqual(literal);
    });

    it('counts ids that are not ids towards the cap but no calls: the field refuses them before any', () => {
      expect(sure(NODES, { ids: [invoice('1000'), 'nope'] })).toMatchObject({ nodeIds: 2, invoices: 0, upstreamCalls: 0 });
    });

    it('refuses more ids than MAX_NODE_IDS, node and aliases added up, before anything else, naming the limit', () => {
      const aliased = (aliases: number) =>
        Array.from({ length: aliases }, (_, i) => `n${i}: nodes(ids: ${JSON.stringify(numbers.map(invoice))}) { id }`).join(' ');
      // Five aliases of 20 are 100 ids: at the cap, and 100 GETs of 20 distinct invoices.
      expect(refusalOf(sure(`{ ${aliased(5)} }`), SHIPPED)).toBeNull();
      const tooMany = [
        sure(NODES, { ids: Array.from({ length: SHIPPED.maxNodeIds + 1 }, (_, i) => customer(String(i))) }),
        sure(`{ one: node(id: "${invoice('1')}") { id } ${aliased(5)} }`),
      ];
      for (const found of tooMany) {
        expect(found.nodeIds).toBe(SHIPPED.maxNodeIds + 1);
        const refusal = refusalOf(found, SHIPPED);
        expect(refusal?.extensions).toEqual({
          code: ErrorCode.NODE_LIMIT_EXCEEDED,
          ids: 101,
          limit: SHIPPED.maxNodeIds,
          http: { status: 400 },
        });
        expect(refusal?.message).toContain('MAX_NODE_IDS');
      }
    });
  });

  describe('against the shipped limits', () => {
    const page = (first: number, selection: string, aliases = 1) =>
      `{ ${Array.from({ length: aliases }, (_, i) => `c${i}: customerInvoices(first: ${first}) { nodes { ${selection} } }`).join(' ')} }`;

    it('accepts every field of an invoice on a page of 50, a lean page of 500 and a page of 500 with lines', () => {
      expect(refusalOf(sure(page(50, FULL_INVOICE_SELECTION)), SHIPPED)).toBeNull();
      expect(refusalOf(sure(page(500, 'referenceNumber status amount customer { number name email }')), SHIPPED)).toBeNull();
      expect(
        refusalOf(sure(page(500, 'referenceNumber amount lines { lineNumber description quantity unitPrice amount }')), SHIPPED),
      ).toBeNull();
    });

    it('refuses every field of an invoice on a page of 500, or on three pages of 50, by cost, naming the limit', () => {
      for (const query of [page(500, FULL_INVOICE_SELECTION), page(50, FULL_INVOICE_SELECTION, 3)]) {
        const found = sure(query);
        const refusal = refusalOf(found, SHIPPED);
        expect(refusal?.extensions).toEqual({
          code: ErrorCode.COST_LIMIT_EXCEEDED,
          cost: found.cost,
          limit: SHIPPED.maxCost,
          http: { status: 400 },
        });
        expect(refusal?.message).toContain(`Operation cost ${found.cost} is over the limit of ${SHIPPED.maxCost} (MAX_OPERATION_COST)`);
      }
    });

    it('refuses more invoices than MAX_INVOICES_PER_OPERATION before the cost, naming the limit', () => {
      const refusal = refusalOf(sure(page(500, 'referenceNumber', 3)), SHIPPED);
      expect(refusal?.extensions).toMatchObject({ code: ErrorCode.RESPONSE_TOO_LARGE, invoices: 1500, limit: SHIPPED.maxInvoices });
      expect(refusal?.message).toContain('MAX_INVOICES_PER_OPERATION');
    });
  });
});
