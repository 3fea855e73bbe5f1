import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DEFAULTS, CONFIG_VARIABLES, ConfigError, loadConfig, type Environment } from '../../src/config';
import { DEFAULT_VISMA_OPTIONS, getValidVismaClientOptions } from '../../src/visma/options';
import { clientConfig } from '../../src/compose';

function problemsOf(env: Environment): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected loadConfig to fail');
}

const CREDENTIALS = { VISMA_CLIENT_ID: 'client', VISMA_CLIENT_SECRET: 's3cr3t-value', VISMA_TENANT_ID: 'tenant' };
const JWT_AUTH = {
  AUTH_JWKS_URL: 'https://login.example.com/jwks.json',
  AUTH_JWT_ISSUER: 'https://login.example.com/',
  AUTH_JWT_AUDIENCE: 'invoices',
};
const KEY_DIGEST = 'A'.repeat(64);

describe('loadConfig', () => {
  describe('defaults', () => {
    it('fills every value from one table when the environment is empty', () => {
      expect(loadConfig({})).toEqual({
        nodeEnv: 'production',
        port: 4000,
        host: '127.0.0.1',
        logLevel: 'info',
        requestDeadlineMs: 25_000,
        http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000 },
        maxPageSize: 500,
        customerLookupConcurrency: 4,
        idempotency: { settleMs: 30_000, retentionMs: 86_400_000 },
        invoiceLookupConcurrency: 8,
        operationBudget: {
          maxCost: 100_000,
          maxUpstreamCalls: 200,
          maxEntityRepresentations: 100,
          maxNodeIds: 100,
          maxInvoices: 1_000,
          maxInvoiceLines: 20_000,
        },
        federation: { routerSecret: null, routerSecretHeader: 'x-router-secret', traces: 'router' },
        visma: {
          apiUrl: 'https://api.finance.visma.net',
          tokenUrl: 'https://connect.visma.com/connect/token',
          authMode: 'client_credentials',
          credentials: null,
          scopes: ['vismanet_erp_service_api:read', 'vismanet_erp_service_api:create', 'vismanet_erp_service_api:update'],
          attemptTimeoutMs: 10_000,
          timeZone: 'Europe/Oslo',
          maxConcurrency: 8,
          transport: 'undici',
          maxInvoicesInFlight: 2_000,
          maxResponseBytes: 33_554_432,
          maxBytesInFlight: 33_554_432,
        },
        security: { introspection: true, fieldSuggestions: true, auth: { required: false, jwt: null, apiKeySha256: [] } },
        playground: true,
        cors: { origins: [] },
        subscriptions: { maxPerConnection: 20, maxPerReplica: 2_000, maxQueuedEvents: 50 },
        scale: { redisUrl: null, fleetCallsPerHour: 14_000 },
        upstreamCache: { enabled: true, freshnessMs: 10_000, maxEntries: 10_000, maxBytes: 67_108_864, maxAgeMs: 300_000 },
        webhooks: {
          path: '/webhooks/visma',
          signingKeys: [],
          signatureHeader: 'x-visma-signature',
          toleranceMs: 300_000,
          pollIntervalMs: 60_000,
          healthyForMs: 120_000,
          queueMax: 1_000,
        },
        trustedDocuments: { mode: 'log', manifest: 'operations/trusted-documents.json', reloadMs: 10_000 },
        mcp: { enabled: true, mutations: [] },
        tracing: null,
      });
    });

    it('reads the webhook signing keys, the current one first, and the header in lower case', () => {
      const { webhooks } = loadConfig({
        WEBHOOK_SIGNING_KEY: 'new-key-0123456789',
        WEBHOOK_SIGNING_KEY_PREVIOUS: 'old-key-0123456789',
        WEBHOOK_SIGNATURE_HEADER: 'X-Signature',
        WEBHOOK_TOLERANCE_SECONDS: '60',
      });
      expect(webhooks).toMatchObject({
        signingKeys: ['new-key-0123456789', 'old-key-0123456789'],
        signatureHeader: 'x-signature',
        toleranceMs: 60_000,
      });
    });

    it('refuses a short webhook key, a previous key alone and a reserved header without echoing a key', () => {
      const problems = (env: Record<string, string>): string => {
        try {
          loadConfig(env);
        } catch (error) {
          return (error as Error).message;
        }
        return '';
      };
      const short = problems({ WEBHOOK_SIGNING_KEY: 'short-secret' });
      expect(short).toContain('WEBHOOK_SIGNING_KEY must be at least 16 characters');
      expect(short).not.toContain('short-secret');
      expect(problems({ WEBHOOK_SIGNING_KEY_PREVIOUS: 'old-key-0123456789' })).toContain('set WEBHOOK_SIGNING_KEY');
      expect(problems({ WEBHOOK_SIGNATURE_HEADER: 'Authorization' })).toContain('WEBHOOK_SIGNATURE_HEADER must be');
      expect(problems({ WEBHOOK_PATH: '/graphql' })).toContain('WEBHOOK_PATH must be');
      expect(problems({ WEBHOOK_TOLERANCE_SECONDS: 'soon' })).toContain('WEBHOOK_TOLERANCE_SECONDS must be');
    });

    it('reads the trusted documents mode, a manifest file or URL, and its reload interval', () => {
      expect(
        loadConfig({
          TRUSTED_DOCUMENTS: 'enforce',
          TRUSTED_DOCUMENTS_MANIFEST: 'https://cdn.example.com/manifest.json?token=t',
          TRUSTED_DOCUMENTS_RELOAD_MS: '0',
        }).trustedDocuments,
      ).toEqual({ mode: 'enforce', manifest: 'https://cdn.example.com/manifest.json?token=t', reloadMs: 0 });
      expect(loadConfig({ TRUSTED_DOCUMENTS: 'off', TRUSTED_DOCUMENTS_MANIFEST: '/etc/gateway/manifest.json' }).trustedDocuments).toEqual({
        mode: 'off',
        manifest: '/etc/gateway/manifest.json',
        reloadMs: 10_000,
      });
    });

    it.each([
      [{ TRUSTED_DOCUMENTS: 'strict' }, 'TRUSTED_DOCUMENTS must be one of "off", "log", "enforce"; received "strict".'],
      [
        { TRUSTED_DOCUMENTS_MANIFEST: 'ftp://host/m.json?token=secret' },
        'TRUSTED_DOCUMENTS_MANIFEST must be a file path or an http(s) URL',
      ],
      [{ TRUSTED_DOCUMENTS_RELOAD_MS: '5' }, 'TRUSTED_DOCUMENTS_RELOAD_MS must be 0 (never reload) or from 100 to 86400000; received 5.'],
    ])('refuses the trusted documents setting %j, naming it', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
      expect(() => loadConfig(env)).not.toThrow('secret');
    });

    it('reads the upstream cache settings, CACHE_ENABLED=false turning the cache off', () => {
      expect(
        loadConfig({
          CACHE_ENABLED: 'false',
          CACHE_FRESHNESS_MS: '30000',
          CACHE_MAX_ENTRIES: '50',
          CACHE_MAX_BYTES: '16777216',
          CACHE_MAX_AGE_MS: '60000',
        }).upstreamCache,
      ).toEqual({ enabled: false, freshnessMs: 30_000, maxEntries: 50, maxBytes: 16_777_216, maxAgeMs: 60_000 });
    });

    it("has no setting that turns coalescing off: that is the benchmark's measuring device, not a user's choice", () => {
      expect(CONFIG_VARIABLES).not.toContain('CACHE_COALESCING');
      expect(loadConfig({ CACHE_ENABLED: 'false', CACHE_COALESCING: 'false' }).upstreamCache).toEqual(
        loadConfig({ CACHE_ENABLED: 'false' }).upstreamCache,
      );
    });

    it('reads REDIS_URL and VISMA_FLEET_CALLS_PER_HOUR for a fleet', () => {
      expect(loadConfig({ REDIS_URL: 'rediss://:pw@redis.internal:6380/2', VISMA_FLEET_CALLS_PER_HOUR: '900' }).scale).toEqual({
        redisUrl: 'rediss://:pw@redis.internal:6380/2',
        fleetCallsPerHour: 900,
      });
    });

    it('gives the Visma client, on the defaults, exactly what the client would choose for itself', () => {
      const credentials = { VISMA_CLIENT_ID: 'c', VISMA_CLIENT_SECRET: 'secret', VISMA_TENANT_ID: 't' };
      const config = loadConfig({ ...credentials, AUTH_API_KEY_SHA256: 'a'.repeat(64) });
      const own = getValidVismaClientOptions({
        auth: { mode: 'client_credentials', clientId: 'c', clientSecret: 'secret', tenantId: 't' },
      });
      // What the composition root passes the client, setting by setting.
      const passed = getValidVismaClientOptions(clientConfig(config, undefined));
      const given = {
        baseUrl: passed.baseUrl,
        tokenUrl: passed.auth.mode === 'client_credentials' ? passed.auth.tokenUrl : null,
        scopes: passed.auth.mode === 'client_credentials' ? passed.auth.scopes : null,
        timeZone: passed.timeZone,
        attemptTimeoutMs: passed.attemptTimeoutMs,
        deadlineMs: passed.deadlineMs,
        maxSockets: passed.maxSockets,
        transport: passed.transport,
        maxInvoicesInFlight: passed.maxInvoicesInFlight,
        maxResponseBytes: passed.maxResponseBytes,
        maxBytesInFlight: passed.maxBytesInFlight,
      };
      expect(given).toEqual({
        baseUrl: own.baseUrl,
        tokenUrl: own.auth.mode === 'client_credentials' ? own.auth.tokenUrl : null,
        scopes: own.auth.mode === 'client_credentials' ? own.auth.scopes : null,
        timeZone: own.timeZone,
        attemptTimeoutMs: own.attemptTimeoutMs,
        deadlineMs: own.deadlineMs,
        maxSockets: own.maxSockets,
        transport: own.transport,
        maxInvoicesInFlight: own.maxInvoicesInFlight,
        maxResponseBytes: own.maxResponseBytes,
        maxBytesInFlight: own.maxBytesInFlight,
      });
    });

    it("writes none of the Visma client's defaults itself: they are defined once, in src/visma/options.ts", () => {
      const source = readFileSync(join(__dirname, '..', '..', 'src', 'config.ts'), 'utf8');
      const written = [DEFAULT_VISMA_OPTIONS.baseUrl, DEFAULT_VISMA_OPTIONS.tokenUrl, ...DEFAULT_VISMA_OPTIONS.scopes];
      expect(written.filter((value) => source.includes(value))).toEqual([]);
    });

    it('treats empty and blank variables as unset', () => {
      expect(loadConfig({ PORT: '', HOST: '   ', VISMA_CLIENT_ID: '' }).port).toBe(Number(CONFIG_DEFAULTS.PORT));
    });
  });

  describe('values', () => {
    it('reads MCP_MUTATIONS as operation names, each once, and MCP_ENABLED', () => {
      expect(loadConfig({ MCP_ENABLED: 'false', MCP_MUTATIONS: ' CreateInvoice, UpdateInvoiceLines,CreateInvoice ' }).mcp).toEqual({
        enabled: false,
        mutations: ['CreateInvoice', 'UpdateInvoiceLines'],
      });
    });

    it('reads every variable', () => {
      const config = loadConfig({
        NODE_ENV: 'development',
        PORT: '0',
        HOST: '0.0.0.0',
        LOG_LEVEL: 'debug',
        REQUEST_DEADLINE_MS: '5000',
        MAX_PAGE_SIZE: '100',
        CUSTOMER_LOOKUP_CONCURRENCY: '2',
        VISMA_API_URL: 'http://127.0.0.1:4010/',
        VISMA_TOKEN_URL: 'http://127.0.0.1:4010/connect/token',
        VISMA_SCOPES: 'a:read, a:create',
        VISMA_ATTEMPT_TIMEOUT_MS: '2000',
        VISMA_TIME_ZONE: 'Europe/Stockholm',
        VISMA_TRANSPORT: 'node-fetch',
        VISMA_MAX_INVOICES_IN_FLIGHT: '500',
        VISMA_MAX_RESPONSE_BYTES: '8388608',
        VISMA_MAX_BYTES_IN_FLIGHT: '16777216',
        MAX_INVOICE_LINES_PER_OPERATION: '5000',
        ...CREDENTIALS,
        ...JWT_AUTH,
      });
      expect(config).toMatchObject({
        nodeEnv: 'development',
        port: 0,
        host: '0.0.0.0',
        logLevel: 'debug',
        requestDeadlineMs: 5000,
        maxPageSize: 100,
        customerLookupConcurrency: 2,
        operationBudget: { maxInvoiceLines: 5_000 },
        visma: {
          apiUrl: 'http://127.0.0.1:4010',
          tokenUrl: 'http://127.0.0.1:4010/connect/token',
          scopes: ['a:read', 'a:create'],
          attemptTimeoutMs: 2000,
          timeZone: 'Europe/Stockholm',
          transport: 'node-fetch',
          maxInvoicesInFlight: 500,
          maxResponseBytes: 8_388_608,
          maxBytesInFlight: 16_777_216,
          credentials: { clientId: 'client', clientSecret: 's3cr3t-value', tenantId: 'tenant' },
        },
      });
    });

    it('takes strict security defaults when the gateway has Visma.net credentials', () => {
      expect(loadConfig({ ...CREDENTIALS, ...JWT_AUTH }).security).toEqual({
        introspection: false,
        fieldSuggestions: false,
        auth: {
          required: true,
          jwt: { jwksUrl: JWT_AUTH.AUTH_JWKS_URL, issuer: JWT_AUTH.AUTH_JWT_ISSUER, audience: 'invoices', algorithms: ['RS256', 'ES256'] },
          apiKeySha256: [],
        },
      });
    });

    it('reads the security switches and API key digests, lower-cased', () => {
      const config = loadConfig({
        GRAPHQL_INTROSPECTION: 'true',
        GRAPHQL_FIELD_SUGGESTIONS: 'false',
        AUTH_REQUIRED: 'true',
        AUTH_API_KEY_SHA256: `${KEY_DIGEST}, ${'b'.repeat(64)}`,
      });
      expect(config.security).toEqual({
        introspection: true,
        fieldSuggestions: false,
        auth: { required: true, jwt: null, apiKeySha256: ['a'.repeat(64), 'b'.repeat(64)] },
      });
    });

    it('lets passthrough mode require authentication without a method of its own (Visma checks each token)', () => {
      expect(loadConfig({ VISMA_AUTH_MODE: 'passthrough' }).security.auth.required).toBe(true);
    });

    it('turns the playground on in demo mode and off in front of Visma.net, unless PLAYGROUND says otherwise', () => {
      expect(loadConfig({}).playground).toBe(true);
      expect(loadConfig({ PLAYGROUND: 'false' }).playground).toBe(false);
      expect(loadConfig({ VISMA_AUTH_MODE: 'passthrough' }).playground).toBe(false);
      expect(loadConfig({ VISMA_AUTH_MODE: 'passthrough', PLAYGROUND: 'true' }).playground).toBe(true);
    });

    it('reads CORS_ORIGINS as exact origins, dropping blanks and repeats', () => {
      expect(
        loadConfig({ CORS_ORIGINS: ' https://app.example.com, http://localhost:5173,,https://app.example.com, http://[::1]:8080 ' }).cors,
      ).toEqual({ origins: ['https://app.example.com', 'http://localhost:5173', 'http://[::1]:8080'] });
    });

    it.each([
      ['*', 'a wildcard; list each origin (any origin is never allowed, see docs/security.md)'],
      ['https://*.example.com', 'a wildcard; list each origin (any origin is never allowed, see docs/security.md)'],
      ['https://app.example.com/', 'write it as a browser sends it: "https://app.example.com"'],
      ['https://app.example.com/app', 'an origin has no path, query or credentials; write "https://app.example.com"'],
      ['https://user:pw@app.example.com', 'an origin has no path, query or credentials; write "https://app.example.com"'],
      ['https://App.Example.com', 'write it as a browser sends it: "https://app.example.com"'],
      ['https://app.example.com:443', 'write it as a browser sends it: "https://app.example.com"'],
      ['app.example.com', 'not an http or https origin'],
      ['ftp://app.example.com', 'not an http or https origin'],
      ['null', 'not an http or https origin'],
    ])('refuses %j in CORS_ORIGINS, naming the entry', (entry, why) => {
      expect(problemsOf({ CORS_ORIGINS: `https://ok.example.com,${entry}` })).toEqual([
        `CORS_ORIGINS must list exact origins (scheme://host[:port], http or https), separated by commas, such as "https://app.example.com,http://localhost:5173"; received ${JSON.stringify(entry)}: ${why}.`,
      ]);
    });

    it('accepts passthrough mode without credentials', () => {
      expect(loadConfig({ VISMA_AUTH_MODE: 'passthrough' }).visma).toMatchObject({ authMode: 'passthrough', credentials: null });
    });
  });

  describe('messages', () => {
    it.each([
      [{ PORT: 'http' }, 'PORT must be an integer from 0 to 65535; received "http".'],
      [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535; received "70000".'],
      [{ PORT: '-1' }, 'PORT must be an integer from 0 to 65535; received "-1".'],
      [
        { HOST: 'local host' },
        'HOST must be a host name or IP address to listen on, such as "127.0.0.1" or "0.0.0.0"; received "local host".',
      ],
      [{ NODE_ENV: 'prod' }, 'NODE_ENV must be one of "production", "development", "test"; received "prod".'],
      [
        { LOG_LEVEL: 'verbose' },
        'LOG_LEVEL must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"; received "verbose".',
      ],
      [{ REQUEST_DEADLINE_MS: '50' }, 'REQUEST_DEADLINE_MS must be an integer from 100 to 600000; received "50".'],
      [{ MAX_PAGE_SIZE: '0' }, 'MAX_PAGE_SIZE must be an integer from 1 to 10000; received "0".'],
      [{ MCP_ENABLED: 'yes' }, 'MCP_ENABLED must be "true" or "false"; received "yes".'],
      [
        { MCP_MUTATIONS: 'CreateInvoice,create-invoice' },
        'MCP_MUTATIONS must list operation names of trusted mutations, separated by commas, such as "CreateInvoice,UpdateInvoiceLines"; received "create-invoice", which is not a GraphQL name.',
      ],
      [{ MAX_SUBSCRIPTIONS: '0' }, 'MAX_SUBSCRIPTIONS must be an integer from 1 to 1000000; received "0".'],
      [{ SUBSCRIPTION_MAX_QUEUED_EVENTS: '10001' }, 'SUBSCRIPTION_MAX_QUEUED_EVENTS must be an integer from 1 to 10000; received "10001".'],
      [{ MAX_PAGE_SIZE: '2.5' }, 'MAX_PAGE_SIZE must be an integer from 1 to 10000; received "2.5".'],
      [{ CUSTOMER_LOOKUP_CONCURRENCY: '100' }, 'CUSTOMER_LOOKUP_CONCURRENCY must be an integer from 1 to 64; received "100".'],
      [{ INVOICE_LOOKUP_CONCURRENCY: '0' }, 'INVOICE_LOOKUP_CONCURRENCY must be an integer from 1 to 64; received "0".'],
      [{ MAX_OPERATION_COST: '0' }, 'MAX_OPERATION_COST must be an integer from 1 to 1000000000; received "0".'],
      [
        { MAX_UPSTREAM_CALLS_PER_OPERATION: 'many' },
        'MAX_UPSTREAM_CALLS_PER_OPERATION must be an integer from 1 to 100000; received "many".',
      ],
      [{ MAX_ENTITY_REPRESENTATIONS: '0' }, 'MAX_ENTITY_REPRESENTATIONS must be an integer from 1 to 100000; received "0".'],
      [{ MAX_INVOICES_PER_OPERATION: '-1' }, 'MAX_INVOICES_PER_OPERATION must be an integer from 1 to 10000000; received "-1".'],
      [
        { ROUTER_SECRET: 'short-secret' },
        'ROUTER_SECRET must be at least 16 characters (generate one, e.g. "openssl rand -hex 32"); received a value of 12 characters.',
      ],
      [
        { ROUTER_SECRET_HEADER: 'Authorization' },
        'ROUTER_SECRET_HEADER must be an HTTP header name other than Authorization, Cookie and X-API-Key, such as "x-router-secret"; received "authorization".',
      ],
      [
        { ROUTER_SECRET_HEADER: 'router secret' },
        'ROUTER_SECRET_HEADER must be an HTTP header name other than Authorization, Cookie and X-API-Key, such as "x-router-secret"; received "router secret".',
      ],
      [
        { VISMA_API_URL: 'api.finance.visma.net' },
        'VISMA_API_URL must be an absolute http(s) URL without query or fragment, such as "https://api.finance.visma.net"; received "api.finance.visma.net".',
      ],
      [
        { VISMA_TOKEN_URL: 'ftp://connect.visma.com/token' },
        'VISMA_TOKEN_URL must be an absolute http(s) URL without query or fragment, such as "https://connect.visma.com/connect/token"; received "ftp://connect.visma.com/token".',
      ],
      [{ VISMA_AUTH_MODE: 'oauth' }, 'VISMA_AUTH_MODE must be one of "client_credentials", "passthrough"; received "oauth".'],
      [{ VISMA_MAX_INVOICES_IN_FLIGHT: '0' }, 'VISMA_MAX_INVOICES_IN_FLIGHT must be an integer from 1 to 10000000; received "0".'],
      [{ VISMA_MAX_RESPONSE_BYTES: '1k' }, 'VISMA_MAX_RESPONSE_BYTES must be an integer from 1024 to 1073741824; received "1k".'],
      [
        { VISMA_MAX_RESPONSE_BYTES: '67108864', VISMA_MAX_BYTES_IN_FLIGHT: '33554432' },
        'VISMA_MAX_BYTES_IN_FLIGHT must be at least VISMA_MAX_RESPONSE_BYTES (67108864), or an answer of the largest size could never be read; received 33554432.',
      ],
      [{ MAX_INVOICE_LINES_PER_OPERATION: '0' }, 'MAX_INVOICE_LINES_PER_OPERATION must be an integer from 1 to 100000000; received "0".'],
      [{ VISMA_TRANSPORT: 'fetch' }, 'VISMA_TRANSPORT must be one of "undici", "node-fetch"; received "fetch".'],
      [{ VISMA_ATTEMPT_TIMEOUT_MS: 'ten' }, 'VISMA_ATTEMPT_TIMEOUT_MS must be an integer from 100 to 600000; received "ten".'],
      [
        { VISMA_TIME_ZONE: 'Europe/Olso' },
        'VISMA_TIME_ZONE must be an IANA time zone such as "Europe/Oslo" or "Europe/Stockholm"; received "Europe/Olso".',
      ],
      [
        { VISMA_TIME_ZONE: '+01:00' },
        'VISMA_TIME_ZONE must be an IANA time zone such as "Europe/Oslo" or "Europe/Stockholm"; received "+01:00".',
      ],
      [{ GRAPHQL_INTROSPECTION: 'yes' }, 'GRAPHQL_INTROSPECTION must be "true" or "false"; received "yes".'],
      [{ AUTH_REQUIRED: '1' }, 'AUTH_REQUIRED must be "true" or "false"; received "1".'],
      [
        { AUTH_JWKS_URL: 'https://login.example.com/jwks.json' },
        'JWT authentication needs AUTH_JWKS_URL, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE together: AUTH_JWKS_URL is set but AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE are not.',
      ],
      [
        { ...JWT_AUTH, AUTH_JWKS_URL: 'jwks.json' },
        'AUTH_JWKS_URL must be an absolute http(s) URL, such as "https://login.example.com/.well-known/jwks.json"; received "jwks.json".',
      ],
      [
        { ...JWT_AUTH, AUTH_JWT_ALGORITHMS: 'RS256,HS256' },
        'AUTH_JWT_ALGORITHMS must list algorithms from "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", separated by commas; received "RS256,HS256".',
      ],
      [
        { AUTH_API_KEY_SHA256: `${KEY_DIGEST},plain-key` },
        'AUTH_API_KEY_SHA256 must be SHA-256 digests of the API keys (64 hex characters each, as printed by "printf %s KEY | sha256sum"), separated by commas; received 2 values, 1 malformed.',
      ],
      [
        CREDENTIALS,
        'Inbound authentication is required (AUTH_REQUIRED defaults to true when the gateway uses its own Visma.net credentials) but none is configured: set AUTH_JWKS_URL, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE, or AUTH_API_KEY_SHA256, or set AUTH_REQUIRED=false to serve without it.',
      ],
      [{ PLAYGROUND: 'yes' }, 'PLAYGROUND must be "true" or "false"; received "yes".'],
      [
        { REDIS_URL: 'http://:secret@redis:6379' },
        'REDIS_URL must be a redis:// or rediss:// URL such as "redis://redis:6379/0"; received a http: URL.',
      ],
      [
        { REDIS_URL: 'secret-password' },
        'REDIS_URL must be a redis:// or rediss:// URL such as "redis://redis:6379/0"; received a value that is not a URL.',
      ],
      [{ VISMA_FLEET_CALLS_PER_HOUR: '0' }, 'VISMA_FLEET_CALLS_PER_HOUR must be an integer from 1 to 1000000; received "0".'],
      [{ CACHE_ENABLED: 'off' }, 'CACHE_ENABLED must be "true" or "false"; received "off".'],
      [{ CACHE_FRESHNESS_MS: '500' }, 'CACHE_FRESHNESS_MS must be an integer from 1000 to 3600000; received "500".'],
      [{ CACHE_MAX_ENTRIES: '0' }, 'CACHE_MAX_ENTRIES must be an integer from 1 to 10000000; received "0".'],
      [{ CACHE_MAX_BYTES: '64MiB' }, 'CACHE_MAX_BYTES must be an integer from 1048576 to 17179869184; received "64MiB".'],
      [{ CACHE_MAX_BYTES: '65536' }, 'CACHE_MAX_BYTES must be an integer from 1048576 to 17179869184; received "65536".'],
      [{ CACHE_MAX_AGE_MS: '10m' }, 'CACHE_MAX_AGE_MS must be an integer from 1000 to 86400000; received "10m".'],
    ])('explains %j', (env, message) => {
      expect(problemsOf(env)).toEqual([message]);
    });

    it('names the missing credentials when only some are set', () => {
      expect(problemsOf({ VISMA_CLIENT_ID: 'client', VISMA_TENANT_ID: 'tenant' })).toEqual([
        'Visma credentials are incomplete: VISMA_CLIENT_ID, VISMA_TENANT_ID are set but VISMA_CLIENT_SECRET is not. Set all three to use Visma.net, or none to use the embedded simulator.',
      ]);
    });

    it('refuses client credentials in passthrough mode', () => {
      expect(problemsOf({ VISMA_AUTH_MODE: 'passthrough', ...CREDENTIALS })).toEqual([
        'VISMA_CLIENT_ID, VISMA_CLIENT_SECRET, VISMA_TENANT_ID must not be set when VISMA_AUTH_MODE is "passthrough" (each request brings its own Visma token); received values.',
      ]);
    });

    it('never echoes the client secret', () => {
      const error = (() => {
        try {
          loadConfig({ VISMA_CLIENT_SECRET: 'top-secret-value', PORT: 'x' });
        } catch (caught) {
          return caught as Error;
        }
        throw new Error('expected loadConfig to fail');
      })();
      expect(error.message).not.toContain('top-secret-value');
    });

    it('reads the router secret and its header, lower-cased', () => {
      expect(
        loadConfig({ ROUTER_SECRET: 'a-router-secret-of-32-characters', ROUTER_SECRET_HEADER: 'X-Gateway-Secret' }).federation,
      ).toEqual({
        routerSecret: 'a-router-secret-of-32-characters',
        routerSecretHeader: 'x-gateway-secret',
        traces: 'router',
      });
    });

    it('reads FEDERATION_TRACES and refuses a value other than router, all or off', () => {
      expect(loadConfig({ FEDERATION_TRACES: 'all' }).federation.traces).toBe('all');
      expect(loadConfig({ FEDERATION_TRACES: 'off' }).federation.traces).toBe('off');
      expect(problemsOf({ FEDERATION_TRACES: 'yes' })).toEqual([
        'FEDERATION_TRACES must be one of "router", "all", "off"; received "yes".',
      ]);
    });

    it('reads the HTTP timeouts and refuses a headers timeout longer than the request timeout, as Node would', () => {
      expect(
        loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '800', HTTP_KEEP_ALIVE_TIMEOUT_MS: '300' }).http,
      ).toEqual({ headersTimeoutMs: 500, requestTimeoutMs: 800, keepAliveTimeoutMs: 300 });
      expect(problemsOf({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toEqual([
        'HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request); received 40000 and 30000.',
      ]);
      expect(problemsOf({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '0' })).toEqual([
        'HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer from 100 to 600000; received "0".',
      ]);
    });

    it('reports every problem at once, one a line', () => {
      const error = (() => {
        try {
          loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' });
        } catch (caught) {
          return caught as Error;
        }
        throw new Error('expected loadConfig to fail');
      })();
      expect(error.message).toBe(
        'Invalid configuration:\n' +
          '- PORT must be an integer from 0 to 65535; received "x".\n' +
          '- LOG_LEVEL must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"; received "loud".',
      );
    });
  });
});

