import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type NamedTypeNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type FragmentSpreadNode,
  type ValueNode,
} from 'graphql';
import { decodeGlobalId, type NodeKey } from '../../graphql/node/global-id';

/**
 * What one operation will do, worked out from its document, its variables and the schema before
 * anything runs: a page size from a variable weighs what the same literal weighs, an argument
 * left out weighs its schema default, and list sizes multiply down nested lists. Every list is
 * counted full, every customer distinct: the most the operation can cost, not the likely cost.
 */
export interface OperationEstimate {
  /** Values in the response: one per scalar, object or list, each list item counted. */
  cost: number;
  /** Invoices the operation reads and answers with: pages counted at their `first`, entity look-ups, single reads, write results. */
  invoices: number;
  /**
   * Upstream calls the operation will make at the least: list pages (one list per parent row for a
   * nested list), invoice look-ups, `_entities` look-ups (distinct numbers), writes and their
   * read-backs, and a customer look-up for each customer the request names (an entity) or reads
   * once (a single invoice's). How many distinct customers a page of invoices holds depends on
   * the data, so it counts as one; calls like it (those and a count for an empty page, a page read
   * again because Visma capped its size) are counted by the invoices service as they are made.
   */
  upstreamCalls: number;
  /** Representations in all of the operation's `_entities` fields. */
  entityRepresentations: number;
  /** Ids in all of the operation's `node` and `nodes` fields. */
  nodeIds: number;
}

export interface EstimateSettings {
  /** MAX_PAGE_SIZE: a larger `first` is refused by the field itself (BAD_USER_INPUT), so it is counted at the cap. */
  maxPageSize: number;
  /** Visma's page-size cap as the gateway last saw it: a window of `first` invoices takes ceil(first / this) list calls. */
  upstreamPageSize: number;
}

/** Fields with a page size (`first`, up to MAX_PAGE_SIZE): one window of that many invoices. */
const CONNECTIONS: ReadonlySet<string> = new Set(['Query.customerInvoices', 'Customer.invoices']);
/** The lists of a connection: as many items as its `first`. */
const PAGE_ITEMS: ReadonlySet<string> = new Set(['CustomerInvoiceConnection.edges', 'CustomerInvoiceConnection.nodes']);
/**
 * Lists with no size argument, at the size assumed for them: an invoice's lines (the demo data
 * has 1 to 25, most 1 to 5; ten leaves room for real invoices), and the short lists beside them.
 * test/unit/server/security/operation-cost.test.ts fails when the schema gains a list that is in
 * none of these tables.
 */
export const ASSUMED_LIST_SIZES: Readonly<Record<string, number>> = Object.freeze({
  'CustomerInvoice.lines': 10,
  'CustomerInvoice.taxDetails': 3,
  'CustomerInvoice.applications': 3,
  'CustomerInvoice.attachments': 2,
  'InvoiceLine.attachments': 2,
  'Subaccount.segments': 3,
});
/**
 * Root fields that read (or write and read back) one invoice, with their upstream calls: a read
 * is one GET; a write is the write and its read-back; a create with an idempotency key may look
 * Visma up for its stamp first.
 */
const INVOICE_FIELDS: Readonly<Record<string, (args: Record<string, unknown>) => number>> = Object.freeze({
  'Query.customerInvoice': () => 1,
  'Mutation.createInvoice': (args: Record<string, unknown>) => (args['idempotencyKey'] == null ? 2 : 3),
  'Mutation.updateInvoiceLines': () => 2,
  'Mutation.releaseInvoice': () => 2,
  // Each event: the changed invoice, read once per change for every subscriber (docs/subscriptions.md).
  'Subscription.invoiceChanged': () => 1,
});
/** Customer fields the invoice carries (or a list of its own, or made from its number); any other reads the customer register once per customer. */
const CUSTOMER_FIELDS_WITHOUT_LOOKUP: ReadonlySet<string> = new Set(['id', 'number', 'name', 'invoices', '__typename']);
const ENTITIES = 'Query._entities';
/** Relay's refetch fields, with where their ids are: one id, or a list of them. */
const NODE_FIELDS: Readonly<Record<string, (args: Record<string, unknown>) => unknown[]>> = Object.freeze({
  'Query.node': (args: Record<string, unknown>) => [args['id']],
  'Query.nodes': (args: Record<string, unknown>) => {
    const ids: unknown = args['ids'];
    return Array.isArray(ids) ? (ids as unknown[]) : [ids];
  },
});
/** A list the tables above do not size (`unsizedListFields` keeps the schema from having one). */
const DEFAULT_LIST_SIZE = 10;

