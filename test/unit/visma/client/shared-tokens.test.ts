import type { SharedToken, SharedTokenStore } from '../../../../src/visma/seams';
import { FakeClock, FakeUpstream, clientFor, ok } from '../helpers/fake-upstream';

/** One store several clients share, as replicas share Redis. */
class FakeTokenStore implements SharedTokenStore {
  current: SharedToken | null = null;
  locked = false;
  down = false;
  readonly calls: string[] = [];

  async get(): Promise<SharedToken | null> {
    this.record('get');
    return this.current;
  }
  async lock(): Promise<boolean> {
    this.record('lock');
    if (this.locked) return false;
    this.locked = true;
    return true;
  }
  async put(token: SharedToken): Promise<void> {
    this.record('put');
    this.current = token;
    this.locked = false;
  }
  async forget(token: string): Promise<void> {
    this.record('forget');
    if (this.current?.token === token) this.current = null;
  }
  private record(call: string): void {
    this.calls.push(call);
    if (this.down) throw new Error('connect ECONNREFUSED 10.0.0.7:6379');
  }
}

describe('VismaClient', () => {
  describe('a token shared between replicas', () => {
    it('fetches one token for the fleet and publishes it; the next replica takes it without asking Visma Connect', async () => {
      const upstream = new FakeUpstream(() => ok());
      const clock = new FakeClock();
      const store = new FakeTokenStore();

      await clientFor(upstream, clock, { sharedTokens: store }).getInvoice('1');
      await clientFor(upstream, clock, { sharedTokens: store }).getInvoice('2');

      expect(upstream.tokenRequests).toHaveLength(1);
      expect(upstream.apiRequests.map((request) => request.headers.Authorization)).toEqual(['Bearer token-1', 'Bearer token-1']);
      expect(store.current).toEqual({ token: 'token-1', renewAt: clock.now() + 3_600_000 - 60_000 });
    });

    it('waits for the replica that holds the refresh lock instead of fetching a second token', async () => {
      const upstream = new FakeUpstream(() => ok());
      const clock = new FakeClock();
      const store = new FakeTokenStore();
      store.locked = true;
      const other = clock.sleep;
      // While this replica sleeps, the lock holder publishes its token.
      const client = clientFor(upstream, clock, {
        sharedTokens: store,
        sleep: async (ms) => {
          await other(ms);
          await store.put({ token: 'fleet-token', renewAt: clock.now() + 600_000 });
        },
      });

      await client.getInvoice('1');

      expect(upstream.tokenRequests).toHaveLength(0);
      expect(upstream.apiRequests[0]?.headers.Authorization).toBe('Bearer fleet-token');
    });

    it('takes the token a replica published between its read and its lock, instead of fetching a second one', async () => {
      const upstream = new FakeUpstream(() => ok());
      const clock = new FakeClock();
      const store = new FakeTokenStore();
      // The other replica publishes (and releases the lock) right after this one found the store empty.
      const get = store.get.bind(store);
      let reads = 0;
      store.get = async () => {
        const seen = await get();
        reads += 1;
        if (reads === 1) await store.put({ token: 'fleet-token', renewAt: clock.now() + 600_000 });
        return seen;
      };

      await clientFor(upstream, clock, { sharedTokens: store }).getInvoice('1');

      expect(upstream.tokenRequests).toHaveLength(0);
      expect(upstream.apiRequests[0]?.headers.Authorization).toBe('Bearer fleet-token');
    });

    it('fetches its own token when the store fails, and warns without the secret', async () => {
      const upstream = new FakeUpstream(() => ok());
      const store = new FakeTokenStore();
      store.down = true;
      const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
      const client = clientFor(upstream, new FakeClock(), {
        sharedTokens: store,
        logger: { debug: () => undefined, warn: (message, fields) => warnings.push([message, fields]) },
      });

      await client.getInvoice('1');

      expect(upstream.apiRequests[0]?.headers.Authorization).toBe('Bearer token-1');
      expect(warnings.map(([message, fields]) => [message, fields?.['step']])).toEqual([
        ['shared token store failed; this replica uses its own token', 'read'],
        ['shared token store failed; this replica uses its own token', 'publish'],
      ]);
    });

    it('does not take a token Visma refused from the store again, and replaces it there', async () => {
      const upstream = new FakeUpstream((request) => (request.headers.Authorization === 'Bearer revoked' ? { status: 401 } : ok()));
      const clock = new FakeClock();
      const store = new FakeTokenStore();
      store.current = { token: 'revoked', renewAt: clock.now() + 600_000 };
      // forget() is not awaited by the client: make it land late, as over a network.
      store.forget = async () => undefined;

      await clientFor(upstream, clock, { sharedTokens: store }).getInvoice('1');

      expect(upstream.apiRequests.map((request) => request.headers.Authorization)).toEqual(['Bearer revoked', 'Bearer token-1']);
      expect(store.current?.token).toBe('token-1');
    });
  });
});