describe("loadConfig: tracing, in OpenTelemetry's own variables", () => {
  const COLLECTOR = 'http://otel-collector:4318';

  it('is off without an OTLP endpoint, whatever else is set', () => {
    expect(loadConfig({ OTEL_SERVICE_NAME: 'invoices', OTEL_TRACES_SAMPLER: 'always_on' }).tracing).toBeNull();
  });

  it('is on with OTEL_EXPORTER_OTLP_ENDPOINT, sending to its v1/traces, on the defaults', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR }).tracing).toEqual({
      endpoint: `${COLLECTOR}/v1/traces`,
      headers: {},
      serviceName: 'visma-invoice-gateway',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: `${COLLECTOR}/otlp/` }).tracing?.endpoint).toBe(`${COLLECTOR}/otlp/v1/traces`);
  });

  it('takes OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, over the one for every signal', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/in' };
    expect(loadConfig(env).tracing?.endpoint).toBe('https://traces.example.com/in');
  });

  it('stays off with OTEL_SDK_DISABLED=true, endpoint or not', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR, OTEL_SDK_DISABLED: 'true' }).tracing).toBeNull();
  });

  it('reads the headers, percent-decoded, the traces-only ones over the others', () => {
    const tracing = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR,
      OTEL_EXPORTER_OTLP_HEADERS: 'X-Api-Key=common, x-tenant=a%20b',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=traces%3Donly',
    }).tracing;
    expect(tracing?.headers).toEqual({ 'x-api-key': 'traces=only', 'x-tenant': 'a b' });
  });

  it('reads the sampler and its ratio', () => {
    const tracing = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing;
    expect(tracing).toMatchObject({ sampler: 'parentbased_traceidratio', samplerRatio: 0.25 });
  });

  it.each([
    [{ OTEL_SDK_DISABLED: 'yes' }, 'OTEL_SDK_DISABLED must be one of "true", "false"; received "yes".'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318' },
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL such as "http://otel-collector:4318"; received a otel-collector: URL.',
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://user:s3cret@collector' },
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an absolute http(s) URL such as "http://otel-collector:4318/v1/traces"; received a grpc: URL.',
    ],
    [
      { OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cret,broken' },
      'OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas, values percent-encoded, such as "x-api-key=abc123"; received 2 pairs, 1 malformed.',
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=%E0%A4%A' },
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS must be key=value pairs separated by commas, values percent-encoded, such as "x-api-key=abc123"; received 1 pair, 1 malformed.',
    ],
    [
      { OTEL_TRACES_SAMPLER: 'jaeger_remote' },
      'OTEL_TRACES_SAMPLER must be one of "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio", "always_on", "always_off", "traceidratio"; received "jaeger_remote".',
    ],
    [
      { OTEL_TRACES_SAMPLER_ARG: '1.5' },
      'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (the share of traces kept); received "1.5".',
    ],
    [
      { OTEL_TRACES_SAMPLER_ARG: '-0.1' },
      'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (the share of traces kept); received "-0.1".',
    ],
  ])('checks %j at start even with tracing off, naming the setting', (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });

  it("never echoes an endpoint or a header value, which may hold a collector's credentials", () => {
    const problems = problemsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:s3cret@collector',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic s3cret,=s3cret',
    }).join('\n');
    expect(problems).not.toContain('s3cret');
    expect(problems).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(problems).toContain('OTEL_EXPORTER_OTLP_HEADERS');
  });
});
