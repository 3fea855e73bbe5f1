import { FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { InvoiceWindow } from '../../invoices';
import { encodeCursor } from '../paging/cursor';
import type { ConnectionWindow } from '../paging/list-customer-invoices';
import { CustomerInvoiceConnection } from '../types/customer-invoice-connection.type';
import { CustomerInvoiceEdge } from '../types/customer-invoice-edge.type';
import { CustomerInvoice } from '../types/customer-invoice.type';
import { PageInfo } from '../types/page-info.type';

/**
 * A row of the page: the invoice, or the error of one that cannot be read. GraphQL answers an
 * error value with an error at that item's path and null there, so the rest of the page stands.
 */
type Row = InvoiceWindow['rows'][number];

@Resolver(() => CustomerInvoiceConnection)
export class CustomerInvoiceConnectionResolver {
  @FieldResolver(() => [CustomerInvoiceEdge], {
    description:
      'The invoices of this page with their cursors. An invoice that cannot be read keeps its edge and cursor; its node is null.',
  })
  edges(@Root() window: ConnectionWindow): Array<{ cursor: string; node: Row }> {
    return window.rows.map((node, index) => ({ cursor: encodeCursor(window.offset + index, window.filterKey), node }));
  }

  @FieldResolver(() => [CustomerInvoice], {
    nullable: 'items',
    description:
      'The invoices of this page, without cursors. An invoice that cannot be read is null here, with an UPSTREAM_RECORD_UNREADABLE error at its path; the others are unaffected.',
  })
  nodes(@Root() window: ConnectionWindow): Row[] {
    return window.rows;
  }

  @FieldResolver(() => PageInfo, { description: 'Where this page sits in the whole list.' })
  async pageInfo(@Root() window: ConnectionWindow): Promise<PageInfo> {
    const size = window.rows.length;
    return {
      hasNextPage: await hasNextPage(window),
      hasPreviousPage: window.offset > 0,
      startCursor: size === 0 ? null : encodeCursor(window.offset, window.filterKey),
      endCursor: size === 0 ? null : encodeCursor(window.offset + size - 1, window.filterKey),
    };
  }

  @FieldResolver(() => Int, {
    description:
      'How many invoices match the filter in all. Visma reports it with every non-empty page; for an empty page past the end of the list (or first: 0) it costs one extra upstream call, made only when this field is selected.',
  })
  totalCount(@Root() window: ConnectionWindow): Promise<number> {
    return window.totalCount();
  }
}

async function hasNextPage(window: ConnectionWindow): Promise<boolean> {
  if (window.exhausted) {
    return false;
  }
  const end = window.offset + window.rows.length;
  if (window.knownTotal !== null) {
    return end < window.knownTotal;
  }
  // Only `first: 0` leaves both unknown: ask for the count rather than guess.
  return end < (await window.totalCount());
}
