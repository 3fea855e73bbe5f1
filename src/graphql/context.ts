import type { IdempotentCreator } from '../idempotency/idempotent-create';
import type { Loaders } from '../loaders/loaders';
import type { CallOptions, VismaApi } from '../visma/api';
import type { EnumDegrader } from './enums/enum-degrader';
import type { UpstreamPageSize } from './paging/upstream-page-size';

/** The structured logger resolvers use; pino's `Logger` satisfies it. */
export interface ContextLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
}

/** What every resolver of one GraphQL request gets. Built by `src/server/context.ts`. */
export interface GatewayContext {
  requestId: string;
  /** Carries `requestId` on every line. */
  logger: ContextLogger;
  visma: VismaApi;
  /** Shared by every upstream call of this request: request id, deadline, caller token. */
  callOptions: CallOptions;
  loaders: Loaders;
  /** Idempotent creates (`createInvoice(idempotencyKey:)`); one per server, shared by its requests. */
  idempotency: IdempotentCreator;
  enums: EnumDegrader;
  upstreamPageSize: UpstreamPageSize;
  settings: {
    /** The cap on `first`. */
    maxPageSize: number;
    /** The Visma company's IANA zone, for date-time filters. */
    timeZone: string;
  };
}
