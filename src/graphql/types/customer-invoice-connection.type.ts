import { ObjectType } from 'type-graphql';

/**
 * Its fields (`edges`, `nodes`, `pageInfo`, `totalCount`) are added by
 * `CustomerInvoiceConnectionResolver` from an `InvoiceWindow`: `totalCount` may need its own
 * upstream call, so it is only computed when selected.
 */
@ObjectType({ description: 'One page of customer invoices (a Relay cursor connection).' })
export class CustomerInvoiceConnection {}