/** The schema's list fields that no table above sizes: a new list must be given a size here. */
export function unsizedListFields(schema: GraphQLSchema): string[] {
  const unsized: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      const sizedByArguments = key === ENTITIES || NODE_FIELDS[key] !== undefined;
      if (isListType(getNullableType(field.type)) && !PAGE_ITEMS.has(key) && ASSUMED_LIST_SIZES[key] === undefined && !sizedByArguments) {
        unsized.push(key);
      }
    }
  }
  return unsized;
}

interface Measure {
  cost: number;
  invoices: number;
  calls: number;
  /** Customer register look-ups: the request's loader makes one per distinct customer. */
  lookups: number;
}

const NOTHING: Measure = Object.freeze({ cost: 0, invoices: 0, calls: 0, lookups: 0 });
const ONE_VALUE: Measure = Object.freeze({ cost: 1, invoices: 0, calls: 0, lookups: 0 });

function plus(a: Measure, b: Measure): Measure {
  return { cost: a.cost + b.cost, invoices: a.invoices + b.invoices, calls: a.calls + b.calls, lookups: a.lookups + b.lookups };
}

/**
 * `count` items of one measure. Their customers are `distinctCustomers` at the least: as many as
 * the items when the request names each (entities), one when they come from Visma's data.
 */
function times(measure: Measure, count: number, distinctCustomers: number = Math.min(count, 1)): Measure {
  // 0 × Infinity is NaN; no items cost nothing whatever one item would.
  if (count === 0) return NOTHING;
  return {
    cost: measure.cost * count,
    invoices: measure.invoices * count,
    calls: measure.calls * count,
    lookups: measure.lookups * distinctCustomers,
  };
}

/**
 * The estimate of `operation` with the request's raw variables, or null when the variables do not
 * coerce: execution then refuses the operation itself (BAD_USER_INPUT) before any upstream call.
 */
export function estimateOperation(
  schema: GraphQLSchema,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  operation: OperationDefinitionNode,
  rawVariables: Readonly<Record<string, unknown>> | undefined,
  settings: EstimateSettings,
): OperationEstimate | null {
  const variables = coerceVariables(schema, operation, rawVariables);
  return variables === null ? null : walk(schema, fragments, operation, variables, settings, undefined);
}

function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  rawVariables: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> | null {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, { maxErrors: 1 });
  return coerced.errors === undefined ? coerced.coerced : null;
}

function walk(
  schema: GraphQLSchema,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  settings: EstimateSettings,
  recorder: Recorder | undefined,
): OperationEstimate | null {
  const root = schema.getRootType(operation.operation);
  if (root === undefined || root === null) {
    return null;
  }
  const estimator = new Estimator(schema, fragments, variables, settings, recorder);
  const measure = estimator.selection(root, [operation.selectionSet], null);
  return {
    cost: measure.cost,
    invoices: measure.invoices,
    upstreamCalls: measure.calls + measure.lookups,
    entityRepresentations: estimator.entityRepresentations,
    nodeIds: estimator.nodeIds,
  };
}

/** Estimates remembered per operation (the variants of its variables that weigh differently); past this the oldest goes. */
export const ESTIMATES_PER_OPERATION = 8;

