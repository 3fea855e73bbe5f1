import type { CallOptions } from './api';
import { errorFromResponse, parseErrorBody, truncate } from './error-response';
import { VismaProtocolError, VismaTimeoutError, VismaUnauthenticatedError, isVismaError, type VismaError } from './errors';
import { raceCall, type CallContext, type Exchanger } from './exchange';
import type { ClientCredentialsAuth, Now, Sleep } from './options';
import { redactSecrets } from './redact';
import type { SharedTokenStore, TracedCall, VismaLogger } from './seams';

/** Where the bearer token of each call comes from. */
export interface TokenProvider {
  token(call: CallContext, options: CallOptions): Promise<string>;
  /**
   * Visma answered 401 to `token`: forget it if it is still the cached one. True when a fresh
   * token can be fetched, so the call may be repeated once with it.
   */
  rejected(token: string): boolean;
  /** Text that must never appear in a message or a log. */
  secrets(): string[];
}

/** Passthrough: each call carries its caller's own Visma token. Nothing is cached or refreshed. */
export class PassthroughTokenProvider implements TokenProvider {
  token(_call: CallContext, options: CallOptions): Promise<string> {
    if (typeof options.accessToken !== 'string' || options.accessToken.trim() === '') {
      return Promise.reject(
        new VismaUnauthenticatedError(
          'The Visma client runs in passthrough mode, and this call carried no access token (CallOptions.accessToken).',
        ),
      );
    }
    return Promise.resolve(options.accessToken);
  }

  rejected(): boolean {
    return false;
  }

  secrets(): string[] {
    return [];
  }
}

/** The token request in flight, and when it began: its budget is counted from then. */
interface TokenFetch {
  token: Promise<CachedToken>;
  startedAt: number;
}

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is renewed before use. */
  renewAt: number;
}

export interface ClientCredentialsSettings {
  auth: ClientCredentialsAuth;
  exchanger: Exchanger;
  now: Now;
  /** Budget of one token request, retries included. */
  requestBudgetMs: number;
  refreshMarginMs: number;
  /** A token shared with other replicas; undefined: this process fetches its own. */
  shared?: SharedTokenStore | undefined;
  sleep?: Sleep;
  logger?: VismaLogger;
}

/** How long one replica may hold the fleet's refresh lock: longer than a token request takes. */
export const SHARED_REFRESH_LOCK_MS = 10_000;
/** How long a replica that did not get the lock waits for the other's token before fetching its own. */
const SHARED_WAIT_MS = 2_000;
const SHARED_POLL_MS = 100;

/**
 * Visma Connect client credentials (CONTRACT §7): a form POST with `grant_type`, `client_id`,
 * `client_secret`, `scope` and `tenant_id`. The token is cached and renewed a margin before it
 * expires (at most half its lifetime, so short-lived tokens are not renewed on every call).
 * Only one request is ever in flight: concurrent callers wait for the same one, each under its
 * own deadline, and the request itself runs under its own budget so one caller giving up does
 * not fail it for the others. A caller that joined a request which then ran out of its budget
 * still has its own time: it waits for a new request rather than failing at the older deadline.
 */
export class ClientCredentialsTokenProvider implements TokenProvider {
  private cached: CachedToken | null = null;
  private inFlight: TokenFetch | null = null;
  /** The last token Visma refused, so the shared store's copy of it is not taken again. */
  private refused: string | null = null;
  private readonly operation: string;

  constructor(private readonly settings: ClientCredentialsSettings) {
    this.operation = `POST ${new URL(settings.auth.tokenUrl).pathname}`;
  }

  async token(call: CallContext): Promise<string> {
    const { now } = this.settings;
    const joinedAt = now();
    for (;;) {
      if (this.cached !== null && now() < this.cached.renewAt) {
        return this.cached.token;
      }
      // A token request shared by several calls is traced under the call that started it.
      const fetch = (this.inFlight ??= this.startFetch(call.trace));
      let gaveUp: Error | undefined;
      try {
        const fresh = await raceCall(fetch.token, call, now, (reason) => {
          gaveUp = new VismaTimeoutError(
            reason === 'aborted'
              ? 'The call was aborted while waiting for a Visma Connect token.'
              : 'The call ran out of time while waiting for a Visma Connect token.',
            { operation: this.operation },
          );
          return gaveUp;
        });
        return fresh.token;
      } catch (error) {
        // A request that began before this call ran out of its own budget, counted from its start,
        // not of this call's: the call waits for a request of its own under its own deadline. Any
        // request it finds now began after it joined, so this happens at most once per call.
        const outlivedByCaller = error !== gaveUp && isVismaError(error) && error.kind === 'timeout' && fetch.startedAt < joinedAt;
        if (!outlivedByCaller) throw error;
      }
    }
  }

  private startFetch(trace: TracedCall | undefined): TokenFetch {
    const startedAt = this.settings.now();
    const token = this.request(trace).finally(() => {
      this.inFlight = null;
    });
    return { token, startedAt };
  }

  rejected(token: string): boolean {
    if (this.cached?.token === token) {
      this.cached = null;
    }
    this.refused = token;
    this.settings.shared?.forget(token).catch((error: unknown) => this.sharedFailed('forget', error));
    return true;
  }

