/**
 * Trusted documents (docs/trusted-documents.md): the operations a deployment's own clients send,
 * known ahead of time by the SHA-256 of their text. A manifest comes in one of the two formats
 * the tools around the gateway write, Apollo's persisted query manifest and graphql-codegen
 * client-preset's persisted documents, and is refused whole when any entry is wrong: a manifest
 * that lies about one hash cannot be trusted about the others.
 */
import { createHash } from 'node:crypto';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';

export type TrustedOperationType = 'query' | 'mutation' | 'subscription';

export interface TrustedDocument {
  /** The SHA-256 of `body`, 64 lower-case hex digits. */
  id: string;
  /** The document's text exactly as hashed: what runs when a client sends the id. */
  body: string;
  /** The name of the document's one operation. */
  operationName: string;
  operationType: TrustedOperationType;
}

/** Read access to the documents of a manifest; the loader (source.ts) swaps what is behind it on a reload. */
export interface TrustedDocumentStore {
  get(id: string): TrustedDocument | undefined;
  list(): readonly TrustedDocument[];
}

/** Apollo's persisted query manifest (`@apollo/generate-persisted-query-manifest` writes it). */
export const APOLLO_MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

/** A manifest that cannot be used; the message names the source and, when one is to blame, the entry. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** 64 lower-case hex digits: how both formats write an id. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** An immutable set of trusted documents, by id. */
export class TrustedDocumentSet implements TrustedDocumentStore {
  private readonly byId: ReadonlyMap<string, TrustedDocument>;
  private readonly all: readonly TrustedDocument[];

  constructor(documents: readonly TrustedDocument[]) {
    this.all = Object.freeze(documents.map((document) => Object.freeze({ ...document })));
    this.byId = new Map(this.all.map((document) => [document.id, document]));
  }

  get(id: string): TrustedDocument | undefined {
    return this.byId.get(id);
  }

  list(): readonly TrustedDocument[] {
    return this.all;
  }
}

/**
 * Reads a manifest in either format from its text. `source` (a path or URL) only names it in
 * messages. Every id must be the SHA-256 of its body, every body one named operation (with the
 * fragments it uses), and in Apollo's format the entry's name and type must be the operation's.
 */
export function parseManifest(text: string, source: string): TrustedDocumentSet {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`The trusted documents manifest ${source} is not JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ManifestError(
      `The trusted documents manifest ${source} must be a JSON object: Apollo's persisted query manifest or graphql-codegen's persisted documents.`,
    );
  }
  const record = json as Record<string, unknown>;
  const documents = 'format' in record ? apolloEntries(record, source) : codegenEntries(record, source);
  const seen = new Map<string, string>();
  for (const document of documents) {
    const earlier = seen.get(document.operationName);
    if (earlier !== undefined && earlier !== document.id) {
      // Tools (the MCP endpoint, logs) name operations by their name: two bodies under one name are ambiguous.
      throw new ManifestError(
        `The trusted documents manifest ${source} has two different documents named "${document.operationName}" (${earlier} and ${document.id}); operation names must be unique.`,
      );
    }
    seen.set(document.operationName, document.id);
  }
  return new TrustedDocumentSet(documents);
}

function apolloEntries(record: Record<string, unknown>, source: string): TrustedDocument[] {
  if (record['format'] !== APOLLO_MANIFEST_FORMAT || record['version'] !== 1) {
    throw new ManifestError(
      `The trusted documents manifest ${source} has format ${JSON.stringify(record['format'])} version ${JSON.stringify(record['version'])}; the gateway reads "${APOLLO_MANIFEST_FORMAT}" version 1, or graphql-codegen's { "<sha256>": "<document>" }.`,
    );
  }
  const operations = record['operations'];
  if (!Array.isArray(operations)) {
    throw new ManifestError(`The trusted documents manifest ${source} has no "operations" array.`);
  }
  const documents: TrustedDocument[] = [];
  const ids = new Set<string>();
  operations.forEach((entry: unknown, index) => {
    const where = `${source} operations[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw new ManifestError(`${where} is not an object.`);
    const { id, name, type, body } = entry as Record<string, unknown>;
    if (typeof id !== 'string' || typeof body !== 'string' || typeof name !== 'string' || typeof type !== 'string') {
      throw new ManifestError(`${where} must have the strings "id", "name", "type" and "body".`);
    }
    const document = verifiedDocument(id, body, `${where} (${JSON.stringify(name.slice(0, 100))})`);
    if (document.operationName !== name || document.operationType !== type) {
      throw new ManifestError(
        `${where} says it is ${type} "${name.slice(0, 100)}", but its body is ${document.operationType} "${document.operationName}".`,
      );
    }
    if (ids.has(id)) throw new ManifestError(`${where} repeats the id ${id}.`);
    ids.add(id);
    documents.push(document);
  });
  return documents;
}

function codegenEntries(record: Record<string, unknown>, source: string): TrustedDocument[] {
  return Object.entries(record).map(([key, body]) => {
    // client-preset writes bare hashes; its "sha256:" prefixed form is accepted too.
    const id = key.startsWith('sha256:') ? key.slice('sha256:'.length) : key;
    const where = `${source} entry ${JSON.stringify(key.slice(0, 80))}`;
    if (typeof body !== 'string') throw new ManifestError(`${where} must map to the document's text.`);
    return verifiedDocument(id, body, where);
  });
}

function verifiedDocument(id: string, body: string, where: string): TrustedDocument {
  if (!SHA256_HEX.test(id)) {
    throw new ManifestError(`${where} has the id ${JSON.stringify(id.slice(0, 80))}, which is not a SHA-256 in lower-case hex.`);
  }
  const actual = sha256Hex(body);
  if (actual !== id) {
    throw new ManifestError(`${where} has the id ${id}, but its body's SHA-256 is ${actual}: the manifest does not match its documents.`);
  }
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(body, { noLocation: true }).definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
  } catch (error) {
    throw new ManifestError(`${where} (${id}) does not parse: ${(error as Error).message}`);
  }
  const [operation] = operations;
  if (operations.length !== 1 || operation === undefined) {
    throw new ManifestError(`${where} (${id}) holds ${operations.length} operations; a trusted document holds exactly one.`);
  }
  if (operation.name === undefined) {
    throw new ManifestError(`${where} (${id}) is an anonymous operation; trusted operations are named (logs and tools use the name).`);
  }
  return { id, body, operationName: operation.name.value, operationType: operation.operation };
}
