#!/usr/bin/env node
// Writes a structure-only extract of Visma's CustomerInvoice OpenAPI slice (names, types,
// formats, enums, references, parameters and status codes; no prose) to
// test/contract/visma-openapi.extract.json. The extract is committed and the YAML is not, so the
// contract tests run on any clone; this script is needed only when Visma's description changes
// (its source is in docs/visma-contract.md, section 0).
// Usage: node scripts/extract-spec.js <path/to/customerinvoice-openapi.yml>
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const source = process.argv[2];
if (source === undefined) {
  console.error(
    'usage: node scripts/extract-spec.js <path/to/customerinvoice-openapi.yml>\n' +
      "Writes test/contract/visma-openapi.extract.json from Visma's CustomerInvoice OpenAPI slice (see docs/visma-contract.md, section 0).",
  );
  process.exit(2);
}
const target = path.join(__dirname, '../test/contract/visma-openapi.extract.json');
const doc = YAML.parse(fs.readFileSync(source, 'utf8'), { maxAliasCount: -1 });

const SCHEMA_KEYS = [
  'type',
  'format',
  'enum',
  '$ref',
  'items',
  'properties',
  'required',
  'allOf',
  'oneOf',
  'anyOf',
  'additionalProperties',
  'nullable',
  'deprecated',
];

function structure(schema) {
  if (Array.isArray(schema)) return schema.map(structure);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const key of SCHEMA_KEYS) {
    if (!(key in schema)) continue;
    const value = schema[key];
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, structure(s)]));
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out[key] = structure(value);
    } else if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') {
      out[key] = value.map(structure);
    } else {
      out[key] = value;
    }
  }
  return out;
}

const paths = {};
for (const [route, item] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (typeof op !== 'object' || !op.responses) continue;
    paths[route] ??= {};
    paths[route][method] = {
      operationId: op.operationId,
      deprecated: op.deprecated === true || undefined,
      parameters: (op.parameters ?? []).map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required === true,
        schema: structure(p.schema),
      })),
      requestBody: op.requestBody
        ? Object.fromEntries(Object.entries(op.requestBody.content ?? {}).map(([type, c]) => [type, structure(c.schema)]))
        : undefined,
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, r]) => [
          status,
          r.content?.['application/json'] ? structure(r.content['application/json'].schema) : null,
        ]),
      ),
    };
  }
}

const schemas = Object.fromEntries(
  Object.entries(doc.components.schemas)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => [name, structure(s)]),
);

const extract = {
  note: 'Structure-only extract of Visma.net ERP CustomerInvoice OpenAPI (no prose). Regenerate with scripts/extract-spec.js.',
  servers: (doc.servers ?? []).map((s) => s.url),
  paths,
  schemas,
};
fs.writeFileSync(target, JSON.stringify(extract, null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), target)}: ${Object.keys(paths).length} paths, ${Object.keys(schemas).length} schemas`);
