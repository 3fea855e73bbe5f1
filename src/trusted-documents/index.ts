export {
  APOLLO_MANIFEST_FORMAT,
  ManifestError,
  parseManifest,
  sha256Hex,
  SHA256_HEX,
  TrustedDocumentSet,
  type TrustedDocument,
  type TrustedDocumentStore,
  type TrustedOperationType,
} from './manifest';
export { isManifestUrl, MAX_MANIFEST_BYTES, TrustedDocuments, type ManifestSourceOptions, type ReloadOutcome } from './source';
export {
  documentIdOf,
  HASHES_REMEMBERED,
  TrustedDocumentsGate,
  UNKNOWN_DOCUMENTS_REMEMBERED,
  type Admission,
  type GraphQLParams,
} from './gate';
export { admitPost, trustedDocumentsMiddleware } from './http';
export { openTrustedDocuments, type OpenTrustedDocuments } from './open';
