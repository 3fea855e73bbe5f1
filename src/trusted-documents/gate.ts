/**
 * What the HTTP layer asks of the manifest for each GraphQL request, before Apollo parses
 * anything: which document runs (a known id's body, or the query as sent), or why the request is
 * refused. One function for both paths (POST bodies on node:http and Express, GET parameters on
 * Express), so the modes cannot drift apart (docs/trusted-documents.md).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TrustedDocumentsMode } from '../config';
import { ErrorCode } from '../graphql/errors';
import type { Logger } from '../logger';
import { sha256Hex, SHA256_HEX, type TrustedDocumentStore } from './manifest';

const { PERSISTED_QUERY_NOT_FOUND, PERSISTED_QUERY_MISMATCH } = ErrorCode;
/** Apollo's code for a malformed request, which its APQ mistakes get too. */
const BAD_REQUEST = 'BAD_REQUEST';

/** Distinct unknown documents remembered so each is logged once; past this the oldest is forgotten (and may be logged again). */
export const UNKNOWN_DOCUMENTS_REMEMBERED = 1_000;
/**
 * Query texts whose SHA-256 is remembered, so a client sending the same document again is not
 * hashed again (Apollo hashes it once more for its document cache, and takes no hash from us);
 * past this the first remembered is forgotten. Longer texts are hashed every time, so the memo
 * holds at most 256 × 8,192 characters however many documents arrive.
 */
export const HASHES_REMEMBERED = 256;
const MAX_REMEMBERED_TEXT = 8_192;
/** `sha256:` and 64 hex digits; anything longer is not an id this gateway issues, whatever it holds. */
const MAX_DOCUMENT_ID_LENGTH = 'sha256:'.length + 64;

/** The GraphQL request's parameters, as a POST body or GET's decoded search parameters hold them. */
export type GraphQLParams = Record<string, unknown>;

export type Admission =
  { kind: 'run'; params: GraphQLParams } | { kind: 'refuse'; status: 'request-error' | 400; code: string; message: string };

export interface TrustedDocumentsGateOptions {
  mode: Exclude<TrustedDocumentsMode, 'off'>;
  documents: TrustedDocumentStore;
  logger: Logger;
  /** Where the counters go (the gateway's /metrics registry). */
  registry: Registry;
}

type Outcome = 'known' | 'unknown' | 'not_found' | 'mismatch' | 'malformed';

/** The manifest's gate in `log` or `enforce` mode. */
export class TrustedDocumentsGate {
  readonly mode: Exclude<TrustedDocumentsMode, 'off'>;
  private readonly documents: TrustedDocumentStore;
  private readonly logger: Logger;
  private readonly unknownSeen = new Set<string>();
  private readonly hashes = new Map<string, string>();
  private readonly requests: Counter<'outcome'>;

  constructor(options: TrustedDocumentsGateOptions) {
    this.mode = options.mode;
    this.documents = options.documents;
    this.logger = options.logger;
    this.requests = new Counter({
      name: 'trusted_documents_requests_total',
      help: 'GraphQL requests by what the trusted documents manifest made of them: known (in it), unknown (not in it, run in log mode), not_found, mismatch or malformed (refused).',
      labelNames: ['outcome'] as const,
      registers: [options.registry],
    });
    const documents = this.documents;
    new Gauge({
      name: 'trusted_documents_manifest_documents',
      help: 'Documents in the trusted documents manifest in use.',
      registers: [options.registry],
      collect() {
        this.set(documents.list().length);
      },
    });
  }

  /**
   * Decides one request: `run` with the parameters Apollo gets (a known id's body as the query;
   * `documentId` and `extensions.persistedQuery` taken out, so Apollo's APQ never sees, let alone
   * stores, a document), or `refuse` with a code. Parameters that are not an object (a batch, a
   * string) are Apollo's to refuse and go through untouched.
   */
  admit(params: unknown, requestId: string): Admission {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return { kind: 'run', params: params as GraphQLParams };
    const request = params as GraphQLParams;
    const extensions = request['extensions'];
    const persisted = isRecord(extensions) ? extensions['persistedQuery'] : undefined;
    const query = request['query'];
    const text = typeof query === 'string' && query !== '' ? query : undefined;

    let apqHash: string | undefined;
    if (persisted !== undefined) {
      // Apollo's own answers to its protocol's mistakes (runHttpQuery, requestPipeline), word for word: APQ clients see the same in every mode.
      if (!isRecord(persisted) || persisted['version'] !== 1)
        return this.refuse('malformed', 400, BAD_REQUEST, 'Unsupported persisted query version');
      const hash = persisted['sha256Hash'];
      if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
        return this.refuse(
          'malformed',
          400,
          BAD_REQUEST,
          'extensions.persistedQuery.sha256Hash must be the SHA-256 of the query, 64 lower-case hex digits.',
        );
      }
      if (text !== undefined && this.hashOf(text) !== hash)
        return this.refuse('mismatch', 400, BAD_REQUEST, 'provided sha does not match query');
      apqHash = hash;
    }

