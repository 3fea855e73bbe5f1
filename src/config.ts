/**
 * The gateway's whole configuration: one table from environment variables to a typed,
 * validated `Config`. It is read once, at start; a bad value stops the process with a message
 * naming the variable, the form expected and what was received, instead of failing on the
 * first request. Secrets are never echoed, only described.
 */

export type NodeEnv = 'production' | 'development' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type VismaAuthMode = 'client_credentials' | 'passthrough';

export interface VismaCredentials {
  clientId: string;
  clientSecret: string;
  tenantId: string;
}

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  logLevel: LogLevel;
  /** Budget of one GraphQL request across all its upstream calls, in milliseconds. */
  requestDeadlineMs: number;
  /** The largest `first` a client may ask for in one page of a connection. */
  maxPageSize: number;
  /** How many `GET /v1/customer/{number}` calls one request runs at the same time. */
  customerLookupConcurrency: number;
  visma: {
    apiUrl: string;
    tokenUrl: string;
    authMode: VismaAuthMode;
    /** Null in client-credentials mode when none are configured: the embedded simulator is used. */
    credentials: VismaCredentials | null;
    scopes: readonly string[];
    attemptTimeoutMs: number;
    /** IANA zone of the Visma company: Visma's zone-less date-times are read in it. */
    timeZone: string;
  };
}

export const CONFIG_DEFAULTS = Object.freeze({
  NODE_ENV: 'production',
  PORT: '4000',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  REQUEST_DEADLINE_MS: '25000',
  MAX_PAGE_SIZE: '500',
  CUSTOMER_LOOKUP_CONCURRENCY: '4',
  VISMA_API_URL: 'https://api.finance.visma.net',
  VISMA_TOKEN_URL: 'https://connect.visma.com/connect/token',
  VISMA_AUTH_MODE: 'client_credentials',
  VISMA_SCOPES: 'vismanet_erp_service_api:read vismanet_erp_service_api:create vismanet_erp_service_api:update',
  VISMA_ATTEMPT_TIMEOUT_MS: '10000',
  VISMA_TIME_ZONE: 'Europe/Oslo',
} as const);

/** Every variable the gateway reads, in the order the documentation lists them. */
export const CONFIG_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'REQUEST_DEADLINE_MS',
  'MAX_PAGE_SIZE',
  'CUSTOMER_LOOKUP_CONCURRENCY',
  'VISMA_API_URL',
  'VISMA_TOKEN_URL',
  'VISMA_AUTH_MODE',
  'VISMA_CLIENT_ID',
  'VISMA_CLIENT_SECRET',
  'VISMA_TENANT_ID',
  'VISMA_SCOPES',
  'VISMA_ATTEMPT_TIMEOUT_MS',
  'VISMA_TIME_ZONE',
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];
export type Environment = Readonly<Record<string, string | undefined>>;

/** Thrown by `loadConfig` with every problem found, one a line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const NODE_ENVS: readonly NodeEnv[] = ['production', 'development', 'test'];
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const AUTH_MODES: readonly VismaAuthMode[] = ['client_credentials', 'passthrough'];
const SECRET_VARIABLES: ReadonlySet<string> = new Set(['VISMA_CLIENT_SECRET']);

/**
 * Reads and checks the environment. An empty or blank variable counts as unset, so
 * `FOO= npm start` falls back to the default rather than failing.
 */
export function loadConfig(env: Environment): Config {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const nodeEnv = read.oneOf('NODE_ENV', NODE_ENVS);
  const port = read.integer('PORT', 0, 65_535);
  const host = read.host('HOST');
  const logLevel = read.oneOf('LOG_LEVEL', LOG_LEVELS);
  const requestDeadlineMs = read.integer('REQUEST_DEADLINE_MS', 100, 600_000);
  const maxPageSize = read.integer('MAX_PAGE_SIZE', 1, 10_000);
  const customerLookupConcurrency = read.integer('CUSTOMER_LOOKUP_CONCURRENCY', 1, 64);
  const apiUrl = read.url('VISMA_API_URL');
  const tokenUrl = read.url('VISMA_TOKEN_URL');
  const authMode = read.oneOf('VISMA_AUTH_MODE', AUTH_MODES);
  const scopes = read.scopes('VISMA_SCOPES');
  const attemptTimeoutMs = read.integer('VISMA_ATTEMPT_TIMEOUT_MS', 100, 600_000);
  const timeZone = read.timeZone('VISMA_TIME_ZONE');
  const credentials = readCredentials(env, authMode, problems);

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return {
    nodeEnv,
    port,
    host,
    logLevel,
    requestDeadlineMs,
    maxPageSize,
    customerLookupConcurrency,
    visma: { apiUrl, tokenUrl, authMode, credentials, scopes, attemptTimeoutMs, timeZone },
  };
}