  secrets(): string[] {
    return [this.settings.auth.clientSecret, ...(this.cached === null ? [] : [this.cached.token])];
  }

  /**
   * With a shared store: the fleet's token when it is fresh; else one replica (the one that
   * takes the lock) fetches and publishes, and the others wait briefly for its token. A store
   * that fails, or a token that does not arrive in time, means this replica fetches its own, as
   * without a store: sharing saves calls to Visma Connect, it is never needed for a token.
   */
  private async request(trace: TracedCall | undefined): Promise<CachedToken> {
    const { shared, now } = this.settings;
    if (shared === undefined) return this.fetchToken(trace);
    // A token Visma just refused may still be in the store until forget() lands.
    const usable = (token: CachedToken | null): token is CachedToken =>
      token !== null && token.token !== this.refused && now() < token.renewAt;
    try {
      const current = await shared.get();
      if (usable(current)) return this.keep(current);
      if (await shared.lock(SHARED_REFRESH_LOCK_MS)) {
        // Another replica may have published and released the lock between our read and our
        // lock: look again, or two replicas starting together both fetch a token.
        const published = await shared.get();
        if (usable(published)) return this.keep(published);
      } else {
        const sleep = this.settings.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
        for (let waited = 0; waited < SHARED_WAIT_MS; waited += SHARED_POLL_MS) {
          await sleep(SHARED_POLL_MS);
          const next = await shared.get();
          if (usable(next)) return this.keep(next);
        }
      }
    } catch (error) {
      this.sharedFailed('read', error);
    }
    const token = await this.fetchToken(trace);
    shared.put(token).catch((error: unknown) => this.sharedFailed('publish', error));
    return token;
  }

  private keep(token: CachedToken): CachedToken {
    this.cached = { token: token.token, renewAt: token.renewAt };
    return this.cached;
  }

  private sharedFailed(step: string, error: unknown): void {
    this.settings.logger?.warn('shared token store failed; this replica uses its own token', {
      step,
      error: error instanceof Error ? redactSecrets(error.message, this.secrets()) : 'unknown',
    });
  }

  private async fetchToken(trace: TracedCall | undefined): Promise<CachedToken> {
    const { auth, exchanger, now, requestBudgetMs } = this.settings;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: auth.clientId,
      client_secret: auth.clientSecret,
      scope: auth.scopes.join(' '),
      tenant_id: auth.tenantId,
    }).toString();
    // A token request only fetches a token, so it is safe to repeat like a GET.
    const response = await exchanger.send(
      {
        method: 'POST',
        url: auth.tokenUrl,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body,
      },
      { deadline: now() + requestBudgetMs, callerSignal: undefined, trace },
      // The token URL's path names no one: it is its own route.
      { operation: this.operation, route: this.operation, idempotent: true },
    );
    if (response.status !== 200) {
      throw this.refusal(response.status, response.body, response.headers);
    }
    const token = this.parse(response.body);
    this.cached = token;
    return token;
  }

  private parse(text: string): CachedToken {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new VismaProtocolError('Visma Connect answered 200 with a body that is not JSON.', {
        operation: this.operation,
        status: 200,
      });
    }
    const { access_token: token, expires_in: expiresIn } = (json ?? {}) as Record<string, unknown>;
    const lifetimeSeconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn;
    if (typeof token !== 'string' || token === '' || typeof lifetimeSeconds !== 'number' || !(lifetimeSeconds > 0)) {
      throw new VismaProtocolError('Visma Connect answered 200 without an access_token and a positive expires_in.', {
        operation: this.operation,
        status: 200,
      });
    }
    const lifetimeMs = lifetimeSeconds * 1000;
    const margin = Math.min(this.settings.refreshMarginMs, lifetimeMs / 2);
    return { token, renewAt: this.settings.now() + lifetimeMs - margin };
  }

  private refusal(status: number, body: string, headers: { get(name: string): string | null }): VismaError {
    const redact = (text: string): string => redactSecrets(text, this.secrets());
    // RFC 6749 5.2: a 400/401 with `error` (invalid_client, invalid_scope, ...) means the
    // credentials or the tenant are wrong, not that Visma Connect is down.
    if (status === 400 || status === 401 || status === 403) {
      // Redacted before it is parsed and cut to length: a cut could leave part of a secret.
      const redacted = redact(body);
      const parsed = parseOAuthError(redacted) ?? parseErrorBody(redacted).message;
      const said = parsed === null ? '' : `: ${redact(parsed)}`;
      return new VismaUnauthenticatedError(`Visma Connect refused the client credentials (${status})${said}`, {
        operation: this.operation,
        status,
      });
    }
    return errorFromResponse({ status, operation: this.operation, headers, body, now: this.settings.now(), redact });
  }
}

function parseOAuthError(body: string): string | null {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    if (typeof json.error !== 'string') return null;
    const description = typeof json.error_description === 'string' ? ` (${json.error_description})` : '';
    return truncate(`${json.error}${description}`);
  } catch {
    return null;
  }
}
