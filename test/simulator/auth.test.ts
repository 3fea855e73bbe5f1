import { DEMO_CLIENT, parse, startTestSimulator, tokenForm, type TestSimulator } from './support/harness';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const base = {
  grant_type: 'client_credentials',
  client_id: DEMO_CLIENT.clientId,
  client_secret: DEMO_CLIENT.clientSecret,
  tenant_id: DEMO_CLIENT.tenantId,
};

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

describe('auth', () => {
  let now = Date.UTC(2026, 0, 15, 12);
  let simulator: TestSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({ tokenLifetimeSeconds: 600, now: () => now });
  });
  afterAll(() => simulator.close());

  describe('POST /connect/token', () => {
    it('issues a bearer token for form credentials', async () => {
      const response = await simulator.raw('POST', '/connect/token', { headers: FORM, body: tokenForm(base) });
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = parse<Record<string, unknown>>(response);
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      expect(body).toMatchObject({ expires_in: 600, token_type: 'Bearer' });
      expect(String(body.scope).split(' ')).toEqual([
        'vismanet_erp_service_api:read',
        'vismanet_erp_service_api:create',
        'vismanet_erp_service_api:update',
        'vismanet_erp_service_api:delete',
      ]);
      expect(String(body.access_token).length).toBeGreaterThanOrEqual(32);
    });

    it('accepts client credentials in HTTP basic auth', async () => {
      const { client_id: _id, client_secret: _secret, ...rest } = base;
      const response = await simulator.raw('POST', '/connect/token', {
        headers: { ...FORM, Authorization: basic(DEMO_CLIENT.clientId, DEMO_CLIENT.clientSecret) },
        body: tokenForm(rest),
      });
      expect(response.status).toBe(200);
    });

    it('grants only the requested scopes', async () => {
      const response = await simulator.raw('POST', '/connect/token', {
        headers: FORM,
        body: tokenForm({ ...base, scope: 'vismanet_erp_service_api:read' }),
      });
      expect(parse<{ scope: string }>(response).scope).toBe('vismanet_erp_service_api:read');
    });

    it.each([
      ['a wrong secret', { ...base, client_secret: 'nope' }, 401, 'invalid_client'],
      ['an unknown client', { ...base, client_id: 'stranger' }, 401, 'invalid_client'],
      ['no grant_type', { ...base, grant_type: '' }, 400, 'invalid_request'],
      ['another grant type', { ...base, grant_type: 'password' }, 400, 'unsupported_grant_type'],
      ['no tenant_id', { ...base, tenant_id: '' }, 400, 'invalid_request'],
      ['a tenant of someone else', { ...base, tenant_id: '99999999-0000-0000-0000-000000000000' }, 400, 'invalid_grant'],
      ['an unknown scope', { ...base, scope: 'vismanet_erp_interactive_api:read' }, 400, 'invalid_scope'],
    ])('refuses %s', async (_label, form, status, error) => {
      const response = await simulator.raw('POST', '/connect/token', { headers: FORM, body: tokenForm(form) });
      expect(response.status).toBe(status);
      expect(parse<{ error: string }>(response).error).toBe(error);
      expect(response.text).not.toContain(DEMO_CLIENT.clientSecret);
    });

    it('challenges a wrong basic secret with WWW-Authenticate', async () => {
      const response = await simulator.raw('POST', '/connect/token', {
        headers: { ...FORM, Authorization: basic(DEMO_CLIENT.clientId, 'wrong') },
        body: tokenForm({ grant_type: 'client_credentials', tenant_id: DEMO_CLIENT.tenantId }),
      });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Basic/);
    });

    it('refuses credentials sent both in the header and in the form', async () => {
      const response = await simulator.raw('POST', '/connect/token', {
        headers: { ...FORM, Authorization: basic(DEMO_CLIENT.clientId, DEMO_CLIENT.clientSecret) },
        body: tokenForm(base),
      });
      expect(response.status).toBe(400);
      expect(parse<{ error: string }>(response).error).toBe('invalid_request');
    });

    it('refuses a JSON body', async () => {
      const response = await simulator.raw('POST', '/connect/token', { body: base });
      expect(response.status).toBe(400);
      expect(parse<{ error: string }>(response).error).toBe('invalid_request');
    });
  });

  describe('bearer tokens on API calls', () => {
    it('answers 401 with an empty body without a token', async () => {
      const response = await simulator.raw('GET', '/v1/customerinvoice/003547');
      expect(response.status).toBe(401);
      expect(response.text).toBe('');
    });

    it('answers 401 for an unknown token', async () => {
      const response = await simulator.raw('GET', '/v1/customerinvoice/003547', { headers: { Authorization: 'Bearer made-up' } });
      expect(response.status).toBe(401);
      expect(response.text).toBe('');
    });

    it('expires a token after its lifetime on the injected clock', async () => {
      const token = await simulator.token();
      const headers = { Authorization: `Bearer ${token}` };
      now += 599_000;
      expect((await simulator.raw('GET', '/v1/customerinvoice/003547', { headers })).status).toBe(200);
      now += 1_000;
      expect((await simulator.raw('GET', '/v1/customerinvoice/003547', { headers })).status).toBe(401);
    });

    it('answers 403 with the IPP envelope when the token lacks the scope', async () => {
      const token = await simulator.token(['vismanet_erp_service_api:read']);
      const response = await simulator.raw('PUT', '/v1/customerinvoice/003547', {
        headers: { Authorization: `Bearer ${token}` },
        body: { invoiceText: { value: 'x' } },
      });
      expect(response.status).toBe(403);
      expect(parse<Record<string, unknown>>(response)).toMatchObject({ ExceptionType: 'IPPException', ExceptionDetails: '' });
    });

    it('ignores the old ipp-company-id and ipp-application-type headers', async () => {
      const response = await simulator.api('GET', '/v1/customerinvoice/003547', {
        headers: { 'ipp-company-id': '12345', 'ipp-application-type': 'Visma.net Financials' },
      });
      expect(response.status).toBe(200);
    });

    it('revokes every token through the controls', async () => {
      const token = await simulator.token();
      simulator.sim.controls.revokeTokens();
      const response = await simulator.raw('GET', '/v1/customerinvoice/003547', { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status).toBe(401);
    });
  });
});
