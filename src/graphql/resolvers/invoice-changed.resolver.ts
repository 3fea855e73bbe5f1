import { GraphQLError } from 'graphql';
import { Arg, Ctx, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import {
  SlowConsumerError,
  SubscriptionLimitExceededError,
  type InvoiceChangeEvent as DomainEvent,
  type InvoiceChangeFilter as DomainFilter,
} from '../../invoices';
import type { GatewayContext } from '../context';
import { InvoiceStatus } from '../enums/invoice-status.enum';
import { ErrorCode } from '../errors';
import { withPublicErrors } from '../event-errors';
import { InvoiceChangeFilter } from '../inputs/invoice-change-filter.input';
import { InvoiceChangeEvent } from '../types/invoice-change-event.type';
import { TEXT_LIMITS } from '../validation/input-limits';
import { toReferenceNumber } from '../validation/invoice-input.validation';
import { Problems } from '../validation/problems';
import type { InvoiceChangeKind } from '../enums/invoice-change-kind.enum';

interface EventValue {
  referenceNumber: string;
  kind: InvoiceChangeKind;
  observedAt: string;
  invoice: DomainEvent['invoice'];
}

@Resolver()
export class InvoiceChangedResolver {
  @Subscription(() => InvoiceChangeEvent, {
    description:
      'Each change of the invoices matching filter, with the invoice as it is after it, as the gateway learns of it (its own writes at once, changes made in Visma through its webhooks or its poll), on every replica. Over GraphQL over WebSocket (graphql-transport-ws) or SSE at this same endpoint, or through a federation router (HTTP callbacks). Each state of an invoice is given once. Limits and codes: docs/subscriptions.md.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { filter?: InvoiceChangeFilter | null }, GatewayContext>) =>
      changes(toChangeFilter(args.filter), context),
  })
  invoiceChanged(
    @Root() event: DomainEvent,
    // Declared for the schema; the filter is applied in subscribe.
    @Arg('filter', () => InvoiceChangeFilter, { nullable: true, description: 'Which changes; none: every invoice.' })
    _filter: InvoiceChangeFilter | null,
    @Ctx() _context: GatewayContext,
  ): EventValue {
    return {
      referenceNumber: event.referenceNumber,
      kind: event.kind as InvoiceChangeKind,
      observedAt: new Date(event.observedAt).toISOString(),
      invoice: event.invoice,
    };
  }
}

/**
 * The hub's stream for this subscriber. Each event is executed with the event's own invoices
 * service in the context (a new deadline and budget, the invoice already in it): graphql-js runs
 * one event's selections to the end before it asks for the next, so the context holds the service
 * of the event being executed, its failures already coded (event-errors.ts) so that a router's
 * callbacks carry the same codes as WebSocket and SSE.
 */
function changes(filter: DomainFilter, context: GatewayContext): AsyncIterableIterator<DomainEvent> {
  let source: AsyncIterableIterator<DomainEvent>;
  try {
    source = context.invoices.watchChanges(filter, { onSlowConsumer: () => context.subscriber?.dropSlowConsumer() });
  } catch (error) {
    if (error instanceof SubscriptionLimitExceededError) {
      throw new GraphQLError(
        `This replica holds the ${error.limit} subscriptions it may (MAX_SUBSCRIPTIONS); try again later or on another replica.`,
        { extensions: { code: ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, limit: error.limit, per: 'replica' } },
      );
    }
    throw error;
  }
  const iterator: AsyncIterableIterator<DomainEvent> = {
    next: async () => {
      let result: IteratorResult<DomainEvent>;
      try {
        result = await source.next();
      } catch (error) {
        if (error instanceof SlowConsumerError) {
          throw new GraphQLError(
            `More than ${error.limit} events waited for this subscription (SUBSCRIPTION_MAX_QUEUED_EVENTS): it was dropped. Subscribe again and read the invoices anew.`,
            { extensions: { code: ErrorCode.SUBSCRIPTION_SLOW_CONSUMER, limit: error.limit } },
          );
        }
        throw error;
      }
      // Defined, not assigned: the context may make its service lazily, behind an accessor.
      if (result.done !== true)
        Object.defineProperty(context, 'invoices', { value: withPublicErrors(result.value.invoices), writable: true, configurable: true });
      return result;
    },
    return: () => source.return?.() ?? Promise.resolve({ done: true, value: undefined }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function toChangeFilter(filter: InvoiceChangeFilter | null | undefined): DomainFilter {
  const result: DomainFilter = {};
  if (filter == null) return result;
  if (filter.referenceNumber != null) result.referenceNumber = toReferenceNumber(filter.referenceNumber, 'filter.referenceNumber');
  const problems = new Problems();
  if (filter.customerNumber != null) {
    const value = filter.customerNumber;
    if (value.trim() === '') problems.add('filter.customerNumber', 'must not be blank; leave it out to match any value.');
    else if ([...value].length > TEXT_LIMITS.customerNumber) {
      problems.add('filter.customerNumber', `must be at most ${TEXT_LIMITS.customerNumber} characters; received ${[...value].length}.`);
    }
    result.customerNumber = value;
  }
  if (filter.status != null) {
    if (filter.status === InvoiceStatus.UNKNOWN) problems.add('filter.status', 'UNKNOWN cannot be filtered on; choose a known status.');
    result.status = filter.status;
  }
  problems.throwIfAny();
  return result;
}
