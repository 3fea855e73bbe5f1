import type { CustomerInvoice as DomainInvoice } from '../../visma/model';
import type { GatewayContext } from '../context';
import type { Customer } from '../types/customer.type';
import { toReferenceNumber } from '../validation/invoice-input.validation';

/**
 * How the router's `_entities` representations become objects. Both go through the request's
 * loaders, so 50 representations with 10 repeats cost 40 upstream GETs (DataLoader deduplicates
 * them within the request, and the invoice loader bounds how many run at once). A missing
 * invoice is null, which fails only its own entry.
 */
export const REFERENCE_RESOLVERS = {
  CustomerInvoice: {
    __resolveReference(reference: { referenceNumber: string }, context: GatewayContext): Promise<DomainInvoice | null> {
      return context.loaders.invoice.load(toReferenceNumber(reference.referenceNumber));
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
