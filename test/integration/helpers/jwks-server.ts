import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';

export const ISSUER = 'https://login.test.invalid/';
export const AUDIENCE = 'visma-invoice-gateway';

export interface SignOptions {
  issuer?: string;
  audience?: string;
  /** Seconds since the epoch; defaults to an hour after `now`. Null leaves `exp` out. */
  expiresAt?: number | null;
  subject?: string;
  /** Sign with a key the JWKS does not publish. */
  foreignKey?: boolean;
}

/**
 * An identity provider's JWKS endpoint on 127.0.0.1:0, with an RS256 key pair made for the
 * test, and a signer for tokens. `requests` counts JWKS fetches (jose caches the set).
 */
export class JwksServer {
  requests = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly privateKey: KeyLike,
    private readonly foreignKey: KeyLike,
    readonly url: string,
  ) {}

  static async start(): Promise<JwksServer> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const foreign = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    const body = JSON.stringify({ keys: [jwk] });
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new JwksServer(server, privateKey, foreign.privateKey, `http://127.0.0.1:${port}/.well-known/jwks.json`);
    // No one knows the port before start() returns, so no request can arrive before this handler.
    server.on('request', (_request: http.IncomingMessage, response: http.ServerResponse) => {
      self.requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    return self;
  }

  /** A token as the identity provider would issue it, at `nowMs`. */
  async sign(nowMs: number, options: SignOptions = {}, claims: JWTPayload = {}): Promise<string> {
    const issuedAt = Math.floor(nowMs / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject(options.subject ?? 'user-1')
      .setIssuedAt(issuedAt);
    if (options.expiresAt !== null) {
      jwt.setExpirationTime(options.expiresAt ?? issuedAt + 3600);
    }
    return jwt.sign(options.foreignKey === true ? this.foreignKey : this.privateKey);
  }

  /** Environment for the gateway's config. */
  env(): Record<string, string> {
    return { AUTH_JWKS_URL: this.url, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
