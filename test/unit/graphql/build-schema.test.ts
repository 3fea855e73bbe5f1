import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isEnumType, isInputObjectType, isObjectType, isScalarType, isSpecifiedScalarType, type GraphQLSchema } from 'graphql';
import { buildGatewaySchema, printGatewaySchema } from '../../../src/graphql/build-schema';

const SCHEMA_FILE = path.join(__dirname, '..', '..', '..', 'schema', 'schema.graphql');

describe('buildGatewaySchema', () => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  const ownTypes = (): ReturnType<GraphQLSchema['getTypeMap']>[string][] =>
    Object.values(schema.getTypeMap()).filter(
      (type) => !type.name.startsWith('__') && !(isScalarType(type) && isSpecifiedScalarType(type)),
    );

  it('matches the committed schema/schema.graphql (run "npm run schema:emit" after changing the schema)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printGatewaySchema(schema));
  });

  it('describes every type, field, argument, input field and enum value', () => {
    const undocumented: string[] = [];
    for (const type of ownTypes()) {
      if (!type.description) undocumented.push(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) undocumented.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) undocumented.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) {
          if (!value.description) undocumented.push(`${type.name}.${value.name}`);
        }
      }
    }
    // Query, Mutation and Subscription are GraphQL's root types; their fields are what carry meaning.
    expect(undocumented.filter((name) => name !== 'Query' && name !== 'Mutation' && name !== 'Subscription')).toEqual([]);
  });

  it("shows no trace of Visma's wire format in what it returns", () => {
    const offending: string[] = [];
    for (const type of ownTypes()) {
      if (!isObjectType(type)) continue;
      for (const field of Object.keys(type.getFields())) {
        if (['value', 'metadata', 'errorInfo'].includes(field) || !/^[a-z][A-Za-z0-9]*$/.test(field)) {
          offending.push(`${type.name}.${field}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('names enum values in SCREAMING_CASE', () => {
    for (const type of ownTypes()) {
      if (!isEnumType(type)) continue;
      for (const value of type.getValues()) {
        expect(value.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      }
    }
  });

  it('offers the queries and mutations of the issue', () => {
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).sort()).toEqual(['customerInvoice', 'customerInvoices', 'node', 'nodes']);
    expect(Object.keys(schema.getMutationType()?.getFields() ?? {}).sort()).toEqual([
      'createInvoice',
      'releaseInvoice',
      'updateInvoiceLines',
    ]);
  });
});
