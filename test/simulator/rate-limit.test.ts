import { parse, startTestSimulator, tokenForm, type TestSimulator } from './support/harness';

const SECOND_CLIENT = { clientId: 'second-client', clientSecret: 'second-secret', tenantIds: ['aaaaaaaa-0000-0000-0000-000000000001'] };
const DEMO = { clientId: 'demo-client', clientSecret: 'demo-secret', tenantIds: ['11111111-2222-3333-4444-555555555555'] };

describe('rate limiting', () => {
  let now = Date.UTC(2026, 0, 15, 12);
  let simulator: TestSimulator;

  beforeEach(async () => {
    simulator = await startTestSimulator({ rateLimit: { limit: 3, windowSeconds: 60 }, now: () => now, clients: [DEMO, SECOND_CLIENT] });
  });
  afterEach(() => simulator.close());

  it('sends the four X-RateLimit headers on every API response, whatever its status', async () => {
    const responses = [
      await simulator.api('GET', '/v1/customerinvoice/003547'),
      await simulator.api('GET', '/v1/customerinvoice/000001'),
      await simulator.api('GET', '/v1/customerinvoice?status=Paid'),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 404, 400]);
    expect(responses.map((response) => response.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0']);
    for (const response of responses) {
      expect(response.headers['x-ratelimit-limit']).toBe('3');
      expect(response.headers['x-ratelimit-reset']).toBe('60');
      expect(response.headers['x-ratelimit-policy']).toBe('4-fixed-window');
    }
  });

  it('answers 429 with Retry-After once the window is used up, then opens a new window', async () => {
    for (let i = 0; i < 3; i += 1) await simulator.api('GET', '/v1/customerinvoice/003547');
    now += 20_000;
    const limited = await simulator.api('GET', '/v1/customerinvoice/003547');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('40');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(parse<{ message: string }>(limited).message).toContain('Rate limit is exceeded');
    now += 40_000;
    expect((await simulator.api('GET', '/v1/customerinvoice/003547')).status).toBe(200);
  });

  it('does not count the token endpoint, control routes or unauthenticated calls', async () => {
    for (let i = 0; i < 5; i += 1) {
      await simulator.token();
      await simulator.raw('GET', '/_simulator/counters');
      await simulator.raw('GET', '/v1/customerinvoice/003547');
    }
    const response = await simulator.api('GET', '/v1/customerinvoice/003547');
    expect(response.headers['x-ratelimit-remaining']).toBe('2');
  });

  it('keeps a separate window per tenant and client', async () => {
    for (let i = 0; i < 3; i += 1) await simulator.api('GET', '/v1/customerinvoice/003547');
    expect((await simulator.api('GET', '/v1/customerinvoice/003547')).status).toBe(429);
    const tokenResponse = await simulator.raw('POST', '/connect/token', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: tokenForm({
        grant_type: 'client_credentials',
        client_id: SECOND_CLIENT.clientId,
        client_secret: SECOND_CLIENT.clientSecret,
        tenant_id: SECOND_CLIENT.tenantIds[0] ?? '',
      }),
    });
    const token = parse<{ access_token: string }>(tokenResponse).access_token;
    const other = await simulator.raw('GET', '/v1/customerinvoice/003547', { headers: { Authorization: `Bearer ${token}` } });
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe('2');
  });

  it('follows a limit changed through the settings control', async () => {
    simulator.sim.controls.updateSettings({ rateLimit: { limit: 1, windowSeconds: 60 } });
    expect((await simulator.api('GET', '/v1/customerinvoice/003547')).status).toBe(200);
    expect((await simulator.api('GET', '/v1/customerinvoice/003547')).status).toBe(429);
  });
});
