export { CachingVismaApi, type CacheEvent, type UpstreamAuth, type UpstreamCacheOptions } from './caching-visma-api';
export { Coalescer, type Timers, type Waiter } from './coalescer';
export { LruStore, type CacheStore } from './lru-store';
export { upstreamCacheMetrics } from './metrics';
export { LocalInvalidationHub, type FleetPoll, type Invalidation, type InvalidationBus, type PollClaim } from './invalidation-bus';
