import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { buildGatewaySchema } from '../../../src/graphql/build-schema';
import { buildTools, toolNameOf } from '../../../src/mcp';
import { parseManifest, sha256Hex, type TrustedDocument } from '../../../src/trusted-documents';

const MANIFEST = path.join(__dirname, '..', '..', '..', 'operations', 'trusted-documents.json');

function trusted(body: string, operationName: string, operationType: TrustedDocument['operationType']): TrustedDocument {
  return { id: sha256Hex(body), body, operationName, operationType };
}

describe('MCP tools from trusted operations', () => {
  let schema: GraphQLSchema;
  let documents: readonly TrustedDocument[];

  beforeAll(async () => {
    schema = await buildGatewaySchema();
    documents = parseManifest(readFileSync(MANIFEST, 'utf8'), 'operations/trusted-documents.json').list();
  });

  it.each([
    ['ListInvoices', 'list_invoices'],
    ['Invoice', 'invoice'],
    ['createInvoice', 'create_invoice'],
    ['UpdateInvoiceLines', 'update_invoice_lines'],
    ['getV2Invoice', 'get_v2_invoice'],
    ['HTTPStatus', 'http_status'],
  ])('names the tool of %s %s', (operationName, tool) => {
    expect(toolNameOf(operationName)).toBe(tool);
  });

  it('makes every trusted query a tool and leaves mutations out unless enabled, without problems', () => {
    const { tools, problems } = buildTools(documents, schema, new Set());
    expect(problems).toEqual([]);
    expect(tools.map((tool) => tool.name).sort()).toEqual(['invoice', 'list_invoices']);
    expect(tools.every((tool) => tool.retryGuard === undefined)).toBe(true);
  });

  it('describes a tool by its root field, and by the comment above the operation when the body keeps one', () => {
    const invoice = buildTools(documents, schema, new Set()).tools.find((tool) => tool.name === 'invoice');
    const description = schema.getQueryType()?.getFields()['customerInvoice']?.description ?? '';
    expect(description).not.toBe('');
    expect(invoice?.description).toBe(`customerInvoice: ${description}`);

    const body =
      '# Reads one invoice for an agent.\n# Null when there is none.\nquery One($n: ID!) { customerInvoice(referenceNumber: $n) { id } }';
    const [tool] = buildTools([trusted(body, 'One', 'query')], schema, new Set()).tools;
    expect(tool?.description).toBe(`Reads one invoice for an agent. Null when there is none.\n\ncustomerInvoice: ${description}`);
  });

  it('types variables from the schema: scalars with formats, enums without UNKNOWN, input objects, lists, non-null as required', () => {
    const [create] = buildTools(documents, schema, new Set(['CreateInvoice'])).tools.filter((tool) => tool.name === 'create_invoice');
    const input = create?.inputSchema.properties['input'] as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, Record<string, unknown>>;
    };
    expect(create?.inputSchema.required).toEqual(['input', 'idempotencyKey']);
    expect(input.required).toEqual(expect.arrayContaining(['customerNumber', 'lines']));
    expect(input.additionalProperties).toBe(false);
    expect(input.properties['documentDate']).toMatchObject({ type: 'string', format: 'date' });
    const lines = input.properties['lines'] as { type: string; items: { properties: Record<string, Record<string, unknown>> } };
    expect(lines.type).toBe('array');
    expect(lines.items.properties['quantity']).toMatchObject({ type: ['string', 'number'] });
    expect(create?.inputSchema.properties['idempotencyKey']?.['description']).toEqual(expect.stringContaining('Required here'));
  });

  it('requires expectedVersion of a change: its retry then fails with CONFLICT instead of applying twice', () => {
    const { tools, problems } = buildTools(documents, schema, new Set(['UpdateInvoiceLines']));
    expect(problems).toEqual([]);
    const update = tools.find((tool) => tool.name === 'update_invoice_lines');
    expect(update?.retryGuard).toEqual({ variable: 'expectedVersion', argument: 'expectedVersion' });
    expect(update?.inputSchema.required).toEqual(['referenceNumber', 'lines', 'expectedVersion']);
    expect(update?.inputSchema.properties['dryRun']).toMatchObject({ type: 'boolean', default: false });
  });

  it('refuses an enabled mutation that does not pass its retry guard from a variable', () => {
    const body = 'mutation Release($n: ID!) { releaseInvoice(referenceNumber: $n) { actionId } }';
    const { tools, problems } = buildTools([trusted(body, 'Release', 'mutation')], schema, new Set(['Release']));
    expect(tools).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/^Release: an MCP mutation tool must pass idempotencyKey or expectedVersion/)]);
  });

  it('refuses an enabled mutation with a variable of its own named dryRun', () => {
    const body =
      'mutation Create($input: CreateInvoiceInput!, $key: String, $dryRun: Boolean) { createInvoice(input: $input, idempotencyKey: $key) @include(if: $dryRun) { id } }';
    const { problems } = buildTools([trusted(body, 'Create', 'mutation')], schema, new Set(['Create']));
    expect(problems).toEqual([expect.stringContaining('$dryRun')]);
  });

  it('reports an enabled name that is no trusted mutation, and a second operation with the same tool name', () => {
    const first = trusted('query Invoice($n: ID!) { customerInvoice(referenceNumber: $n) { id } }', 'Invoice', 'query');
    const second = trusted('query invoice($n: ID!) { customerInvoice(referenceNumber: $n) { referenceNumber } }', 'invoice', 'query');
    const { tools, problems } = buildTools([first, second], schema, new Set(['Invoice']));
    expect(tools.map((tool) => tool.document.operationName)).toEqual(['Invoice']);
    expect(problems).toEqual([
      'invoice: another trusted operation already has the tool name invoice.',
      'Invoice: MCP_MUTATIONS names it, but no trusted mutation has that name.',
    ]);
  });

  it('makes no tool of a subscription', () => {
    const body = 'subscription Changes { __typename }';
    expect(buildTools([trusted(body, 'Changes', 'subscription')], schema, new Set(['Changes'])).tools).toEqual([]);
  });
});
