import type { CustomerInvoice as DomainInvoice, InvoiceLine as DomainLine } from '../../visma/model';
import type { NodeTypeName } from './global-id';

/**
 * What `node`/`nodes` return are the plain objects every other field returns (an invoice may be
 * the upstream cache's shared, frozen copy), so their GraphQL type is recorded beside them rather
 * than written on them.
 */
const nodeTypes = new WeakMap<object, NodeTypeName>();

export function asNode<T extends object>(type: NodeTypeName, value: T): T {
  nodeTypes.set(value, type);
  return value;
}

/**
 * `Node`'s type resolver. Synchronous on purpose: graphql-jit, which executes operations, takes
 * a type resolver's answer as it is, so a promise of a type name would not resolve.
 */
export function resolveNodeType(value: unknown): NodeTypeName | undefined {
  return typeof value === 'object' && value !== null ? nodeTypes.get(value) : undefined;
}

/**
 * A line's global id needs its invoice's number, which Visma's line does not carry. Every line
 * reaches GraphQL through its invoice (`CustomerInvoice.lines`, or `node` of a line), which
 * records it here, per request: the request's context is the outer key, so nothing outlives it.
 */
const lineOwners = new WeakMap<object, WeakMap<DomainLine, string>>();

export function recordLineOwner(request: object, invoice: Pick<DomainInvoice, 'referenceNumber' | 'lines'>): void {
  let owners = lineOwners.get(request);
  if (owners === undefined) {
    owners = new WeakMap();
    lineOwners.set(request, owners);
  }
  for (const line of invoice.lines) {
    owners.set(line, invoice.referenceNumber);
  }
}

/** The number of the invoice the line was read with in this request. */
export function lineOwner(request: object, line: DomainLine): string | undefined {
  return lineOwners.get(request)?.get(line);
}
