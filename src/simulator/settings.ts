/** Company settings that tests and benchmarks may change at run time (see /_simulator/settings). */
export interface Settings {
  /** Status of a newly created invoice: Visma's per-company "hold documents on entry" (CONTRACT §8.11). */
  statusOnCreate: 'Hold' | 'Balanced';
  /** `auto`: the number series numbers invoices; `manual`: the caller must supply referenceNumber. */
  numbering: 'auto' | 'manual';
  rateLimit: { limit: number; windowSeconds: number };
  tokenLifetimeSeconds: number;
  maxPageSize: number;
  defaultPageSize: number;
  /**
   * What a write body's unknown members do. ASP.NET ignores them, so Visma silently drops a
   * misspelt field; `reject` (the default) turns that silent loss into a 400 in tests.
   */
  unknownFields: 'reject' | 'ignore';
  /**
   * IANA zone of the simulated company. Visma writes audit stamps and the business date as
   * naive company-local times (CONTRACT §2.2, §8.3); the clock is turned into that wall time.
   */
  timeZone: string;
}

export const DEFAULT_SETTINGS: Settings = {
  statusOnCreate: 'Balanced',
  numbering: 'auto',
  rateLimit: { limit: 15_000, windowSeconds: 3600 },
  tokenLifetimeSeconds: 3600,
  maxPageSize: 1000,
  defaultPageSize: 100,
  unknownFields: 'reject',
  timeZone: 'Europe/Oslo',
};

function timeZone(name: string, value: unknown): string {
  if (typeof value === 'string' && value !== '') {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      // fall through to the message below
    }
  }
  throw new Error(`${name} must be an IANA time zone such as Europe/Oslo, received ${JSON.stringify(value)}`);
}

function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, received ${JSON.stringify(value)}`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}, received ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Either part of the rate limit may be patched alone. */
function mergeRateLimit(rateLimit: Settings['rateLimit'], value: unknown): void {
  if (typeof value !== 'object' || value === null) throw new Error('rateLimit must be an object');
  const limits = value as Record<string, unknown>;
  if (limits.limit !== undefined) rateLimit.limit = positiveInt('rateLimit.limit', limits.limit);
  if (limits.windowSeconds !== undefined) rateLimit.windowSeconds = positiveInt('rateLimit.windowSeconds', limits.windowSeconds);
}

/** Applies a partial update, validating every field; throws with a message naming the field. */
export function mergeSettings(current: Settings, patch: unknown): Settings {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new Error('settings must be a JSON object');
  }
  const fields = patch as Record<string, unknown>;
  const next: Settings = { ...current, rateLimit: { ...current.rateLimit } };
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    switch (key) {
      case 'statusOnCreate':
        next.statusOnCreate = oneOf(key, value, ['Hold', 'Balanced'] as const);
        break;
      case 'numbering':
        next.numbering = oneOf(key, value, ['auto', 'manual'] as const);
        break;
      case 'unknownFields':
        next.unknownFields = oneOf(key, value, ['reject', 'ignore'] as const);
        break;
      case 'tokenLifetimeSeconds':
        next.tokenLifetimeSeconds = positiveInt(key, value);
        break;
      case 'maxPageSize':
        next.maxPageSize = positiveInt(key, value);
        break;
      case 'defaultPageSize':
        next.defaultPageSize = positiveInt(key, value);
        break;
      case 'timeZone':
        next.timeZone = timeZone(key, value);
        break;
      case 'rateLimit':
        mergeRateLimit(next.rateLimit, value);
        break;
      default:
        throw new Error(`unknown setting ${JSON.stringify(key)}`);
    }
  }
  return next;
}
