export { CachingVismaApi, type CacheEvent, type EvictionReason, type UpstreamAuth, type UpstreamCacheOptions } from './caching-visma-api';
export { Coalescer, type Timers, type Waiter } from './coalescer';
export { freezeAndWeigh, stringBytes } from './footprint';
export { LruStore, type CacheStore, type Footprint, type LruBounds, type RemovalReason } from './lru-store';
export { upstreamCacheMetrics } from './metrics';
export type { InvoiceChange, InvoiceChangeKind, InvoiceChangeSink, InvoiceChangeSource } from './changes';
export { LocalInvalidationHub, type FleetPoll, type Invalidation, type InvalidationBus, type PollClaim } from './invalidation-bus';
