import { DEFAULT_VISMA_OPTIONS, getValidVismaClientOptions, type VismaClientConfig } from '../../../src/visma/options';

const SECRET = 'do-not-print-me';
const credentials = {
  mode: 'client_credentials' as const,
  clientId: 'gateway',
  clientSecret: SECRET,
  tenantId: 'tenant-1',
};

function validate(config: unknown): () => unknown {
  return () => getValidVismaClientOptions(config);
}

function withAuth(auth: Record<string, unknown>): unknown {
  return { auth: { ...credentials, ...auth } };
}

describe('VismaClient options', () => {
  describe('defaults', () => {
    it('fills in every default when only credentials are given', () => {
      const options = getValidVismaClientOptions({ auth: credentials });

      expect(options).toMatchObject({
        baseUrl: 'https://api.finance.visma.net',
        timeZone: 'Europe/Oslo',
        attemptTimeoutMs: 10_000,
        deadlineMs: 25_000,
        maxAttempts: 3,
        maxSockets: 8,
        maxInvoicesInFlight: 2_000,
        maxResponseBytes: 33_554_432,
        maxBytesInFlight: 33_554_432,
        tokenRefreshMarginMs: 60_000,
        retryBaseDelayMs: 200,
        retryMaxDelayMs: 5_000,
        transport: 'undici',
        fetch: undefined,
        auth: {
          mode: 'client_credentials',
          tokenUrl: 'https://connect.visma.com/connect/token',
          scopes: DEFAULT_VISMA_OPTIONS.scopes,
        },
      });
      expect(options.now).toBe(Date.now);
      expect(options.random).toBe(Math.random);
    });

    it('asks for the read, create and update service scopes its operations need, and not delete', () => {
      expect(getValidVismaClientOptions({ auth: credentials }).auth).toMatchObject({
        scopes: ['vismanet_erp_service_api:read', 'vismanet_erp_service_api:create', 'vismanet_erp_service_api:update'],
      });
    });

    it('takes passthrough mode without credentials', () => {
      expect(getValidVismaClientOptions({ auth: { mode: 'passthrough' } }).auth).toEqual({ mode: 'passthrough' });
    });

    it('drops a trailing slash from the base URL', () => {
      expect(getValidVismaClientOptions({ auth: credentials, baseUrl: 'http://127.0.0.1:8080/' }).baseUrl).toBe('http://127.0.0.1:8080');
    });

    it('keeps given values', () => {
      const config: VismaClientConfig = {
        auth: { ...credentials, scopes: ['vismanet_erp_service_api:read'] },
        timeZone: 'UTC',
        maxAttempts: 1,
        deadlineMs: 5_000,
        transport: 'node-fetch',
      };
      expect(getValidVismaClientOptions(config)).toMatchObject({
        timeZone: 'UTC',
        transport: 'node-fetch',
        maxAttempts: 1,
        deadlineMs: 5_000,
        auth: { scopes: ['vismanet_erp_service_api:read'] },
      });
    });
  });

  describe('abuse', () => {
    it.each<[string, unknown, string]>([
      ['no options at all', undefined, 'VismaClient options must be an object; received nothing.'],
      ['an array', [], 'VismaClient options must be an object; received an array of 0.'],
      ['no auth', {}, 'VismaClient option "auth" must be an object with "mode" "client_credentials" or "passthrough"; received nothing.'],
      [
        'an unknown auth mode',
        { auth: { mode: 'basic' } },
        'VismaClient option "auth.mode" must be "client_credentials" or "passthrough"; received "basic".',
      ],
      [
        'a missing client id',
        withAuth({ clientId: undefined }),
        'VismaClient option "auth.clientId" must be a non-empty string; received nothing.',
      ],
      ['a blank tenant id', withAuth({ tenantId: '  ' }), 'VismaClient option "auth.tenantId" must be a non-empty string; received "  ".'],
      [
        'a blank client secret, without echoing it',
        withAuth({ clientSecret: '   ' }),
        'VismaClient option "auth.clientSecret" must be a non-empty string; received a blank string.',
      ],
      [
        'a numeric client secret',
        withAuth({ clientSecret: 12345 }),
        'VismaClient option "auth.clientSecret" must be a non-empty string; received 12345.',
      ],
      [
        'a token URL that is not a URL',
        withAuth({ tokenUrl: 'connect.visma.com' }),
        'VismaClient option "auth.tokenUrl" must be an absolute http(s) URL without query or fragment; received "connect.visma.com".',
      ],
      [
        'scopes as one string',
        withAuth({ scopes: 'a b' }),
        'VismaClient option "auth.scopes" must be a non-empty array of scope names without spaces; received "a b".',
      ],
      [
        'an empty scope list',
        withAuth({ scopes: [] }),
        'VismaClient option "auth.scopes" must be a non-empty array of scope names without spaces; received an array of 0.',
      ],
      [
        'a misspelt auth option',
        withAuth({ client_id: 'x' }),
        'VismaClient received an unknown option "auth.client_id"; known options are "auth.mode", "auth.tokenUrl", "auth.clientId", "auth.clientSecret", "auth.tenantId", "auth.scopes".',
      ],
      [
        'an ftp base URL',
        { auth: credentials, baseUrl: 'ftp://visma' },
        'VismaClient option "baseUrl" must be an absolute http(s) URL without query or fragment; received "ftp://visma".',
      ],
      [
        'a base URL with a query',
        { auth: credentials, baseUrl: 'https://visma/?a=1' },
        'VismaClient option "baseUrl" must be an absolute http(s) URL without query or fragment; received "https://visma/?a=1".',
      ],
      [
        'an unknown time zone',
        { auth: credentials, timeZone: 'Europe/Atlantis' },
        'VismaClient option "timeZone" must be an IANA time zone such as "Europe/Oslo"; received "Europe/Atlantis".',
      ],
      [
        'a UTC offset as the time zone',
        { auth: credentials, timeZone: 1 },
        'VismaClient option "timeZone" must be an IANA time zone such as "Europe/Oslo"; received 1.',
      ],
      [
        'zero attempts',
        { auth: credentials, maxAttempts: 0 },
        'VismaClient option "maxAttempts" must be an integer from 1 to 10; received 0.',
      ],
      [
        'attempts as text',
        { auth: credentials, maxAttempts: '3' },
        'VismaClient option "maxAttempts" must be an integer from 1 to 10; received "3".',
      ],
      [
        'a fractional timeout',
        { auth: credentials, attemptTimeoutMs: 1.5 },
        'VismaClient option "attemptTimeoutMs" must be an integer from 1 to 600000; received 1.5.',
      ],
      [
        'a negative deadline',
        { auth: credentials, deadlineMs: -1 },
        'VismaClient option "deadlineMs" must be an integer from 1 to 3600000; received -1.',
      ],
      [
        'no sockets',
        { auth: credentials, maxSockets: 0 },
        'VismaClient option "maxSockets" must be an integer from 1 to 1024; received 0.',
      ],
      [
        'no room for an invoice in flight',
        { auth: credentials, maxInvoicesInFlight: 0 },
        'VismaClient option "maxInvoicesInFlight" must be an integer from 1 to 10000000; received 0.',
      ],
      [
        'an answer bound under a kilobyte',
        { auth: credentials, maxResponseBytes: 100 },
        'VismaClient option "maxResponseBytes" must be an integer from 1024 to 1073741824; received 100.',
      ],
      [
        'less room in flight than one answer may take',
        { auth: credentials, maxResponseBytes: 8_388_608, maxBytesInFlight: 4_194_304 },
        'VismaClient option "maxBytesInFlight" must be an integer from 8388608 to 1099511627776; received 4194304.',
      ],
      [
        'a backoff cap below its base',
        { auth: credentials, retryBaseDelayMs: 500, retryMaxDelayMs: 100 },
        'VismaClient option "retryMaxDelayMs" must be an integer from 500 to 600000; received 100.',
      ],
      [
        'a fetch that is not a function',
        { auth: credentials, fetch: 'node-fetch' },
        'VismaClient option "fetch" must be a function; received "node-fetch".',
      ],
      [
        'an unknown transport',
        { auth: credentials, transport: 'axios' },
        'VismaClient option "transport" must be one of "undici", "node-fetch"; received "axios".',
      ],
      ['a clock that is not a function', { auth: credentials, now: 0 }, 'VismaClient option "now" must be a function; received 0.'],
      [
        'a logger without warn',
        { auth: credentials, logger: { debug: () => undefined } },
        'VismaClient option "logger" must be an object with the methods debug(), warn(); received an object.',
      ],
      [
        'an attempt guard without run',
        { auth: credentials, attemptGuard: {} },
        'VismaClient option "attemptGuard" must be an object with the methods run(); received an object.',
      ],
      [
        'a tracer without startCall',
        { auth: credentials, tracer: { startSpan: () => undefined } },
        'VismaClient option "tracer" must be an object with the methods startCall(); received an object.',
      ],
      [
        'a misspelt option',
        { auth: credentials, baseURL: 'https://x' },
        'VismaClient received an unknown option "baseURL"; known options are "baseUrl", "auth", "timeZone", "attemptTimeoutMs", "deadlineMs", "maxAttempts", "maxSockets", "maxInvoicesInFlight", "maxResponseBytes", "maxBytesInFlight", "tokenRefreshMarginMs", "retryBaseDelayMs", "retryMaxDelayMs", "transport", "fetch", "now", "sleep", "random", "logger", "onEvent", "attemptGuard", "retryBudget", "sharedTokens", "rateLimits", "tracer".',
      ],
    ])('refuses %s', (_case, config, message) => {
      expect(validate(config)).toThrow(new TypeError(message));
    });

    it('never prints the client secret, whatever else is wrong', () => {
      const configs = [withAuth({ tenantId: '' }), withAuth({ scopes: [SECRET, 'a b'] }), { auth: credentials, maxAttempts: SECRET }];
      for (const config of configs) {
        expect(validate(config)).toThrow(TypeError);
        expect(validate(config)).not.toThrow(SECRET);
      }
    });
  });
});