/**
 * A check that a remembered estimate still holds for a request's variables: one place where the
 * walk read a variable, and what it made of it then. The walk reads variables nowhere else, so
 * when every check reads the same, the walk would take the same path and find the same estimate.
 */
type Guard =
  | { kind: 'arguments'; key: string; field: GraphQLField<unknown, unknown>; node: FieldNode; reading: string }
  | { kind: 'directives'; node: FieldNode | InlineFragmentNode | FragmentSpreadNode; included: boolean };

interface Remembered {
  schema: GraphQLSchema;
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  maxPageSize: number;
  upstreamPageSize: number;
  guards: readonly Guard[];
  estimate: OperationEstimate | null;
}

/** Notes, during one walk, where it read the variables; `exact` is false once it read them in a way no guard can check. */
class Recorder {
  readonly guards: Guard[] = [];
  exact = true;
}

/**
 * `estimateOperation` remembered per operation: the walk runs once per document (Apollo keeps
 * one parsed document per query text) and for each variant of its variables that weighs
 * differently, and each request coerces its variables and re-reads only what the walk read of
 * them (a page size, a cursor's presence, a @skip's condition, whether an argument refuses its
 * value). Representations and ids from variables weigh by their content, so an operation that
 * takes them is walked on every request. The answer is estimateOperation's, always
 * (test/unit/server/security/operation-estimates.test.ts checks it against the walk).
 */
export class OperationEstimates {
  private readonly remembered = new WeakMap<OperationDefinitionNode, Remembered[]>();

  estimate(
    schema: GraphQLSchema,
    fragments: Readonly<Record<string, FragmentDefinitionNode>>,
    operation: OperationDefinitionNode,
    rawVariables: Readonly<Record<string, unknown>> | undefined,
    settings: EstimateSettings,
  ): OperationEstimate | null {
    const variables = coerceVariables(schema, operation, rawVariables);
    if (variables === null) return null;
    let entries = this.remembered.get(operation);
    if (entries !== undefined) {
      // Each place is read once per request, however many entries ask about it.
      const readings = new Map<object, string | boolean>();
      for (const entry of entries) {
        if (
          entry.schema === schema &&
          entry.fragments === fragments &&
          entry.maxPageSize === settings.maxPageSize &&
          entry.upstreamPageSize === settings.upstreamPageSize &&
          holds(entry.guards, variables, readings)
        ) {
          return entry.estimate;
        }
      }
    }
    const recorder = new Recorder();
    const estimate = walk(schema, fragments, operation, variables, settings, recorder);
    if (!recorder.exact) return estimate;
    if (entries === undefined) {
      entries = [];
      this.remembered.set(operation, entries);
    }
    if (entries.length >= ESTIMATES_PER_OPERATION) entries.shift();
    const { maxPageSize, upstreamPageSize } = settings;
    entries.push({ schema, fragments, maxPageSize, upstreamPageSize, guards: recorder.guards, estimate });
    return estimate;
  }
}

function holds(guards: readonly Guard[], variables: Record<string, unknown>, readings: Map<object, string | boolean>): boolean {
  for (const guard of guards) {
    // A node's arguments and its directives are objects of their own, so they key their readings apart.
    const place = guard.kind === 'arguments' ? guard.node.arguments : guard.node.directives;
    let reading = place === undefined ? undefined : readings.get(place);
    if (reading === undefined) {
      reading =
        guard.kind === 'arguments'
          ? readArguments(guard.key, guard.field, guard.node, variables).reading
          : isIncluded(guard.node, variables);
      if (place !== undefined) readings.set(place, reading);
    }
    if (reading !== (guard.kind === 'arguments' ? guard.reading : guard.included)) return false;
  }
  return true;
}

/** Whether a field's arguments or a selection's directives hold a variable anywhere (in a list or an input object too). */
function readsVariables(nodes: readonly { readonly value: ValueNode }[] | undefined): boolean {
  if (nodes === undefined) return false;
  for (const node of nodes) if (valueReadsVariables(node.value)) return true;
  return false;
}

