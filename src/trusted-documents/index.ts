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
