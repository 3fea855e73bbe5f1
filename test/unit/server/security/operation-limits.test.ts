import { parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { buildGatewaySchema } from '../../../../src/graphql/build-schema';
import { OPERATION_LIMITS, operationLimitRules, operationParseOptions } from '../../../../src/server/security/operation-limits';
import { FULL_INVOICE_SELECTION } from '../../../integration/helpers/gateway-harness';

describe('operation limits', () => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  function problemsOf(query: string): string[] {
    const document = parse(query, operationParseOptions());
    return validate(schema, document, [...specifiedRules, ...operationLimitRules()]).map((error) => error.message);
  }

  it('accepts the largest real operation: every field of an invoice and its lines, in edges and in nodes', () => {
    const query = `{ customerInvoices(first: 5) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { ${FULL_INVOICE_SELECTION} } } nodes { ${FULL_INVOICE_SELECTION} } } }`;
    expect(problemsOf(query)).toEqual([]);
  });

  it(`refuses an operation deeper than ${OPERATION_LIMITS.maxDepth} fields, whether the fields exist or not`, () => {
    const deep = (levels: number) => `{ ${'f { '.repeat(levels - 1)}f${' }'.repeat(levels - 1)} }`;
    expect(problemsOf(deep(OPERATION_LIMITS.maxDepth)).filter((message) => message.startsWith('Query depth'))).toEqual([]);
    expect(problemsOf(deep(OPERATION_LIMITS.maxDepth + 1))).toContain(
      `Query depth limit of ${OPERATION_LIMITS.maxDepth} exceeded, found ${OPERATION_LIMITS.maxDepth + 1}.`,
    );
  });

  it('counts depth through fragments', () => {
    const limits = { ...OPERATION_LIMITS, maxDepth: 4 };
    const document = parse(
      '{ customerInvoices { edges { node { ...Lines } } } } fragment Lines on CustomerInvoice { lines { subaccount { number } } }',
    );
    expect(validate(schema, document, operationLimitRules(limits)).map((error) => error.message)).toEqual([
      'Query depth limit of 4 exceeded, found 6.',
    ]);
  });

  it(`refuses more than ${OPERATION_LIMITS.maxAliases} aliases and lets __typename aliases pass`, () => {
    const aliases = (count: number) =>
      `{ ${Array.from({ length: count }, (_, i) => `a${i}: customerInvoice(referenceNumber: "${i}") { referenceNumber }`).join(' ')} }`;
    expect(problemsOf(aliases(OPERATION_LIMITS.maxAliases))).toEqual([]);
    expect(problemsOf(aliases(OPERATION_LIMITS.maxAliases + 1))).toEqual([
      `Aliases limit of ${OPERATION_LIMITS.maxAliases} exceeded, found ${OPERATION_LIMITS.maxAliases + 1}.`,
    ]);
    expect(problemsOf(`{ ${Array.from({ length: 40 }, (_, i) => `t${i}: __typename`).join(' ')} }`)).toEqual([]);
  });

  it(`refuses more than ${OPERATION_LIMITS.maxDirectives} directives`, () => {
    const directives = (count: number) => `query ($x: Boolean!) { __typename ${'@include(if: $x) '.repeat(count)} }`;
    expect(problemsOf(directives(OPERATION_LIMITS.maxDirectives)).filter((message) => message.startsWith('Directives'))).toEqual([]);
    expect(problemsOf(directives(OPERATION_LIMITS.maxDirectives + 1))).toContain(
      `Directives limit of ${OPERATION_LIMITS.maxDirectives} exceeded, found ${OPERATION_LIMITS.maxDirectives + 1}.`,
    );
  });

  it(`stops parsing after ${OPERATION_LIMITS.maxTokens} tokens, before any AST is built`, () => {
    const tokens = (count: number) => `{ ${'__typename '.repeat(count - 2)}}`;
    expect(() => parse(tokens(OPERATION_LIMITS.maxTokens), operationParseOptions())).not.toThrow();
    expect(() => parse(tokens(OPERATION_LIMITS.maxTokens + 1), operationParseOptions())).toThrow(
      `Syntax Error: Document contains more that ${OPERATION_LIMITS.maxTokens} tokens. Parsing aborted.`,
    );
  });
});
