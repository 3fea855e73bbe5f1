import {
  Kind,
  OperationTypeNode,
  parse,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import type { TrustedDocument } from '../trusted-documents';
import { inputSchemaOf, type ToolInputSchema } from './input-schema';

/**
 * The tools /mcp offers: one per trusted operation (docs/mcp.md). Queries are tools; a mutation
 * only when its operation is named in MCP_MUTATIONS, and then only when it can be made safe to
 * repeat: it must pass its root field's `idempotencyKey` (a create) or `expectedVersion` (a
 * change) from a variable, which the tool requires, and it takes `dryRun`.
 */
export interface OperationTool {
  /** The operation's name in snake_case: `ListInvoices` is `list_invoices`. */
  name: string;
  description: string;
  inputSchema: ToolInputSchema;
  document: TrustedDocument;
  /** For a mutation: the variable every call must give, and the argument it is passed to. */
  retryGuard?: { variable: string; argument: RetryGuardArgument };
}

type RetryGuardArgument = 'idempotencyKey' | 'expectedVersion';

/** The argument a mutation tool takes to describe its Visma calls instead of making them. */
export const DRY_RUN_ARGUMENT = 'dryRun';

/** The arguments, in order of preference, that make a repeated call of a mutation harmless. */
const RETRY_GUARDS: readonly RetryGuardArgument[] = ['idempotencyKey', 'expectedVersion'];

const RETRY_GUARD_TEXT: Readonly<Record<RetryGuardArgument, string>> = {
  idempotencyKey:
    'Required here: the same key with the same input returns the same invoice and never creates a second one, so a retry is safe. Make one key (a UUID) per intended invoice.',
  expectedVersion:
    'Required here: the version of the invoice you read (its `version`). A change is refused with CONFLICT when the invoice changed since, so a retry never applies it twice.',
};

export interface ToolSet {
  tools: OperationTool[];
  /** Trusted operations that could not become tools, each with why (logged; at start, MCP_MUTATIONS naming one fails the start). */
  problems: string[];
}

/** `ListInvoices` → `list_invoices`, `createInvoice` → `create_invoice`, `getV2Invoice` → `get_v2_invoice`. */
export function toolNameOf(operationName: string): string {
  return operationName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The tools of a set of trusted documents against the schema. A document whose operation is a
 * subscription, or a mutation not enabled, is no tool and no problem; two operations with one
 * tool name keep the first (the manifest's order) and report the second.
 */
export function buildTools(documents: readonly TrustedDocument[], schema: GraphQLSchema, enabledMutations: ReadonlySet<string>): ToolSet {
  const tools: OperationTool[] = [];
  const problems: string[] = [];
  const names = new Set<string>();
  for (const document of documents) {
    if (document.operationType === 'subscription') continue;
    if (document.operationType === 'mutation' && !enabledMutations.has(document.operationName)) continue;
    try {
      const tool = toolOf(document, schema);
      if (names.has(tool.name)) {
        problems.push(`${document.operationName}: another trusted operation already has the tool name ${tool.name}.`);
        continue;
      }
      names.add(tool.name);
      tools.push(tool);
    } catch (error) {
      problems.push(`${document.operationName}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const name of enabledMutations) {
    if (!documents.some((document) => document.operationType === 'mutation' && document.operationName === name)) {
      problems.push(`${name}: MCP_MUTATIONS names it, but no trusted mutation has that name.`);
    }
  }
  return { tools, problems };
}

function toolOf(document: TrustedDocument, schema: GraphQLSchema): OperationTool {
  const parsed = parse(document.body);
  const operation = parsed.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.name?.value === document.operationName,
  );
  if (operation === undefined) throw new TypeError('the document does not define the operation it is listed under.');
  const rootType = operation.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : schema.getQueryType();
  if (rootType === null || rootType === undefined) throw new TypeError(`the schema has no ${operation.operation} type.`);
  const rootFields = operation.selectionSet.selections
    .filter((selection): selection is FieldNode => selection.kind === Kind.FIELD)
    .map((node) => ({ node, field: rootType.getFields()[node.name.value] }))
    .filter((entry): entry is { node: FieldNode; field: GraphQLField<unknown, unknown> } => entry.field !== undefined);

  const argumentDescriptions = new Map<string, string>();
  const passedTo = new Map<string, string>();
  for (const { node, field } of rootFields) {
    for (const argument of node.arguments ?? []) {
      const variable = variableOf(argument.value);
      const definition = field.args.find((candidate) => candidate.name === argument.name.value);
      if (variable === undefined || definition === undefined) continue;
      passedTo.set(argument.name.value, variable);
      if (definition.description !== undefined && definition.description !== null) {
        argumentDescriptions.set(variable, definition.description);
      }
    }
  }
  const inputSchema = inputSchemaOf(schema, operation, argumentDescriptions);
  const comment = leadingComment(document.body, operation);
  const fields = rootFields.map(({ field }) => `${field.name}: ${field.description ?? ''}`.trim());
  const tool: OperationTool = {
    name: toolNameOf(document.operationName),
    description: [comment, ...fields].filter((part) => part !== '').join('\n\n'),
    inputSchema,
    document,
  };
  if (operation.operation !== OperationTypeNode.MUTATION) return tool;

  const argument = RETRY_GUARDS.find((name) => passedTo.has(name));
  const variable = argument === undefined ? undefined : passedTo.get(argument);
  if (argument === undefined || variable === undefined) {
    throw new TypeError(
      `an MCP mutation tool must pass ${RETRY_GUARDS.join(' or ')} from a variable, so that a repeated call cannot write twice; this operation passes neither.`,
    );
  }
  if (DRY_RUN_ARGUMENT in inputSchema.properties) {
    throw new TypeError(`the operation has a variable $${DRY_RUN_ARGUMENT}, which a mutation tool takes for itself.`);
  }
  const guarded = inputSchema.properties[variable] ?? {};
  inputSchema.properties[variable] = {
    ...guarded,
    description: [guarded['description'], RETRY_GUARD_TEXT[argument]].filter(Boolean).join(' '),
  };
  inputSchema.required = [...new Set([...(inputSchema.required ?? []), variable])];
  inputSchema.properties[DRY_RUN_ARGUMENT] = {
    type: 'boolean',
    default: false,
    description:
      'true: check the input exactly as the real call would and answer with the Visma calls it would make (method, path, body in Visma’s format), sending none.',
  };
  return {
    ...tool,
    description: `${tool.description}\n\nA write to Visma. Requires ${variable}; call it with ${DRY_RUN_ARGUMENT}: true first to see what it would send.`,
    retryGuard: { variable, argument },
  };
}

function variableOf(value: ValueNode): string | undefined {
  return value.kind === Kind.VARIABLE ? value.name.value : undefined;
}

/**
 * The `#` comment lines right above the operation, joined: what the operation's author wrote
 * about it. A manifest built by a printer has none (it drops comments); the schema's
 * descriptions still describe the tool.
 */
function leadingComment(body: string, operation: OperationDefinitionNode): string {
  const start = operation.loc?.start ?? 0;
  const lines = body.slice(0, start).split('\n');
  const comment: string[] = [];
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = (lines[index] ?? '').trim();
    if (line === '' && comment.length === 0) continue;
    if (!line.startsWith('#')) break;
    comment.unshift(line.replace(/^#+\s?/, ''));
  }
  return comment.join(' ').trim();
}