function valueReadsVariables(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(valueReadsVariables);
  if (value.kind === Kind.OBJECT) return value.fields.some((field) => valueReadsVariables(field.value));
  return false;
}

function directivesReadVariables(node: FieldNode | InlineFragmentNode | FragmentSpreadNode): boolean {
  return node.directives?.some((directive) => readsVariables(directive.arguments)) ?? false;
}

/** What the walk makes of a field's arguments. */
type Arguments =
  | { kind: 'refused' }
  | { kind: 'entities'; representations: unknown }
  | { kind: 'nodes'; ids: unknown[] }
  | { kind: 'connection'; first: number; after: boolean }
  | { kind: 'invoice'; calls: number }
  | { kind: 'other' };

/**
 * A field's arguments as the walk reads them, with `reading`: all of it that the walk uses, as
 * text, so a guard can tell whether another request's variables would walk the same way. The
 * content of representations and ids is not in it (an operation reading them from variables is
 * never remembered).
 */
function readArguments(
  key: string,
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Record<string, unknown>,
): { read: Arguments; reading: string } {
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(field, node, variables);
  } catch {
    // The field itself refuses these arguments before any call.
    return { read: { kind: 'refused' }, reading: 'refused' };
  }
  if (key === ENTITIES) return { read: { kind: 'entities', representations: args['representations'] }, reading: 'entities' };
  const nodeIds = NODE_FIELDS[key];
  if (nodeIds !== undefined) return { read: { kind: 'nodes', ids: nodeIds(args) }, reading: 'nodes' };
  if (CONNECTIONS.has(key)) {
    const first = typeof args['first'] === 'number' ? args['first'] : 0;
    const after = args['after'] != null;
    return { read: { kind: 'connection', first, after }, reading: `connection ${first} ${after}` };
  }
  const invoiceField = INVOICE_FIELDS[key];
  if (invoiceField !== undefined) {
    const calls = invoiceField(args);
    return { read: { kind: 'invoice', calls }, reading: `invoice ${calls}` };
  }
  return { read: { kind: 'other' }, reading: 'other' };
}

function isIncluded(node: FieldNode | InlineFragmentNode | FragmentSpreadNode, variables: Record<string, unknown>): boolean {
  try {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.['if'] === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.['if'] !== false;
  } catch {
    return true;
  }
}

