import { createHash, timingSafeEqual } from 'node:crypto';
import type * as Jose from 'jose';
import type { InboundAuthConfig, VismaAuthMode } from '../../config';

/** Who made a request, as far as the gateway can tell. Logged by id only, never with a credential. */
export type Caller =
  | { kind: 'jwt'; id: string }
  | { kind: 'api_key'; id: string }
  /** Passthrough mode without a method of its own: Visma checks the forwarded token on every call. */
  | { kind: 'visma_token' }
  | { kind: 'anonymous' };

export type AuthOutcome = { ok: true; caller: Caller } | { ok: false; reason: string };

export interface InboundCredentials {
  /** The raw `Authorization` header. */
  authorization: string | undefined;
  /** The raw `X-API-Key` header. */
  apiKey: string | undefined;
}

export interface InboundAuthOptions {
  config: InboundAuthConfig;
  visma: { authMode: VismaAuthMode };
  /** Defaults to `Date.now`; tests pass a fake clock so token expiry is deterministic. */
  now?: () => number;
  /** Defaults to a remote JWKS at `config.jwt.jwksUrl` (jose caches it and refetches on an unknown `kid`). */
  jwks?: Jose.JWTVerifyGetKey;
}

/** jose's own fetch of the JWKS; five seconds then the request is refused, not hung. */
const JWKS_TIMEOUT_MS = 5_000;
/** Tolerated clock skew between the identity provider and the gateway. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Checks the caller's credentials before any GraphQL work. Two methods, either accepted:
 * a JWT in `Authorization: Bearer` verified against a JWKS (signature, `iss`, `aud`, `exp`,
 * an allow-list of asymmetric algorithms), and API keys sent as `X-API-Key`, of which only
 * SHA-256 digests are configured and which are compared in constant time.
 *
 * Every credential that is sent is checked when the gateway has a way to check it (a JWKS for a
 * bearer token, digests for a key), even when authentication is optional or another credential
 * is good: a bad one is refused rather than ignored. A credential of a method that is not
 * configured is not looked at (the router may forward headers meant for other subgraphs), and
 * does not authenticate anyone. In passthrough mode `Authorization` carries the
 * caller's Visma token, which is forwarded; a configured JWKS (Visma Connect's, for example)
 * then checks that same token before it leaves.
 */
export class InboundAuthenticator {
  private readonly config: InboundAuthConfig;
  private readonly passthrough: boolean;
  private readonly now: () => number;
  /** Given, or made from `config.jwt.jwksUrl` on the first JWT. */
  private jwks: Jose.JWTVerifyGetKey | undefined;
  private readonly keyDigests: readonly Buffer[];

  constructor(options: InboundAuthOptions) {
    this.config = options.config;
    this.passthrough = options.visma.authMode === 'passthrough';
    this.now = options.now ?? Date.now;
    this.jwks = options.jwks;
    this.keyDigests = options.config.apiKeySha256.map((digest) => Buffer.from(digest, 'hex'));
  }

  async authenticate(credentials: InboundCredentials): Promise<AuthOutcome> {
    // Every credential the gateway can check is checked, and any one refused refuses the
    // request: a good API key does not carry a bad JWT in with it.
    let keyCaller: Caller | undefined;
    if (credentials.apiKey !== undefined && this.keyDigests.length > 0) {
      const id = this.matchApiKey(credentials.apiKey);
      if (id === null) {
        return { ok: false, reason: 'unknown API key' };
      }
      keyCaller = { kind: 'api_key', id };
    }
    const bearer = bearerToken(credentials.authorization);
    let jwtCaller: Caller | undefined;
    if (this.config.jwt !== null && bearer !== undefined) {
      const verified = await this.verifyJwt(bearer, this.config.jwt);
      if (!verified.ok) {
        return verified;
      }
      jwtCaller = verified.caller;
    }
    // With both, the caller keeps the name it had before both were checked: the key's, or in
    // passthrough mode the token's, which is the identity Visma sees.
    const caller = this.passthrough ? (jwtCaller ?? keyCaller) : (keyCaller ?? jwtCaller);
    if (caller !== undefined) {
      return { ok: true, caller };
    }
    // Passthrough with no method of its own leaves the token to Visma; with one, it is required like anywhere else.
    const ownMethod = this.config.jwt !== null || this.keyDigests.length > 0;
    if (this.passthrough && !(ownMethod && this.config.required)) {
      return { ok: true, caller: { kind: 'visma_token' } };
    }
    if (this.config.required) {
      const reason = this.passthrough
        ? 'no credentials of the gateway besides the Visma token'
        : bearer === undefined
          ? 'no credentials'
          : 'a bearer token but no JWKS to check it against';
      return { ok: false, reason };
    }
    return { ok: true, caller: { kind: 'anonymous' } };
  }

  private async verifyJwt(token: string, jwt: NonNullable<InboundAuthConfig['jwt']>): Promise<AuthOutcome> {
    const { createRemoteJWKSet, errors: joseErrors, jwtVerify } = await loadJose();
    this.jwks ??= createRemoteJWKSet(new URL(jwt.jwksUrl), { timeoutDuration: JWKS_TIMEOUT_MS });
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: jwt.issuer,
        audience: jwt.audience,
        algorithms: [...jwt.algorithms],
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.now()),
      });
      return { ok: true, caller: { kind: 'jwt', id: typeof payload.sub === 'string' ? payload.sub.slice(0, 128) : '(no sub)' } };
    } catch (error) {
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWKS_NO_MATCHING_KEY, ERR_JWKS_TIMEOUT, …) say why without quoting the token.
      const code = error instanceof joseErrors.JOSEError ? error.code : 'ERR_UNEXPECTED';
      return { ok: false, reason: `JWT refused (${code})` };
    }
  }

  /**
   * Every configured digest is compared, match or not, so the time taken does not tell which
   * one matched. The id logged is the digest's first 12 hex digits: it names the key without
   * helping anyone forge it.
   */
  private matchApiKey(key: string): string | null {
    const digest = createHash('sha256').update(key, 'utf8').digest();
    let matched: string | null = null;
    for (const candidate of this.keyDigests) {
      if (timingSafeEqual(digest, candidate) && matched === null) {
        matched = candidate.toString('hex').slice(0, 12);
      }
    }
    return matched;
  }
}

/**
 * jose is loaded on the first JWT, not at start: most deployments use API keys or none, and
 * loading it cost about 33 ms of the cold start (bench/README.md, "Levers").
 */
let jose: Promise<typeof Jose> | undefined;
function loadJose(): Promise<typeof Jose> {
  jose ??= import('jose');
  return jose;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** `sha256Hex('my-key')` is what goes into AUTH_API_KEY_SHA256. */
export function sha256Hex(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
