import { SignJWT } from 'jose';
import type { InboundAuthConfig, VismaAuthMode } from '../../../../src/config';
import { InboundAuthenticator, sha256Hex } from '../../../../src/server/auth/inbound-auth';
import { AUDIENCE, ISSUER, JwksServer } from '../../../integration/helpers/jwks-server';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const API_KEY = 'k3y-for-the-invoice-team-0123456789';

describe('InboundAuthenticator', () => {
  let jwks: JwksServer;

  beforeAll(async () => {
    jwks = await JwksServer.start();
  });

  afterAll(async () => {
    await jwks.close();
  });

  function authenticator(
    config: Partial<InboundAuthConfig> = {},
    options: { authMode?: VismaAuthMode; now?: () => number } = {},
  ): InboundAuthenticator {
    return new InboundAuthenticator({
      config: {
        required: true,
        jwt: { jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256', 'ES256'] },
        apiKeySha256: [sha256Hex(API_KEY)],
        ...config,
      },
      visma: { authMode: options.authMode ?? 'client_credentials' },
      now: options.now ?? (() => NOW),
    });
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}`, apiKey: undefined });

  describe('JWTs', () => {
    it('accepts a token signed by a key of the JWKS, with the right issuer and audience, and names its subject', async () => {
      const token = await jwks.sign(NOW, { subject: 'frontend-app' });
      await expect(authenticator().authenticate(bearer(token))).resolves.toEqual({
        ok: true,
        caller: { kind: 'jwt', id: 'frontend-app' },
      });
    });

    it.each([
      ['another issuer', { issuer: 'https://evil.test.invalid/' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
      ['another audience', { audience: 'some-other-api' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
      ['a key the JWKS does not publish', { foreignKey: true }, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
      ['no expiry', { expiresAt: null }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
      ['an expiry past the 30-second tolerance', { expiresAt: NOW / 1000 - 31 }, 'ERR_JWT_EXPIRED'],
    ])('refuses a token with %s', async (_case, options, code) => {
      const token = await jwks.sign(NOW - 3_600_000, options);
      await expect(authenticator().authenticate(bearer(token))).resolves.toEqual({ ok: false, reason: `JWT refused (${code})` });
    });

    it('refuses a token once the clock passes its expiry', async () => {
      let now = NOW;
      const auth = authenticator({}, { now: () => now });
      const token = await jwks.sign(NOW, { expiresAt: NOW / 1000 + 60 });
      await expect(auth.authenticate(bearer(token))).resolves.toMatchObject({ ok: true });
      now = NOW + 91_000;
      await expect(auth.authenticate(bearer(token))).resolves.toEqual({ ok: false, reason: 'JWT refused (ERR_JWT_EXPIRED)' });
    });

    it('refuses an HS256 token: only the configured asymmetric algorithms are accepted (no algorithm confusion)', async () => {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', kid: 'test-key' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime(NOW / 1000 + 60)
        .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!'));
      await expect(authenticator().authenticate(bearer(token))).resolves.toEqual({
        ok: false,
        reason: 'JWT refused (ERR_JOSE_ALG_NOT_ALLOWED)',
      });
    });

    it('refuses a tampered payload and a token that is not a JWT', async () => {
      const [header, , signature] = (await jwks.sign(NOW)).split('.');
      const forged = Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: NOW / 1000 + 60 })).toString('base64url');
      await expect(authenticator().authenticate(bearer(`${header}.${forged}.${signature}`))).resolves.toMatchObject({ ok: false });
      await expect(authenticator().authenticate(bearer('not-a-jwt'))).resolves.toEqual({
        ok: false,
        reason: 'JWT refused (ERR_JWS_INVALID)',
      });
    });

    it('fetches the key set once and reuses it', async () => {
      const before = jwks.requests;
      const auth = authenticator();
      for (let i = 0; i < 5; i += 1) {
        await expect(auth.authenticate(bearer(await jwks.sign(NOW, { subject: `user-${i}` })))).resolves.toMatchObject({ ok: true });
      }
      expect(jwks.requests - before).toBe(1);
    });
  });

  describe('API keys', () => {
    it('accepts a key whose SHA-256 digest is configured and names it by the digest prefix', async () => {
      await expect(authenticator().authenticate({ authorization: undefined, apiKey: API_KEY })).resolves.toEqual({
        ok: true,
        caller: { kind: 'api_key', id: sha256Hex(API_KEY).slice(0, 12) },
      });
    });

    it('refuses a wrong key, and does not fall back to the bearer token when a key was sent', async () => {
      const token = await jwks.sign(NOW);
      await expect(authenticator().authenticate({ authorization: `Bearer ${token}`, apiKey: `${API_KEY}x` })).resolves.toEqual({
        ok: false,
        reason: 'unknown API key',
      });
    });

    it('refuses a good key sent beside a bad JWT: every credential sent is checked', async () => {
      const expired = await jwks.sign(NOW - 3_600_000, { expiresAt: NOW / 1000 - 60 });
      await expect(authenticator().authenticate({ authorization: `Bearer ${expired}`, apiKey: API_KEY })).resolves.toEqual({
        ok: false,
        reason: 'JWT refused (ERR_JWT_EXPIRED)',
      });
      await expect(authenticator().authenticate({ authorization: 'Bearer not-a-jwt', apiKey: API_KEY })).resolves.toEqual({
        ok: false,
        reason: 'JWT refused (ERR_JWS_INVALID)',
      });
    });

    it('refuses a good key beside a bad JWT when authentication is optional too', async () => {
      await expect(
        authenticator({ required: false }).authenticate({ authorization: 'Bearer not-a-jwt', apiKey: API_KEY }),
      ).resolves.toMatchObject({ ok: false });
    });

    it('names the caller by the key when a good key and a good JWT are both sent', async () => {
      const token = await jwks.sign(NOW, { subject: 'frontend-app' });
      await expect(authenticator().authenticate({ authorization: `Bearer ${token}`, apiKey: API_KEY })).resolves.toEqual({
        ok: true,
        caller: { kind: 'api_key', id: sha256Hex(API_KEY).slice(0, 12) },
      });
    });

    it('does not look at a bearer token when no JWKS is configured, and the key alone admits the caller', async () => {
      await expect(
        authenticator({ jwt: null }).authenticate({ authorization: 'Bearer meant-for-another-subgraph', apiKey: API_KEY }),
      ).resolves.toMatchObject({ ok: true, caller: { kind: 'api_key' } });
    });

    it('refuses the digest itself sent as the key', async () => {
      await expect(authenticator().authenticate({ authorization: undefined, apiKey: sha256Hex(API_KEY) })).resolves.toMatchObject({
        ok: false,
      });
    });
  });

  describe('when nothing is sent', () => {
    it('refuses the request when authentication is required', async () => {
      await expect(authenticator().authenticate({ authorization: undefined, apiKey: undefined })).resolves.toEqual({
        ok: false,
        reason: 'no credentials',
      });
    });

    it('lets an anonymous caller through when it is optional, but still refuses a bad token', async () => {
      const auth = authenticator({ required: false });
      await expect(auth.authenticate({ authorization: undefined, apiKey: undefined })).resolves.toEqual({
        ok: true,
        caller: { kind: 'anonymous' },
      });
      await expect(auth.authenticate(bearer('garbage'))).resolves.toMatchObject({ ok: false });
    });

    it('refuses a bearer token when only API keys are configured', async () => {
      await expect(authenticator({ jwt: null }).authenticate(bearer('some-token'))).resolves.toEqual({
        ok: false,
        reason: 'a bearer token but no JWKS to check it against',
      });
    });
  });

  describe('in passthrough mode', () => {
    it('leaves the Visma token to Visma when no method of its own is configured', async () => {
      const auth = authenticator({ jwt: null, apiKeySha256: [] }, { authMode: 'passthrough' });
      await expect(auth.authenticate(bearer('a-visma-token'))).resolves.toEqual({ ok: true, caller: { kind: 'visma_token' } });
    });

    it('checks the forwarded token against the JWKS when one is configured', async () => {
      const auth = authenticator({ apiKeySha256: [] }, { authMode: 'passthrough' });
      await expect(auth.authenticate(bearer('a-visma-token'))).resolves.toMatchObject({ ok: false });
      await expect(auth.authenticate(bearer(await jwks.sign(NOW)))).resolves.toMatchObject({ ok: true, caller: { kind: 'jwt' } });
    });

    it('requires an API key of its own when API keys are configured and authentication is required', async () => {
      const auth = authenticator({ jwt: null }, { authMode: 'passthrough' });
      await expect(auth.authenticate(bearer('a-visma-token'))).resolves.toEqual({
        ok: false,
        reason: 'no credentials of the gateway besides the Visma token',
      });
      await expect(auth.authenticate({ authorization: 'Bearer a-visma-token', apiKey: API_KEY })).resolves.toMatchObject({
        ok: true,
        caller: { kind: 'api_key' },
      });
    });

    it('requires the API key and still checks the forwarded token when both are configured', async () => {
      const auth = authenticator({}, { authMode: 'passthrough' });
      await expect(auth.authenticate({ authorization: 'Bearer a-visma-token', apiKey: API_KEY })).resolves.toMatchObject({ ok: false });
      const token = await jwks.sign(NOW);
      await expect(auth.authenticate({ authorization: `Bearer ${token}`, apiKey: API_KEY })).resolves.toMatchObject({ ok: true });
    });
  });
});
