import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GatewayProcess, ensureBuilt } from './helpers/gateway-process';

/**
 * The gateway as the image starts it, from its V8 startup snapshot (docs/operations.md,
 * "Start-up"): two processes from the same blob, in demo mode. The snapshot holds what was built
 * once (the schema, the modules); each process must still have what is its own.
 */
describe('the gateway started from its startup snapshot', () => {
  const SUBGRAPH_SDL = readFileSync(path.join(__dirname, '..', '..', 'schema', 'subgraph.graphql'), 'utf8');
  const processes: Array<{ gateway: GatewayProcess; spawnedAt: number }> = [];

  beforeAll(async () => {
    ensureBuilt();
    for (let i = 0; i < 2; i++) {
      const spawnedAt = Date.now();
      processes.push({ gateway: await GatewayProcess.start({}), spawnedAt });
    }
  }, 120_000);
  afterAll(() => Promise.all(processes.map(({ gateway }) => gateway.stop())));

  it('serves the schema the snapshot built, as the committed subgraph SDL', async () => {
    for (const { gateway } of processes) {
      const answer = await gateway.post('{ _service { sdl } }', {}, {});
      expect(answer.errors).toBeUndefined();
      expect(`${String((answer.data?.['_service'] as { sdl: string }).sdl).trim()}\n`).toBe(SUBGRAPH_SDL);
    }
  });

  it('draws its own randomness: the two processes give different request ids', async () => {
    // A UUID drawn while the snapshot was built would be every process's first (Node keeps a batch).
    const firstIds = await Promise.all(
      processes.map(async ({ gateway }) =>
        (await fetch(gateway.url, { method: 'GET', headers: { accept: 'text/html' } })).headers.get('x-request-id'),
      ),
    );
    expect(firstIds[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(firstIds[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(firstIds[0]).not.toBe(firstIds[1]);
  });

  it("reports its own start time, not the snapshot's", async () => {
    for (const { gateway, spawnedAt } of processes) {
      const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
      const startedAt = Number(/^process_start_time_seconds (\d+)/m.exec(metrics)?.[1]);
      // prom-client rounds to the second; the blob was built before this suite spawned anything.
      expect(startedAt).toBeGreaterThanOrEqual(Math.floor(spawnedAt / 1000) - 1);
    }
  });

  it('answers from the embedded simulator, which it started without the snapshot', async () => {
    const answer = await processes[0]!.gateway.post(
      'query One($n: ID!) { customerInvoice(referenceNumber: $n) { referenceNumber } }',
      { n: '003097' },
      {},
    );
    expect(answer).toEqual({ data: { customerInvoice: { referenceNumber: '003097' } } });
  });
});