class Estimator {
  entityRepresentations = 0;
  nodeIds = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>,
    private readonly variables: Record<string, unknown>,
    private readonly settings: EstimateSettings,
    private readonly recorder: Recorder | undefined,
  ) {}

  /**
   * One object of `type` with these selections; `pageSize` is the `first` of the connection it
   * belongs to. `registerRead`: a customer whose register is read anyway (a customer `node` is
   * looked up to know it exists), so its register fields cost no look-up of their own.
   */
  selection(type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[], pageSize: number | null, registerRead = false): Measure {
    let total = NOTHING;
    let readsCustomer = registerRead && type.name === 'Customer';
    for (const nodes of this.collect(type, selectionSets, new Map(), new Set()).values()) {
      const first = nodes[0] as FieldNode;
      const name = first.name.value;
      const field = type.getFields()[name];
      if (name.startsWith('__') || field === undefined) {
        // __typename is one value; introspection is bounded by the schema, not by the request.
        total = plus(total, ONE_VALUE);
        continue;
      }
      if (type.name === 'Customer' && !CUSTOMER_FIELDS_WITHOUT_LOOKUP.has(name)) {
        readsCustomer = true;
      }
      total = plus(total, this.field(type, field, nodes, pageSize));
    }
    // All of a customer's register fields come from one look-up.
    return readsCustomer ? plus(total, { ...NOTHING, lookups: 1 }) : total;
  }

  private field(
    parent: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
    nodes: readonly FieldNode[],
    pageSize: number | null,
  ): Measure {
    const key = `${parent.name}.${field.name}`;
    const node = nodes[0] as FieldNode;
    const { read, reading } = readArguments(key, field, node, this.variables);
    if (this.recorder !== undefined && readsVariables(node.arguments)) {
      // Representations and ids weigh by their content: no guard short of the walk checks them.
      if (read.kind === 'entities' || read.kind === 'nodes') this.recorder.exact = false;
      else this.recorder.guards.push({ kind: 'arguments', key, field, node, reading });
    }
    if (read.kind === 'refused') return NOTHING;
    const selections = nodes.flatMap((node) => (node.selectionSet === undefined ? [] : [node.selectionSet]));
    if (read.kind === 'entities') {
      return this.entities(read.representations, field.type, selections);
    }
    if (read.kind === 'nodes') {
      return this.nodes(read.ids, isListType(getNullableType(field.type)), selections);
    }
    if (read.kind === 'connection') {
      const size = Math.min(Math.max(read.first, 0), this.settings.maxPageSize);
      const pages = Math.ceil(size / this.settings.upstreamPageSize) + (!read.after || size === 0 ? 0 : 1);
      // `first: 0` reads no page; its totalCount or hasNextPage is one count call.
      const calls = size === 0 ? 1 : pages;
      return plus({ ...NOTHING, invoices: size, calls }, this.value(field.type, selections, size, key));
    }
    if (read.kind === 'invoice') {
      return plus({ ...NOTHING, invoices: 1, calls: read.calls }, this.value(field.type, selections, pageSize, key));
    }
    return this.value(field.type, selections, pageSize, key);
  }

  /** One value of `type`: a scalar, an object, or a list of either. */
  private value(type: GraphQLOutputType, selections: readonly SelectionSetNode[], pageSize: number | null, key: string): Measure {
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const size = PAGE_ITEMS.has(key) ? (pageSize ?? 0) : (ASSUMED_LIST_SIZES[key] ?? DEFAULT_LIST_SIZE);
      return plus(ONE_VALUE, times(this.value(nullable.ofType, selections, pageSize, key), size));
    }
    if (isLeafType(nullable)) {
      return ONE_VALUE;
    }
    if (isObjectType(nullable)) {
      return plus(ONE_VALUE, this.selection(nullable, selections, pageSize));
    }
    // An interface or union outside _entities: the costliest of its types.
    let costliest = NOTHING;
    for (const possible of this.schema.getPossibleTypes(nullable)) {
      const measure = this.selection(possible, selections, pageSize);
      if (measure.cost > costliest.cost) {
        costliest = measure;
      }
    }
    return plus(ONE_VALUE, costliest);
  }

  /**
   * The router's entity look-ups: each representation is an object of the type it names. An
   * invoice costs one GET per distinct number (the request's loader); a customer costs nothing
   * until a field needs its register or its invoices. A representation naming no entity of this
   * subgraph is refused by the field before any call (entity-representations.ts).
   */
  private entities(representations: unknown, type: GraphQLOutputType, selections: readonly SelectionSetNode[]): Measure {
    const list: unknown[] = Array.isArray(representations) ? representations : [representations];
    this.entityRepresentations += list.length;
    const perType = new Map<string, { count: number; keys: Set<string> }>();
    for (const representation of list) {
      if (typeof representation !== 'object' || representation === null) continue;
      const fields = representation as Record<string, unknown>;
      const typeName = fields['__typename'];
      if (typeof typeName !== 'string') continue;
      const entry = perType.get(typeName) ?? { count: 0, keys: new Set<string>() };
      entry.count += 1;
      entry.keys.add(JSON.stringify(fields['referenceNumber'] ?? fields['number'] ?? null));
      perType.set(typeName, entry);
    }
    let total = ONE_VALUE;
    const union = getNamedType(type);
    for (const [typeName, { count, keys }] of perType) {
      const entity = this.schema.getType(typeName);
      if (!isObjectType(entity) || !isAbstractType(union) || !this.schema.isSubType(union, entity)) continue;
      const one = plus(ONE_VALUE, this.selection(entity, selections, null));
      // A customer representation names its customer; an invoice's customer is in Visma's data.
      total = plus(total, times(one, count, typeName === 'Customer' ? keys.size : Math.min(count, 1)));
      if (typeName === 'CustomerInvoice') {
        total = plus(total, { ...NOTHING, invoices: count, calls: keys.size });
      }
    }
    return total;
  }

  /**
   * `node` and `nodes`: each id is an object of the type it names, read through the request's
   * loaders. Invoices and lines cost one GET per distinct invoice between them (a line is read
   * with its invoice); a customer costs one look-up per distinct number (it is looked up to know
   * it exists, and its register fields come from that read). An id that does not decode refuses
   * the field before any call, so it costs nothing; every id counts towards MAX_NODE_IDS.
   */
  private nodes(ids: readonly unknown[], isList: boolean, selections: readonly SelectionSetNode[]): Measure {
    this.nodeIds += ids.length;
    const keys: NodeKey[] = [];
    for (const id of ids) {
      const key = typeof id === 'string' ? decodeGlobalId(id) : undefined;
      if (key === undefined) return NOTHING;
      keys.push(key);
    }
    const invoices = new Set<string>();
    const perType = new Map<NodeKey['type'], { count: number; keys: Set<string> }>();
    for (const key of keys) {
      const identity = key.type === 'Customer' ? key.number : key.referenceNumber;
      if (key.type !== 'Customer') invoices.add(identity);
      const entry = perType.get(key.type) ?? { count: 0, keys: new Set<string>() };
      entry.count += 1;
      entry.keys.add(key.type === 'InvoiceLine' ? `${key.referenceNumber}#${key.lineNumber}` : identity);
      perType.set(key.type, entry);
    }
    let total = isList ? ONE_VALUE : NOTHING;
    for (const [typeName, { count, keys: distinct }] of perType) {
      const type = this.schema.getType(typeName);
      if (!isObjectType(type)) continue;
      const customer = typeName === 'Customer';
      const one = plus(ONE_VALUE, this.selection(type, selections, null, customer));
      total = plus(total, times(one, count, customer ? distinct.size : Math.min(count, 1)));
      if (!customer) total = plus(total, { ...NOTHING, invoices: count });
    }
    return plus(total, { ...NOTHING, calls: invoices.size });
  }

  /** graphql-js's field collection: fields by response key, through fragments whose type applies, minus @skip/@include. */
  private collect(
    type: GraphQLObjectType,
    selectionSets: readonly SelectionSetNode[],
    into: Map<string, FieldNode[]>,
    visited: Set<string>,
  ): Map<string, FieldNode[]> {
    for (const selectionSet of selectionSets) {
      for (const selection of selectionSet.selections) {
        if (!this.included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const list = into.get(key);
          if (list === undefined) into.set(key, [selection]);
          else list.push(selection);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (this.applies(selection.typeCondition, type)) this.collect(type, [selection.selectionSet], into, visited);
        } else {
          const name = selection.name.value;
          const fragment = this.fragments[name];
          if (visited.has(name) || fragment === undefined) continue;
          visited.add(name);
          if (this.applies(fragment.typeCondition, type)) this.collect(type, [fragment.selectionSet], into, visited);
        }
      }
    }
    return into;
  }

  private applies(condition: NamedTypeNode | undefined, type: GraphQLObjectType): boolean {
    if (condition === undefined) return true;
    const conditionType = this.schema.getType(condition.name.value);
    if (conditionType === type) return true;
    return isAbstractType(conditionType) && this.schema.isSubType(conditionType, type);
  }

  private included(node: FieldNode | InlineFragmentNode | FragmentSpreadNode): boolean {
    const included = isIncluded(node, this.variables);
    if (this.recorder !== undefined && directivesReadVariables(node)) this.recorder.guards.push({ kind: 'directives', node, included });
    return included;
  }
}
