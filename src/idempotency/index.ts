import { DEFAULT_MAX_KEYS, InMemoryKeyStore } from './in-memory-key-store';
import { IdempotentCreator } from './idempotent-create';

export type { ClaimResult, IdempotencyKeyStore, KeyRecord } from './key-store';
export { DEFAULT_MAX_KEYS, InMemoryKeyStore, MIN_RETENTION_MS, type InMemoryKeyStoreOptions } from './in-memory-key-store';
export {
  IdempotencyError,
  IdempotentCreator,
  STAMP_FIELD,
  createOnce,
  fingerprintOf,
  stampFor,
  stampLookUpQuery,
  type IdempotencyErrorKind,
  type CreateApi,
  type IdempotentCreatorOptions,
} from './idempotent-create';

export interface IdempotencySettings {
  settleMs: number;
  retentionMs: number;
  leaseMs: number;
  now: () => number;
  logger: { warn(fields: Record<string, unknown>, message: string): void };
}

/** The gateway's idempotent creates over this process's in-memory key store. */
export function createIdempotentCreator(settings: IdempotencySettings): IdempotentCreator {
  const store = new InMemoryKeyStore({ retentionMs: settings.retentionMs, maxKeys: DEFAULT_MAX_KEYS, now: settings.now });
  return new IdempotentCreator({
    store,
    now: settings.now,
    settleMs: settings.settleMs,
    leaseMs: settings.leaseMs,
    warn: (fields, message) => settings.logger.warn(fields, message),
  });
}
