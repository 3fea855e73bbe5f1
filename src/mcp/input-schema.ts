import {
  GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  isInputType,
  typeFromAST,
  valueFromASTUntyped,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** The JSON Schema (draft 2020-12 subset) of a tool's arguments, as MCP's `inputSchema` carries it. */
export type JsonSchema = { [keyword: string]: unknown };

export interface ToolInputSchema extends JsonSchema {
  type: 'object';
  properties: Record<string, JsonSchema>;
  required?: string[];
}

/**
 * What JSON each scalar takes as input, as its GraphQL definition coerces it: the built-in
 * ones, and the gateway's own with their formats (docs/api.md, "Decisions").
 */
const SCALARS: Readonly<Record<string, JsonSchema>> = {
  String: { type: 'string' },
  ID: { type: 'string' },
  Boolean: { type: 'boolean' },
  Int: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
  Float: { type: 'number' },
  Date: { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
  DateTime: { type: 'string', format: 'date-time' },
  // A string keeps exact digits; a JSON number is taken when it has at most 15 significant digits.
  Decimal: { type: ['string', 'number'], pattern: '^-?[0-9]+(\\.[0-9]+)?$' },
};

/** Enum values the gateway answers with but refuses as input (docs/api.md, "Enums"). */
const OUTPUT_ONLY_ENUM_VALUES: ReadonlySet<string> = new Set(['UNKNOWN']);

/**
 * The arguments of a tool that runs `operation`: one property per variable, by the variable's
 * name, typed from the schema; a non-null variable without a default is required. Each property
 * is described by the variable's type's description and, when the variable is passed straight
 * to an argument, that argument's (`argumentDescriptions`).
 */
export function inputSchemaOf(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  argumentDescriptions: ReadonlyMap<string, string>,
): ToolInputSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    if (type === undefined || !isInputType(type)) {
      throw new TypeError(
        `Variable $${name} of ${operation.name?.value ?? 'an operation'} has a type the schema does not define as input.`,
      );
    }
    const property = jsonSchemaOf(type, new Set());
    const description = argumentDescriptions.get(name);
    if (description !== undefined) property['description'] = description;
    if (definition.defaultValue !== undefined) {
      // As JSON, the way a caller writes it (an enum by its name), not as the resolver receives it.
      property['default'] = valueFromASTUntyped(definition.defaultValue);
    } else if (type instanceof GraphQLNonNull) {
      required.push(name);
    }
    properties[name] = property;
  }
  return { type: 'object', properties, ...(required.length === 0 ? {} : { required }), additionalProperties: false };
}

/**
 * One input type as JSON Schema. Input objects are written out in place (clients and models
 * read a flat schema best); one that contains itself stops at its second appearance, as an
 * object described by its type's name.
 */
function jsonSchemaOf(type: GraphQLInputType, seen: ReadonlySet<string>): JsonSchema {
  const nullable = type instanceof GraphQLNonNull ? type.ofType : type;
  if (nullable instanceof GraphQLList) {
    return { type: 'array', items: jsonSchemaOf(nullable.ofType, seen) };
  }
  if (nullable instanceof GraphQLScalarType) {
    return { ...(SCALARS[nullable.name] ?? {}), ...described(nullable.description) };
  }
  if (nullable instanceof GraphQLEnumType) {
    const values = nullable
      .getValues()
      .filter((value) => !OUTPUT_ONLY_ENUM_VALUES.has(value.name))
      .map((value) => value.name);
    return { type: 'string', enum: values, ...described(nullable.description) };
  }
  const object = nullable;
  if (seen.has(object.name)) {
    return { type: 'object', description: `A ${object.name}, as above.` };
  }
  const inner = new Set([...seen, object.name]);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const field of Object.values(object.getFields())) {
    properties[field.name] = { ...jsonSchemaOf(field.type, inner), ...described(field.description) };
    if (field.type instanceof GraphQLNonNull && field.defaultValue === undefined) required.push(field.name);
  }
  return {
    type: 'object',
    ...described(object.description),
    properties,
    ...(required.length === 0 ? {} : { required }),
    additionalProperties: false,
  };
}

function described(description: string | null | undefined): JsonSchema {
  return description === null || description === undefined || description === '' ? {} : { description };
}