const CREDENTIAL_VARIABLES = ['VISMA_CLIENT_ID', 'VISMA_CLIENT_SECRET', 'VISMA_TENANT_ID'] as const;

/**
 * All three credentials or none: a partial set is almost always a deployment mistake, and
 * silently falling back to the embedded simulator would hide it.
 */
function readCredentials(env: Environment, authMode: VismaAuthMode, problems: string[]): VismaCredentials | null {
  const [clientId, clientSecret, tenantId] = CREDENTIAL_VARIABLES.map((name) => valueOf(env, name));
  const set = CREDENTIAL_VARIABLES.filter((name) => valueOf(env, name) !== undefined);
  if (authMode === 'passthrough') {
    if (set.length > 0) {
      problems.push(
        `${set.join(', ')} must not be set when VISMA_AUTH_MODE is "passthrough" (each request brings its own Visma token); received ${set.length === 1 ? 'a value' : 'values'}.`,
      );
    }
    return null;
  }
  if (set.length === 0) {
    return null;
  }
  if (clientId === undefined || clientSecret === undefined || tenantId === undefined) {
    const missing = CREDENTIAL_VARIABLES.filter((name) => valueOf(env, name) === undefined);
    problems.push(
      `Visma credentials are incomplete: ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not. Set all three to use Visma.net, or none to use the embedded simulator.`,
    );
    return null;
  }
  return { clientId, clientSecret, tenantId };
}

function valueOf(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Reads one variable (or its default) and records a problem when it is malformed. */
class Reader {
  constructor(
    private readonly env: Environment,
    private readonly problems: string[],
  ) {}

  integer(name: keyof typeof CONFIG_DEFAULTS, min: number, max: number): number {
    const raw = this.raw(name);
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}; received ${this.describe(name, raw)}.`);
      return Number(CONFIG_DEFAULTS[name]);
    }
    return value;
  }

  oneOf<T extends string>(name: keyof typeof CONFIG_DEFAULTS, allowed: readonly T[]): T {
    const raw = this.raw(name);
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(
        `${name} must be one of ${allowed.map((value) => `"${value}"`).join(', ')}; received ${this.describe(name, raw)}.`,
      );
      return CONFIG_DEFAULTS[name] as T;
    }
    return raw as T;
  }

  host(name: 'HOST'): string {
    const raw = this.raw(name);
    if (!/^[A-Za-z0-9.:[\]-]+$/.test(raw)) {
      this.problems.push(
        `${name} must be a host name or IP address to listen on, such as "127.0.0.1" or "0.0.0.0"; received ${this.describe(name, raw)}.`,
      );
    }
    return raw;
  }

  url(name: 'VISMA_API_URL' | 'VISMA_TOKEN_URL'): string {
    const raw = this.raw(name);
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
      this.problems.push(
        `${name} must be an absolute http(s) URL without query or fragment, such as "${CONFIG_DEFAULTS[name]}"; received ${this.describe(name, raw)}.`,
      );
      return CONFIG_DEFAULTS[name];
    }
    return raw.replace(/\/+$/, '');
  }

  scopes(name: 'VISMA_SCOPES'): readonly string[] {
    const scopes = this.raw(name).split(/[\s,]+/).filter((scope) => scope !== '');
    return Object.freeze(scopes);
  }

  timeZone(name: 'VISMA_TIME_ZONE'): string {
    const raw = this.raw(name);
    if (!isIanaTimeZone(raw)) {
      this.problems.push(
        `${name} must be an IANA time zone such as "Europe/Oslo" or "Europe/Stockholm"; received ${this.describe(name, raw)}.`,
      );
      return CONFIG_DEFAULTS[name];
    }
    return raw;
  }

  private raw(name: keyof typeof CONFIG_DEFAULTS): string {
    return valueOf(this.env, name) ?? CONFIG_DEFAULTS[name];
  }

  private describe(name: string, raw: string): string {
    if (SECRET_VARIABLES.has(name)) {
      return `a value of ${raw.length} characters`;
    }
    const shown = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
    return JSON.stringify(shown);
  }
}

/** Intl throws a RangeError for a zone it does not know; that is the whole check. */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) {
    return false;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Demo mode: no Visma credentials in client-credentials mode, so `main` starts the embedded
 * simulator. Settings whose safe default differs between a demo and production (the playground,
 * introspection, inbound authentication) take their default from this.
 */
export function usesEmbeddedSimulator(config: Config): boolean {
  return config.visma.authMode === 'client_credentials' && config.visma.credentials === null;
}
