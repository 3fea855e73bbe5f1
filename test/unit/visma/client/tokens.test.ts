import { VismaTimeoutError, VismaUnauthenticatedError, VismaUnavailableError } from '../../../../src/visma/errors';
import {
  CLIENT_SECRET,
  FakeClock,
  FakeUpstream,
  TOKEN_URL,
  caught,
  clientFor,
  deferred,
  flush,
  ok,
  type Reply,
} from '../helpers/fake-upstream';

describe('VismaClient', () => {
  describe('client credentials', () => {
    it('asks Visma Connect for a token with the form fields Visma expects', async () => {
      const upstream = new FakeUpstream(() => ok());
      await clientFor(upstream, new FakeClock()).getInvoice('000123');

      const [tokenRequest] = upstream.tokenRequests;
      expect(tokenRequest?.method).toBe('POST');
      expect(tokenRequest?.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({
        grant_type: 'client_credentials',
        client_id: 'gateway',
        client_secret: CLIENT_SECRET,
        // The scopes the client's operations need; it deletes nothing, so it does not ask for delete.
        scope: 'vismanet_erp_service_api:read vismanet_erp_service_api:create vismanet_erp_service_api:update',
        tenant_id: 'tenant-1',
      });
      expect(upstream.apiRequests[0]?.headers.Authorization).toBe('Bearer token-1');
    });

    it('reuses the cached token across calls', async () => {
      const upstream = new FakeUpstream(() => ok());
      const client = clientFor(upstream, new FakeClock());

      await client.getInvoice('1');
      await client.getInvoice('2');
      await client.getInvoice('3');

      expect(upstream.tokenRequests).toHaveLength(1);
      expect(upstream.apiRequests.map((request) => request.headers.Authorization)).toEqual([
        'Bearer token-1',
        'Bearer token-1',
        'Bearer token-1',
      ]);
    });

    it('renews the token a margin before it expires', async () => {
      const upstream = new FakeUpstream(() => ok());
      const clock = new FakeClock();
      const client = clientFor(upstream, clock, { tokenRefreshMarginMs: 60_000 });

      await client.getInvoice('1');
      clock.advance(3600_000 - 60_000 - 1);
      await client.getInvoice('2');
      clock.advance(1);
      await client.getInvoice('3');

      expect(upstream.apiRequests.map((request) => request.headers.Authorization)).toEqual([
        'Bearer token-1',
        'Bearer token-1',
        'Bearer token-2',
      ]);
    });

    it('renews a short-lived token at half its lifetime rather than on every call', async () => {
      const upstream: FakeUpstream = new FakeUpstream(
        () => ok(),
        () => upstream.issueToken(10),
      );
      const clock = new FakeClock();
      const client = clientFor(upstream, clock, { tokenRefreshMarginMs: 60_000 });

      await client.getInvoice('1');
      clock.advance(4_999);
      await client.getInvoice('2');
      clock.advance(1);
      await client.getInvoice('3');

      expect(upstream.tokenRequests).toHaveLength(2);
    });

    it('shares one in-flight token request among concurrent callers', async () => {
      const held = deferred<Reply>();
      const upstream = new FakeUpstream(
        () => ok(),
        () => held.promise,
      );
      const client = clientFor(upstream, new FakeClock());

      const calls = [client.getInvoice('1'), client.getInvoice('2'), client.getInvoice('3'), client.getInvoice('4')];
      await flush();
      held.settle(upstream.issueToken(3600));
      await Promise.all(calls);

      expect(upstream.tokenRequests).toHaveLength(1);
      expect(upstream.apiRequests).toHaveLength(4);
    });

    it('lets one caller give up on a shared token request without failing the others', async () => {
      const held = deferred<Reply>();
      const upstream = new FakeUpstream(
        () => ok(),
        () => held.promise,
      );
      const client = clientFor(upstream, new FakeClock());
      const impatient = new AbortController();

      const abandoned = client.getInvoice('1', { signal: impatient.signal });
      const patient = client.getInvoice('2');
      await flush();
      impatient.abort();
      const error = await caught(abandoned);
      held.settle(upstream.issueToken(3600));

      expect(error).toBeInstanceOf(VismaTimeoutError);
      await expect(patient).resolves.toMatchObject({ referenceNumber: '000123' });
      expect(upstream.tokenRequests).toHaveLength(1);
    });

    describe('a call that joins a token request already in flight keeps its own deadline', () => {
      const start = Date.parse('2025-01-27T12:00:00Z');
      // Each call and each token request may take a second; a token request that hangs fails at its end.
      const onFakeTime = { now: () => Date.now(), sleep: undefined, deadlineMs: 1_000, attemptTimeoutMs: 1_000 };

      beforeEach(() => jest.useFakeTimers({ now: start }));
      afterEach(() => jest.useRealTimers());

      /** When the promise settled, in ms since the start; undefined while it is pending. */
      function settledAt(promise: Promise<unknown>): { ms?: number } {
        const seen: { ms?: number } = {};
        const record = (): void => {
          seen.ms = Date.now() - start;
        };
        promise.then(record, record);
        return seen;
      }

      it('gets a token from a request of its own when the one it joined runs out of time', async () => {
        const upstream: FakeUpstream = new FakeUpstream(
          () => ok(),
          (_request, index) => (index === 0 ? 'hang' : upstream.issueToken(3600)),
        );
        const client = clientFor(upstream, new FakeClock(), onFakeTime);

        const first = caught(client.getInvoice('1'));
        await jest.advanceTimersByTimeAsync(988);
        const joiner = client.getInvoice('2');
        const joinerSettled = settledAt(joiner);
        await jest.advanceTimersByTimeAsync(12);

        expect(await first).toBeInstanceOf(VismaTimeoutError);
        await expect(joiner).resolves.toMatchObject({ referenceNumber: '000123' });
        expect(joinerSettled.ms).toBe(1_000);
        expect(upstream.tokenRequests).toHaveLength(2);
      });

      it('fails at its own deadline, not 12 ms after it arrived, when Visma Connect does not answer at all', async () => {
        const upstream = new FakeUpstream(
          () => ok(),
          () => 'hang',
        );
        const client = clientFor(upstream, new FakeClock(), onFakeTime);

        const first = caught(client.getInvoice('1'));
        await jest.advanceTimersByTimeAsync(988);
        const joiner = caught(client.getInvoice('2'));
        const joinerSettled = settledAt(joiner);
        await jest.advanceTimersByTimeAsync(12);

        expect(await first).toBeInstanceOf(VismaTimeoutError);
        expect(joinerSettled.ms).toBeUndefined();
        await jest.advanceTimersByTimeAsync(1_000);
        expect(await joiner).toBeInstanceOf(VismaTimeoutError);
        expect(joinerSettled.ms).toBe(988 + 1_000);
        expect(upstream.tokenRequests).toHaveLength(2);
      });

      it('shares a refusal of the credentials at once: only running out of time belongs to the older request', async () => {
        const held = deferred<Reply>();
        const upstream = new FakeUpstream(
          () => ok(),
          () => held.promise,
        );
        const client = clientFor(upstream, new FakeClock(), onFakeTime);

        const first = caught(client.getInvoice('1'));
        await jest.advanceTimersByTimeAsync(988);
        const joiner = caught(client.getInvoice('2'));
        held.settle({ status: 400, body: { error: 'invalid_client' } });
        await jest.advanceTimersByTimeAsync(1);

        expect(await first).toBeInstanceOf(VismaUnauthenticatedError);
        expect(await joiner).toBeInstanceOf(VismaUnauthenticatedError);
        expect(upstream.tokenRequests).toHaveLength(1);
      });
    });

    it('repeats a call once with a fresh token after a 401', async () => {
      const upstream = new FakeUpstream((request) => (request.headers.Authorization === 'Bearer token-1' ? { status: 401 } : ok()));

      await clientFor(upstream, new FakeClock()).getInvoice('000123');

      expect(upstream.tokenRequests).toHaveLength(2);
      expect(upstream.apiRequests.map((request) => request.headers.Authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    });

    it('repeats even a create after a 401, since Visma refused it before processing it', async () => {
      const upstream = new FakeUpstream((request) =>
        request.headers.Authorization === 'Bearer token-1'
          ? { status: 401 }
          : { status: 201, headers: { Location: 'https://visma.test/v1/customerinvoice/000200' } },
      );

      const created = await clientFor(upstream, new FakeClock()).createInvoice({ customerNumber: '10000', lines: [] });

      expect(created.referenceNumber).toBe('000200');
      expect(upstream.apiRequests).toHaveLength(2);
    });

    it('refreshes once for many calls refused together with the same revoked token', async () => {
      let revoked = false;
      const upstream = new FakeUpstream((request) =>
        revoked && request.headers.Authorization === 'Bearer token-1' ? { status: 401 } : ok(),
      );
      const client = clientFor(upstream, new FakeClock());
      await client.getInvoice('warm-up');
      revoked = true;

      await Promise.all([client.getInvoice('1'), client.getInvoice('2'), client.getInvoice('3')]);

      expect(upstream.tokenRequests).toHaveLength(2);
      expect(upstream.apiRequests.slice(-3).map((request) => request.headers.Authorization)).toEqual([
        'Bearer token-2',
        'Bearer token-2',
        'Bearer token-2',
      ]);
    });

    it('fails with VismaUnauthenticatedError when the fresh token is refused too', async () => {
      const upstream = new FakeUpstream(() => ({ status: 401 }));

      const error = await caught(clientFor(upstream, new FakeClock()).getInvoice('000123'));

      expect(error).toBeInstanceOf(VismaUnauthenticatedError);
      expect(upstream.apiRequests).toHaveLength(2);
      expect(upstream.tokenRequests).toHaveLength(2);
    });

    it('reports refused credentials without quoting the client secret', async () => {
      const upstream = new FakeUpstream(
        () => ok(),
        () => ({ status: 400, body: { error: 'invalid_client', error_description: `unknown secret ${CLIENT_SECRET}` } }),
      );

      const error = await caught(clientFor(upstream, new FakeClock()).getInvoice('000123'));

      expect(error).toBeInstanceOf(VismaUnauthenticatedError);
      expect(error.message).toContain('invalid_client');
      expect(error.message).not.toContain(CLIENT_SECRET);
      expect(upstream.apiRequests).toHaveLength(0);
    });

    it('reports a refusal that quotes the posted form, cut to length, without any spelling of the secret', async () => {
      const secret = 'cs+4c/1e=9a&7d%2b 5f8e';
      // Padded so that the 300-character cut of quoted text falls inside the secret.
      const upstream = new FakeUpstream(
        () => ok(),
        ({ body = '' }) => ({ status: 400, body: `${'x'.repeat(300 - body.indexOf('client_secret=') - 20)}${body}` }),
      );
      const auth = {
        mode: 'client_credentials' as const,
        tokenUrl: TOKEN_URL,
        clientId: 'gateway',
        clientSecret: secret,
        tenantId: 'tenant-1',
      };

      const error = await caught(clientFor(upstream, new FakeClock(), { auth }).getInvoice('000123'));

      expect(error.message).toMatch(/client_secret=\[redac/);
      expect(error.message).not.toMatch(/client_secret=cs/);
      expect(error.message).not.toContain(new URLSearchParams({ secret }).toString().slice('secret='.length));
    });

    it('retries the token request when Visma Connect is briefly unavailable', async () => {
      const upstream: FakeUpstream = new FakeUpstream(
        () => ok(),
        (_request, index) => (index === 0 ? { status: 503 } : upstream.issueToken(3600)),
      );

      await clientFor(upstream, new FakeClock()).getInvoice('000123');

      expect(upstream.tokenRequests).toHaveLength(2);
    });

    it('fails with VismaUnavailableError when Visma Connect stays down', async () => {
      const upstream = new FakeUpstream(
        () => ok(),
        () => ({ status: 503 }),
      );

      const error = await caught(clientFor(upstream, new FakeClock()).getInvoice('000123'));

      expect(error).toBeInstanceOf(VismaUnavailableError);
      expect(upstream.tokenRequests).toHaveLength(3);
    });

    it('treats a token answer without access_token as a protocol error', async () => {
      const upstream = new FakeUpstream(
        () => ok(),
        () => ({ status: 200, body: { token_type: 'Bearer' } }),
      );

      const error = await caught(clientFor(upstream, new FakeClock()).getInvoice('000123'));

      expect(error.name).toBe('VismaProtocolError');
    });
  });

  describe('passthrough', () => {
    const passthrough = { auth: { mode: 'passthrough' as const } };

    it("sends the caller's own token and never asks Visma Connect", async () => {
      const upstream = new FakeUpstream(() => ok());

      await clientFor(upstream, new FakeClock(), passthrough).getInvoice('000123', { accessToken: 'caller-token' });

      expect(upstream.apiRequests[0]?.headers.Authorization).toBe('Bearer caller-token');
      expect(upstream.tokenRequests).toHaveLength(0);
    });

    it('fails before sending anything when the call carries no token', async () => {
      const upstream = new FakeUpstream(() => ok());

      const error = await caught(clientFor(upstream, new FakeClock(), passthrough).getInvoice('000123'));

      expect(error).toBeInstanceOf(VismaUnauthenticatedError);
      expect(error.message).toContain('CallOptions.accessToken');
      expect(upstream.requests).toHaveLength(0);
    });

    it('does not repeat a call after a 401, since it cannot fetch a fresh token', async () => {
      const upstream = new FakeUpstream(() => ({ status: 401 }));

      const error = await caught(clientFor(upstream, new FakeClock(), passthrough).getInvoice('000123', { accessToken: 'caller-token' }));

      expect(error).toBeInstanceOf(VismaUnauthenticatedError);
      expect(error.message).not.toContain('caller-token');
      expect(upstream.apiRequests).toHaveLength(1);
    });
  });
});