    let documentId: string | undefined;
    if ('documentId' in request && request['documentId'] !== undefined) {
      documentId = documentIdOf(request['documentId']);
      if (documentId === undefined) {
        return this.refuse(
          'malformed',
          400,
          BAD_REQUEST,
          'documentId must be a document\'s SHA-256 as 64 hex digits, bare or as "sha256:<hex>".',
        );
      }
      if (apqHash !== undefined && apqHash !== documentId) {
        return this.refuse(
          'mismatch',
          400,
          PERSISTED_QUERY_MISMATCH,
          'documentId and extensions.persistedQuery.sha256Hash name different documents.',
        );
      }
      if (text !== undefined && this.hashOf(text) !== documentId) {
        return this.refuse(
          'mismatch',
          400,
          PERSISTED_QUERY_MISMATCH,
          'The query sent with documentId is not the document it names (its SHA-256 differs).',
        );
      }
    }

    const id = documentId ?? apqHash;
    const hash = id ?? (text === undefined ? undefined : this.hashOf(text));
    if (hash === undefined) {
      // No document at all: Apollo refuses it (BAD_REQUEST) before parsing anything.
      return { kind: 'run', params: request };
    }
    const known = this.documents.get(hash);
    if (known !== undefined) {
      this.requests.inc({ outcome: 'known' });
      return { kind: 'run', params: { ...withoutIds(request), query: known.body } };
    }
    if (this.mode === 'enforce') {
      return this.refuse(
        'not_found',
        'request-error',
        PERSISTED_QUERY_NOT_FOUND,
        id === undefined
          ? 'This gateway runs only trusted documents, and this query is not one of them: send the documentId of an operation in its manifest.'
          : 'No trusted document has this id: the manifest may be newer or older than the client.',
      );
    }
    if (text === undefined) {
      // An id alone cannot run in log mode either; Apollo Client's persisted-queries link then sends the query with it.
      return this.refuse(
        'not_found',
        'request-error',
        PERSISTED_QUERY_NOT_FOUND,
        'No trusted document has this id; send the query with it.',
      );
    }
    this.requests.inc({ outcome: 'unknown' });
    this.logUnknown(hash, request['operationName'], requestId);
    return { kind: 'run', params: { ...withoutIds(request), query: text } };
  }

  /** The text's SHA-256, remembered for short texts (HASHES_REMEMBERED). */
  private hashOf(text: string): string {
    if (text.length > MAX_REMEMBERED_TEXT) return sha256Hex(text);
    let hash = this.hashes.get(text);
    if (hash === undefined) {
      hash = sha256Hex(text);
      if (this.hashes.size >= HASHES_REMEMBERED) {
        const first = this.hashes.keys().next().value;
        if (first !== undefined) this.hashes.delete(first);
      }
      this.hashes.set(text, hash);
    }
    return hash;
  }

  private refuse(outcome: Outcome, status: 'request-error' | 400, code: string, message: string): Admission {
    this.requests.inc({ outcome });
    return { kind: 'refuse', status, code, message };
  }

  /** Once per distinct document while it is remembered; the set is bounded, so a flood of new documents costs no memory. */
  private logUnknown(hash: string, operationName: unknown, requestId: string): void {
    if (this.unknownSeen.has(hash)) return;
    if (this.unknownSeen.size >= UNKNOWN_DOCUMENTS_REMEMBERED) {
      const oldest = this.unknownSeen.values().next().value;
      if (oldest !== undefined) this.unknownSeen.delete(oldest);
    }
    this.unknownSeen.add(hash);
    this.logger.info(
      {
        requestId,
        documentHash: hash,
        operationName: typeof operationName === 'string' ? operationName.slice(0, 100) : null,
      },
      'a document not in the trusted documents manifest ran (TRUSTED_DOCUMENTS=log)',
    );
  }
}

/** A bare hex SHA-256 or `sha256:<hex>`, in lower case; undefined for anything else. */
export function documentIdOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_DOCUMENT_ID_LENGTH) return undefined;
  const hex = (value.startsWith('sha256:') ? value.slice('sha256:'.length) : value).toLowerCase();
  return SHA256_HEX.test(hex) ? hex : undefined;
}

function withoutIds(request: GraphQLParams): GraphQLParams {
  const { documentId: _documentId, extensions, ...rest } = request;
  if (!isRecord(extensions)) return extensions === undefined ? rest : { ...rest, extensions };
  const { persistedQuery: _persistedQuery, ...others } = extensions;
  return Object.keys(others).length === 0 ? rest : { ...rest, extensions: others };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
