import type { CustomerInvoice as DomainInvoice } from '../../visma/model';
import type { GatewayContext } from '../context';
import type { Customer } from '../types/customer.type';
import { toReferenceNumber } from '../validation/invoice-input.validation';

/**
 * How the router's `_entities` representations become objects. Invoices come from the request's
 * invoices service, whose loader makes 50 representations with 10 repeats cost 40 upstream GETs
 * (deduplicated within the request, and bounded in how many run at once). A missing invoice is
 * null, which fails only its own entry.
 */
export const REFERENCE_RESOLVERS = {
  CustomerInvoice: {
    async __resolveReference(reference: { referenceNumber: string }, context: GatewayContext): Promise<DomainInvoice | null> {
      const invoice = await context.invoices.getInvoice(toReferenceNumber(reference.referenceNumber));
      // @apollo/subgraph defines `__typename` on what this returns. The loaded invoice may be the
      // upstream cache's shared, frozen copy, so it gets a shallow copy of its own to annotate.
      return invoice === null ? null : { ...invoice };
    },
  },
  Customer: {
    /**
     * Costs nothing: the customers subgraph owns existence and `name`; each of this subgraph's
     * fields loads what it needs (the customer loader, or one list call for `invoices`).
     */
    __resolveReference(reference: { number: string }): Customer {
      return { number: reference.number, name: null };
    },
  },
} as const;
