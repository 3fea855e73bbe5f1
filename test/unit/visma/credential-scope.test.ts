import { createHash } from 'node:crypto';
import { credentialScope } from '../../../src/visma/credential-scope';

const OWNER = { apiUrl: 'https://api.finance.visma.net', tenantId: 'tenant-guid', clientId: 'gateway-client' };

describe('credentialScope', () => {
  it('gives the same client credentials the same scope, however the API URL is written', () => {
    expect(credentialScope(OWNER)).toBe(credentialScope({ ...OWNER }));
    expect(credentialScope({ ...OWNER, apiUrl: 'https://API.finance.visma.net/' })).toBe(credentialScope(OWNER));
  });

  it.each([
    ['another company', { ...OWNER, tenantId: 'other-tenant' }],
    ['another client of the same company', { ...OWNER, clientId: 'other-client' }],
    ['another Visma (a second embedded simulator)', { ...OWNER, apiUrl: 'http://127.0.0.1:41234' }],
  ])('gives %s a scope of its own', (_name, other) => {
    expect(credentialScope(other)).not.toBe(credentialScope(OWNER));
  });

  it('names client credentials by a digest, never by their identifiers', () => {
    const scope = credentialScope(OWNER);
    expect(scope).toMatch(/^cc:[0-9a-f]{64}$/);
    expect(scope).not.toContain(OWNER.tenantId);
    expect(scope).not.toContain(OWNER.clientId);
  });

  it('names a passthrough caller by the SHA-256 of its token, never the token', () => {
    expect(credentialScope({ accessToken: 'token-a' })).toBe(`pt:${createHash('sha256').update('token-a').digest('hex')}`);
    expect(credentialScope({ accessToken: 'token-b' })).not.toBe(credentialScope({ accessToken: 'token-a' }));
  });
});
