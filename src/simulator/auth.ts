/**
 * Visma Connect's client-credentials token endpoint and bearer-token checks (CONTRACT §7).
 * Errors follow RFC 6749 §5.2. Tokens are opaque random strings held in memory; secrets and
 * tokens are never echoed in a response or a log line.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  tenantIds: string[];
}

export const SERVICE_SCOPES = [
  'vismanet_erp_service_api:read',
  'vismanet_erp_service_api:create',
  'vismanet_erp_service_api:update',
  'vismanet_erp_service_api:delete',
] as const;
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

export interface Grant {
  clientId: string;
  tenantId: string;
  scopes: ReadonlySet<string>;
  expiresAtMs: number;
}

export type TokenOutcome =
  | { ok: true; body: { access_token: string; expires_in: number; token_type: 'Bearer'; scope: string } }
  | { ok: false; status: 400 | 401; error: string; description: string; basicChallenge: boolean };

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function sameSecret(expected: string, received: string): boolean {
  return timingSafeEqual(digest(expected), digest(received));
}

function fail(status: 400 | 401, error: string, description: string, basicChallenge = false): TokenOutcome {
  return { ok: false, status, error, description, basicChallenge };
}

/** Decodes `Authorization: Basic` credentials (RFC 6749 §2.3.1: form-encoded, then base64). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | 'absent' | 'malformed' {
  if (!header) return 'absent';
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match) return 'absent';
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return 'malformed';
  }
}

export class TokenService {
  private readonly tokens = new Map<string, Grant>();

  constructor(
    private readonly clients: readonly ClientRegistration[],
    private readonly lifetimeSeconds: () => number,
  ) {}

  issue(form: URLSearchParams, authorization: string | undefined, nowMs: number): TokenOutcome {
    const basic = basicCredentials(authorization);
    if (basic === 'malformed') return fail(401, 'invalid_client', 'Malformed basic credentials.', true);
    const formId = form.get('client_id');
    const formSecret = form.get('client_secret');
    if (basic !== 'absent' && formSecret !== null) {
      // RFC 6749 §2.3: a client must not use more than one authentication method per request.
      return fail(400, 'invalid_request', 'Client credentials were sent both in the header and in the body.');
    }
    const grantType = form.get('grant_type');
    if (!grantType) return fail(400, 'invalid_request', 'grant_type is required.');
    if (grantType !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'Only client_credentials is supported.');
    const id = basic === 'absent' ? formId : basic.id;
    const secret = basic === 'absent' ? formSecret : basic.secret;
    if (!id || secret === null) return fail(401, 'invalid_client', 'Client authentication failed.', basic !== 'absent');
    const client = this.clients.find((registered) => registered.clientId === id);
    if (!client || !sameSecret(client.clientSecret, secret)) {
      return fail(401, 'invalid_client', 'Client authentication failed.', basic !== 'absent');
    }
    const tenantId = form.get('tenant_id');
    if (!tenantId) return fail(400, 'invalid_request', 'tenant_id is required.');
    if (!client.tenantIds.includes(tenantId)) return fail(400, 'invalid_grant', 'The client has no access to this tenant.');
    const requested = (form.get('scope') ?? '').split(' ').filter((scope) => scope.length > 0);
    const unknown = requested.filter((scope) => !(SERVICE_SCOPES as readonly string[]).includes(scope));
    if (unknown.length > 0) return fail(400, 'invalid_scope', 'A requested scope is not available to this client.');
    // Without a scope parameter the client gets every scope it is registered for (RFC 6749 §3.3).
    const scopes = requested.length > 0 ? [...new Set(requested)] : [...SERVICE_SCOPES];
    const lifetime = this.lifetimeSeconds();
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, { clientId: client.clientId, tenantId, scopes: new Set(scopes), expiresAtMs: nowMs + lifetime * 1000 });
    this.prune(nowMs);
    return { ok: true, body: { access_token: accessToken, expires_in: lifetime, token_type: 'Bearer', scope: scopes.join(' ') } };
  }

  /** The grant behind an `Authorization: Bearer` header, or null when missing, unknown or expired. */
  verify(authorization: string | undefined, nowMs: number): Grant | null {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return null;
    const token = match[1] ?? '';
    const grant = this.tokens.get(token);
    if (!grant) return null;
    if (nowMs >= grant.expiresAtMs) {
      this.tokens.delete(token);
      return null;
    }
    return grant;
  }

  revokeAll(): void {
    this.tokens.clear();
  }

  get activeCount(): number {
    return this.tokens.size;
  }

  private prune(nowMs: number): void {
    if (this.tokens.size < 10_000) return;
    for (const [token, grant] of this.tokens) if (nowMs >= grant.expiresAtMs) this.tokens.delete(token);
  }
}
