import fc from 'fast-check';
import { Kind, parse, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { CONFIG_DEFAULTS } from '../../../../src/config';
import { buildGatewaySchema } from '../../../../src/graphql/build-schema';
import { buildSubgraphSchemaFrom } from '../../../../src/graphql/federation/build-subgraph-schema';
import { encodeGlobalId } from '../../../../src/graphql/node/global-id';
import {
  ESTIMATES_PER_OPERATION,
  estimateOperation,
  OperationEstimates,
  type EstimateSettings,
} from '../../../../src/server/security/operation-cost';

const SETTINGS: EstimateSettings = { maxPageSize: Number(CONFIG_DEFAULTS.MAX_PAGE_SIZE), upstreamPageSize: 1000 };
const CAPPED: EstimateSettings = { ...SETTINGS, upstreamPageSize: 100 };

interface Parsed {
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
}

function parsed(query: string): Parsed {
  const document = parse(query);
  return {
    operation: document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode,
    fragments: Object.fromEntries(
      document.definitions
        .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
        .map((fragment) => [fragment.name.value, fragment]),
    ),
  };
}

const invoiceId = (number: string): string => encodeGlobalId({ type: 'CustomerInvoice', referenceNumber: number });
const customerId = (number: string): string => encodeGlobalId({ type: 'Customer', number });

/** Operations, each with variables that weigh alike, differently, or that the walk or execution refuses. */
const CASES: ReadonlyArray<{ name: string; query: string; variables: ReadonlyArray<Record<string, unknown> | undefined> }> = [
  {
    name: 'an invoice by number, and a null where the number may not be null',
    query: 'query ($n: ID = "1") { customerInvoice(referenceNumber: $n) { referenceNumber customer { email } lines { amount } } }',
    variables: [{ n: '1000' }, { n: '1001' }, { n: null }, {}, undefined, { n: '1002' }, { n: 5 }],
  },
  {
    name: 'a page whose size and cursor come from variables',
    query:
      'query ($first: Int, $after: String) { customerInvoices(first: $first, after: $after) { nodes { referenceNumber lines { amount } } } }',
    variables: [
      { first: 100 },
      { first: 100, after: 'x' },
      { first: 100, after: null },
      { first: 0 },
      { first: 0, after: 'y' },
      { first: -7 },
      { first: 10 ** 9 },
      {},
      { first: null },
      { first: 'many' },
      { first: 250, after: 'z' },
    ],
  },
  {
    name: 'a cursor inside a literal input and nested pages',
    query: `query ($m: Int!, $status: InvoiceStatus) {
      customerInvoices(first: 20, filter: { status: $status }) { nodes { customer { invoices(first: $m) { totalCount } } } }
    }`,
    variables: [{ m: 3 }, { m: 3, status: 'OPEN' }, { m: 30, status: 'OPEN' }, { m: 3, status: 'NOPE' }, { m: 0 }],
  },
  {
    name: '@skip and @include on fields, inline fragments and spreads',
    query: `query ($lines: Boolean!, $skip: Boolean = false, $n: Int!) {
      customerInvoices(first: $n) { nodes { referenceNumber lines @include(if: $lines) { amount } ...F @skip(if: $skip) ... on CustomerInvoice @include(if: $lines) { customer { email } } } }
    }
    fragment F on CustomerInvoice { balance customer { name } }`,
    variables: [
      { lines: true, n: 10 },
      { lines: false, n: 10 },
      { lines: true, skip: true, n: 10 },
      { lines: false, skip: true, n: 10 },
      { lines: true, n: 11 },
      { lines: null, n: 10 },
    ],
  },
  {
    name: 'a create with and without an idempotency key',
    query: `mutation ($key: String, $input: CreateInvoiceInput!) { createInvoice(idempotencyKey: $key, input: $input) { referenceNumber lines { amount } } }`,
    variables: [
      { input: { customerNumber: '10001', lines: [{ description: 'a', quantity: 1, unitPrice: 1 }] } },
      { key: '0123456789abcdef', input: { customerNumber: '10001', lines: [{ description: 'a', quantity: 1, unitPrice: 1 }] } },
      { key: null, input: { customerNumber: '10001', lines: [{ description: 'a', quantity: 1, unitPrice: 1 }] } },
      { input: { customerNumber: 10001 } },
    ],
  },
  {
    name: 'representations from a variable',
    query: `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on CustomerInvoice { referenceNumber customer { email } } ... on Customer { email } } }`,
    variables: [
      { representations: [{ __typename: 'CustomerInvoice', referenceNumber: '1' }] },
      { representations: [{ __typename: 'CustomerInvoice', referenceNumber: '1' }] },
      {
        representations: [
          { __typename: 'CustomerInvoice', referenceNumber: '1' },
          { __typename: 'CustomerInvoice', referenceNumber: '2' },
          { __typename: 'Customer', number: '7' },
        ],
      },
      { representations: [] },
    ],
  },
  {
    name: 'ids from a variable, and from literals beside it',
    query: `query ($ids: [ID!]!, $id: ID!) { nodes(ids: $ids) { id ... on Customer { email } } one: node(id: "${invoiceId('5')}") { id } two: node(id: $id) { id } }`,
    variables: [
      { ids: [invoiceId('1'), customerId('2')], id: invoiceId('3') },
      { ids: [invoiceId('1'), customerId('2')], id: invoiceId('3') },
      { ids: [invoiceId('1'), invoiceId('1'), 'nope'], id: customerId('9') },
      { ids: [], id: 'nope' },
    ],
  },
  {
    name: 'an operation with no variables at all',
    query: '{ customerInvoices(first: 30) { nodes { referenceNumber customer { email } } } }',
    variables: [undefined, {}, { unused: 1 }],
  },
];

describe('the operation estimates remembered per document', () => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    schema = buildSubgraphSchemaFrom(await buildGatewaySchema());
  });

  it.each(CASES)('gives the walk’s estimate for every request of $name, in any order and again', ({ query, variables }) => {
    const { operation, fragments } = parsed(query);
    const estimates = new OperationEstimates();
    for (const settings of [SETTINGS, CAPPED, SETTINGS]) {
      for (const given of [...variables, ...[...variables].reverse(), ...variables]) {
        expect(estimates.estimate(schema, fragments, operation, given, settings)).toEqual(
          estimateOperation(schema, fragments, operation, given, settings),
        );
      }
    }
  });

  it('walks a document once for variables that weigh alike, and again for those that weigh differently', () => {
    const { operation, fragments } = parsed(CASES[1]!.query);
    const estimates = new OperationEstimates();
    const first = estimates.estimate(schema, fragments, operation, { first: 100 }, SETTINGS);
    expect(estimates.estimate(schema, fragments, operation, { first: 100, after: null }, SETTINGS)).toBe(first);
    const later = estimates.estimate(schema, fragments, operation, { first: 100, after: 'x' }, SETTINGS);
    expect(later).not.toBe(first);
    expect(estimates.estimate(schema, fragments, operation, { first: 100, after: 'y' }, SETTINGS)).toBe(later);
    expect(estimates.estimate(schema, fragments, operation, { first: 100 }, SETTINGS)).toBe(first);
    // Visma's page-size cap changes how many calls a page takes: the remembered estimate is not used.
    expect(estimates.estimate(schema, fragments, operation, { first: 100 }, CAPPED)).not.toBe(first);
  });

  it('walks again for every request whose representations or ids come from variables: they weigh by their content', () => {
    for (const index of [5, 6]) {
      const { operation, fragments } = parsed(CASES[index]!.query);
      const estimates = new OperationEstimates();
      const given = CASES[index]!.variables[0];
      const first = estimates.estimate(schema, fragments, operation, given, SETTINGS);
      expect(estimates.estimate(schema, fragments, operation, given, SETTINGS)).not.toBe(first);
    }
  });

  it(`keeps at most ${ESTIMATES_PER_OPERATION} variants of one operation, the most recent, however many a client sends`, () => {
    const { operation, fragments } = parsed(CASES[1]!.query);
    const estimates = new OperationEstimates();
    const sizes = Array.from({ length: ESTIMATES_PER_OPERATION + 1 }, (_, i) => i + 1);
    const found = sizes.map((first) => estimates.estimate(schema, fragments, operation, { first }, SETTINGS));
    expect(estimates.estimate(schema, fragments, operation, { first: 1 }, SETTINGS)).not.toBe(found[0]);
    expect(estimates.estimate(schema, fragments, operation, { first: sizes.length }, SETTINGS)).toBe(found[sizes.length - 1]);
  });

  it('gives the walk’s estimate for any variables a client may send, one after another on one document', () => {
    const { operation, fragments } = parsed(`query ($first: Int, $after: String, $lines: Boolean!, $key: ID) {
      customerInvoices(first: $first, after: $after) { nodes { referenceNumber lines @include(if: $lines) { amount } } }
      customerInvoice(referenceNumber: $key) { customer { email } }
    }`);
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.integer({ min: -5, max: 3000 }),
      fc.string({ maxLength: 3 }),
      fc.boolean(),
    );
    const variables = fc.record({ first: value, after: value, lines: value, key: value }, { requiredKeys: [] });
    const estimates = new OperationEstimates();
    fc.assert(
      fc.property(fc.array(variables, { minLength: 1, maxLength: 12 }), fc.boolean(), (sequence, capped) => {
        const settings = capped ? CAPPED : SETTINGS;
        for (const given of sequence) {
          expect(estimates.estimate(schema, fragments, operation, given, settings)).toEqual(
            estimateOperation(schema, fragments, operation, given, settings),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
