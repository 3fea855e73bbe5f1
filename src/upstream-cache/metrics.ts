import { Counter, type Registry } from 'prom-client';
import type { CacheEvent } from './caching-visma-api';

/**
 * `upstream_cache_events_total{event}` on the gateway's registry: hits, misses (a Visma call
 * started), coalesced (joined one in flight), bypass (passthrough without a token, or a fresh
 * read), and the change polls with their failures and overflows.
 */
export function upstreamCacheMetrics(registry: Registry): (event: CacheEvent) => void {
  const events = new Counter({
    name: 'upstream_cache_events_total',
    help: 'Upstream cache outcomes of Visma reads (hit, miss, coalesced, bypass) and change polls (poll, poll_failed, poll_overflow).',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const byEvent = new Map<CacheEvent, { inc(): void }>();
  return (event) => {
    let child = byEvent.get(event);
    if (child === undefined) {
      child = events.labels(event);
      byEvent.set(event, child);
    }
    child.inc();
  };
}
