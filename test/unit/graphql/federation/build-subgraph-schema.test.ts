import { readFileSync } from 'node:fs';
import path from 'node:path';
import { graphql, type GraphQLSchema } from 'graphql';
import { buildGatewaySchema } from '../../../../src/graphql/build-schema';
import { buildSubgraphSchemaFrom, printGatewaySubgraphSchema } from '../../../../src/graphql/federation/build-subgraph-schema';
import { FEDERATION_SPEC_URL } from '../../../../src/graphql/federation/federation-link';

const SUBGRAPH_FILE = path.join(__dirname, '..', '..', '..', '..', 'schema', 'subgraph.graphql');

describe('buildSubgraphSchemaFrom', () => {
  let schema: GraphQLSchema;
  let sdl: string;

  beforeAll(async () => {
    schema = buildSubgraphSchemaFrom(await buildGatewaySchema());
    sdl = printGatewaySubgraphSchema(schema);
  });

  it('matches the committed schema/subgraph.graphql (run "npm run schema:subgraph" after changing the schema)', () => {
    expect(readFileSync(SUBGRAPH_FILE, 'utf8')).toBe(sdl);
  });

  it('answers _service { sdl } with the same SDL, directives included', async () => {
    const result = await graphql({ schema, source: '{ _service { sdl } }' });
    expect(result.errors).toBeUndefined();
    expect(`${(result.data?.['_service'] as { sdl: string }).sdl.trim()}\n`).toBe(sdl);
  });

  it('links a pinned Federation 2 version and imports the directives it uses', () => {
    expect(FEDERATION_SPEC_URL).toMatch(/^https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+$/);
    expect(sdl).toContain(
      `@link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@shareable", "@external", "@provides", "@tag", "@inaccessible"])`,
    );
  });

  it('makes CustomerInvoice an entity keyed by referenceNumber, tagged for contracts', () => {
    expect(typeBlock('CustomerInvoice')).toMatch(
      /^type CustomerInvoice implements Node\s+@key\(fields: "referenceNumber"\)\s+@tag\(name: "invoices"\)\s*\{/,
    );
  });

  it('contributes to Customer (keyed by number) without claiming its name, which invoices provide', () => {
    const customer = typeBlock('Customer');
    expect(customer).toMatch(/^type Customer implements Node\s+@key\(fields: "number"\)\s*\{/);
    expect(customer).toMatch(/\n\s+name: String @external\n/);
    expect(customer).toMatch(/\n\s+internalId: Int @inaccessible\n/);
    expect(customer).toMatch(/\): CustomerInvoiceConnection! @tag\(name: "invoices"\)/);
    const invoice = typeBlock('CustomerInvoice');
    expect(invoice).toMatch(/\n\s+customer: Customer @provides\(fields: "name"\)\n/);
    expect(invoice).toMatch(/\n\s+childCustomer: Customer @provides\(fields: "name"\)\n/);
  });

  it("gives the entities and lines Relay's Node id as this subgraph's own field, not shared: one object, one id", () => {
    expect(sdl).toMatch(/\ninterface Node \{[^}]*\n\s+id: ID!\n\}/);
    for (const name of ['CustomerInvoice', 'Customer', 'InvoiceLine']) {
      expect(typeBlock(name)).toMatch(new RegExp(`^type ${name} implements Node\\b`));
      expect(typeBlock(name)).toMatch(/\n\s+id: ID!\n/);
    }
  });

  it('shares PageInfo, which other subgraphs define identically', () => {
    expect(typeBlock('PageInfo')).toMatch(/^type PageInfo\s+@shareable\s*\{/);
  });

  it('adds _entities and _service beside the API queries', () => {
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).sort()).toEqual([
      '_entities',
      '_service',
      'customerInvoice',
      'customerInvoices',
      'node',
      'nodes',
    ]);
  });

  /** One type's definition as printed, from its `type` line to its closing brace. */
  function typeBlock(name: string): string {
    const match = new RegExp(`(?:^|\\n)(type ${name}\\b[\\s\\S]*?\\n\\})`).exec(sdl);
    if (match?.[1] === undefined) {
      throw new Error(`type ${name} is not in the subgraph SDL`);
    }
    return match[1];
  }
});
