import { CONFIG_DEFAULTS } from '../../src/config';
import { OpsGateway, sample } from './helpers/ops-gateway';

/** The cache-fill attack of issue 13: each request a distinct list of up to 500 fully read invoices. */
const ATTACK = `query Fill($from: Date!) {
  customerInvoices(first: 500, filter: { documentDate: { operator: GTE, value: $from } }) { nodes { referenceNumber } }
}`;

const MAX_BYTES = Number(CONFIG_DEFAULTS.CACHE_MAX_BYTES);

describe('the upstream cache under a cache-fill attack, on the shipped defaults', () => {
  let gateway: OpsGateway;

  beforeAll(async () => {
    gateway = await OpsGateway.start();
  });
  afterAll(() => gateway.stop());

  it('answers 100 distinct lists of 500 invoices while the bytes it holds stay within CACHE_MAX_BYTES', async () => {
    const held: number[] = [];
    const answered: number[] = [];
    for (let day = 0; day < 100; day += 1) {
      const from = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: ATTACK, variables: { from } }),
      });
      const body = (await response.json()) as { data?: { customerInvoices: { nodes: unknown[] } }; errors?: unknown[] };
      expect({ status: response.status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
      answered.push(body.data?.customerInvoices.nodes.length ?? -1);
      held.push(sample(await gateway.metricsText(), 'upstream_cache_bytes'));
    }
    const metrics = await gateway.metricsText();
    // Kept without a bound, these lists held 4 MB each (docs/upstream-cache.md, "Bounded in bytes"): the bound was reached.
    expect(sample(metrics, 'upstream_cache_evictions_total', { reason: 'bytes' })).toBeGreaterThan(0);
    expect(Math.max(...held)).toBeLessThanOrEqual(MAX_BYTES);
    expect(Math.max(...held)).toBeGreaterThan(MAX_BYTES / 2);
    expect(answered.every((nodes) => nodes > 0 && nodes <= 500)).toBe(true);
  }, 300_000);
});
