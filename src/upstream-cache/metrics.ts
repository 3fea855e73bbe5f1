import { Counter, Gauge, type Registry } from 'prom-client';
import type { CacheEvent, EvictionReason, UpstreamCacheOptions } from './caching-visma-api';

/**
 * The upstream cache's metrics on the gateway's registry, as the options that feed them:
 * `upstream_cache_events_total{event}` (hits, misses (a Visma call started), coalesced (joined one
 * in flight), bypass (passthrough without a token, or a fresh read), and the change polls with
 * their failures and overflows); `upstream_cache_evictions_total{reason}` (the bounds: bytes,
 * entries, age, and answers too large to keep); `upstream_cache_bytes` and
 * `upstream_cache_entries`, what the cache holds now.
 */
export function upstreamCacheMetrics(registry: Registry): Required<Pick<UpstreamCacheOptions, 'onEvent' | 'onEviction' | 'onHeld'>> {
  const events = new Counter({
    name: 'upstream_cache_events_total',
    help: 'Upstream cache outcomes of Visma reads (hit, miss, coalesced, bypass) and change polls (poll, poll_failed, poll_overflow).',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const evictions = new Counter({
    name: 'upstream_cache_evictions_total',
    help: 'Upstream cache entries dropped by its bounds (bytes, entries, age) or not kept because too large (too_large).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const bytes = new Gauge({
    name: 'upstream_cache_bytes',
    help: 'Bytes the upstream cache holds on the heap, estimated from its entries (each invoice once); bounded by CACHE_MAX_BYTES.',
    registers: [registry],
  });
  const entries = new Gauge({
    name: 'upstream_cache_entries',
    help: 'Invoices, customers and list pages the upstream cache holds; bounded by CACHE_MAX_ENTRIES.',
    registers: [registry],
  });
  return {
    onEvent: counting(events),
    onEviction: counting(evictions),
    onHeld(heldBytes, heldEntries) {
      bytes.set(heldBytes);
      entries.set(heldEntries);
    },
  };
}

/** One child per label value, made once: the counters are bumped on every read. */
function counting<L extends CacheEvent | EvictionReason>(counter: Counter<'event'> | Counter<'reason'>): (label: L) => void {
  const children = new Map<L, { inc(): void }>();
  return (label) => {
    let child = children.get(label);
    if (child === undefined) {
      child = counter.labels(label);
      children.set(label, child);
    }
    child.inc();
  };
}
