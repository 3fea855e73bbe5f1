/** The Visma side of the gateway: what the loaders and the composition root import. */
export type { VismaApi, CallOptions, WriteOptions, Created, Updated, RateLimitState } from './api';
export * from './errors';
export * from './model';
export { VismaClient, createVismaClient } from './client';
export {
  DEFAULT_VISMA_OPTIONS,
  VISMA_CLIENT_SCOPES,
  getValidVismaClientOptions,
  type VismaClientConfig,
  type VismaClientOptions,
  type VismaAuth,
  type ClientCredentialsAuth,
  type PassthroughAuth,
} from './options';
export type { AttemptGuard, AttemptInfo, RetryBudget, VismaLogger } from './seams';
export type { FetchLike, FetchInit, FetchResponseLike } from './http';
