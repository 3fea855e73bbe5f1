import { Registry } from 'prom-client';
import { upstreamCacheMetrics } from '../../../src/upstream-cache';

describe('upstreamCacheMetrics', () => {
  it('counts events and evictions by label, and shows what the cache holds now', async () => {
    const registry = new Registry();
    const hooks = upstreamCacheMetrics(registry);
    hooks.onEvent('hit');
    hooks.onEvent('hit');
    hooks.onEviction('bytes');
    hooks.onEviction('age');
    hooks.onEviction('bytes');
    hooks.onHeld(1_234_567, 89);
    hooks.onHeld(1_000, 2);
    const text = await registry.metrics();
    expect(text).toContain('upstream_cache_events_total{event="hit"} 2');
    expect(text).toContain('upstream_cache_evictions_total{reason="bytes"} 2');
    expect(text).toContain('upstream_cache_evictions_total{reason="age"} 1');
    expect(text).toContain('upstream_cache_bytes 1000');
    expect(text).toContain('upstream_cache_entries 2');
  });
});
