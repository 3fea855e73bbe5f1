import type { InvoicesService } from '../invoices';
import type { EnumDegrader } from './enums/enum-degrader';

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
  /** This request's own service: every read and write of Visma goes through it. */
  invoices: InvoicesService;
  enums: EnumDegrader;
  settings: {
    /** The cap on a connection's `first` (MAX_PAGE_SIZE). */
    maxPageSize: number;
  };
  /**
   * Set by the subscription transports (src/server/subscriptions): how to drop a subscriber that
   * stopped taking its events, since an error sent to it would never be read either.
   */
  subscriber?: { dropSlowConsumer(): void };
}
