/**
 * Loads the committed spec extract and compiles its schemas with ajv, made strict for
 * contract tests: `additionalProperties: false` everywhere, so a misspelt or invented field
 * fails. Two relaxations, both because the spec cannot say what .NET really sends:
 * - every property may be `null` (the spec has no `nullable`, yet Visma emits nulls);
 * - `date-time` admits a missing zone and a bare date (.NET writes `2025-01-27T00:00:00`
 *   and reads `2025-01-27`, CONTRACT §2.2), checked by the `visma-date-time` format.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type SchemaNode = { [key: string]: unknown };

export interface SpecExtract {
  paths: Record<string, Record<string, SchemaNode>>;
  schemas: Record<string, SchemaNode>;
}

export function loadSpec(): SpecExtract {
  return JSON.parse(readFileSync(join(__dirname, 'visma-openapi.extract.json'), 'utf8')) as SpecExtract;
}

const REF_PREFIX = '#/components/schemas/';

export function refName(node: unknown): string | null {
  const ref = (node as SchemaNode | undefined)?.$ref;
  return typeof ref === 'string' && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : null;
}

interface StrictOptions {
  /** Require every declared property (the simulator emits every key of read DTOs). */
  requireAll: boolean;
}

function nullable(node: SchemaNode): SchemaNode {
  if (typeof node.$ref === 'string') return { anyOf: [node, { type: 'null' }] };
  const copy: SchemaNode = { ...node };
  if (typeof copy.type === 'string') copy.type = [copy.type, 'null'];
  if (Array.isArray(copy.enum)) copy.enum = [...(copy.enum as unknown[]), null];
  return copy;
}

function strict(node: SchemaNode, options: StrictOptions, isProperty: boolean): SchemaNode {
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = `visma#/definitions/${value.slice(REF_PREFIX.length)}`;
    else if (key === 'format' && value === 'date-time') out.format = 'visma-date-time';
    else if (key === 'properties' && typeof value === 'object' && value !== null) {
      const properties: SchemaNode = {};
      for (const [name, child] of Object.entries(value as SchemaNode)) properties[name] = strict(child as SchemaNode, options, true);
      out.properties = properties;
      // Inline schemas (`…InCustomerInvoiceDto`) declare properties without `type: object`.
      out.type ??= 'object';
      out.additionalProperties = false;
      if (options.requireAll) out.required = Object.keys(properties);
    } else if (key === 'items') out.items = strict(value as SchemaNode, options, false);
    else out[key] = value;
  }
  return isProperty ? nullable(out) : out;
}

export interface CompiledSpec {
  validator(schemaName: string): ValidateFunction;
}

export function compileSpec(spec: SpecExtract, options: StrictOptions): CompiledSpec {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('visma-date-time', /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/);
  const definitions: SchemaNode = {};
  for (const [name, schema] of Object.entries(spec.schemas)) definitions[name] = strict(schema, options, false);
  ajv.addSchema({ $id: 'visma', definitions });
  return {
    validator: (schemaName) => {
      const validate = ajv.getSchema(`visma#/definitions/${schemaName}`);
      if (!validate) throw new Error(`no schema ${schemaName} in the extract`);
      return validate;
    },
  };
}
