import { FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { CustomerInvoice as DomainInvoice } from '../../visma/model';
import { encodeCursor } from '../paging/cursor';
import type { ConnectionWindow } from '../paging/list-customer-invoices';
import { CustomerInvoiceConnection } from '../types/customer-invoice-connection.type';
import { CustomerInvoiceEdge } from '../types/customer-invoice-edge.type';
import { CustomerInvoice } from '../types/customer-invoice.type';
import { PageInfo } from '../types/page-info.type';

@Resolver(() => CustomerInvoiceConnection)
export class CustomerInvoiceConnectionResolver {
  @FieldResolver(() => [CustomerInvoiceEdge], { description: 'The invoices of this page with their cursors.' })
  edges(@Root() window: ConnectionWindow): Array<{ cursor: string; node: DomainInvoice }> {
    return window.invoices.map((node, index) => ({ cursor: encodeCursor(window.offset + index, window.filterKey), node }));
  }

  @FieldResolver(() => [CustomerInvoice], { description: 'The invoices of this page, without cursors.' })
  nodes(@Root() window: ConnectionWindow): DomainInvoice[] {
    return window.invoices;
  }

  @FieldResolver(() => PageInfo, { description: 'Where this page sits in the whole list.' })
  async pageInfo(@Root() window: ConnectionWindow): Promise<PageInfo> {
    const size = window.invoices.length;
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
  const end = window.offset + window.invoices.length;
  if (window.knownTotal !== null) {
    return end < window.knownTotal;
  }
  // Only `first: 0` leaves both unknown: ask for the count rather than guess.
  return end < (await window.totalCount());
}
