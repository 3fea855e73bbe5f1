import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Customer as DomainCustomer, CustomerInvoice as DomainInvoice, InvoiceLine as DomainLine } from '../../visma/model';
import type { GatewayContext } from '../context';
import { badUserInput, type InputProblem } from '../errors';
import { decodeGlobalId, type NodeKey } from '../node/global-id';
import { asNode, recordLineOwner } from '../node/node-values';
import type { Customer } from '../types/customer.type';
import { Node } from '../types/node.interface';

type NodeValue = DomainInvoice | DomainLine | Customer;

const NOT_AN_ID = 'is not a global id this gateway issued: pass the id field of a CustomerInvoice, InvoiceLine or Customer.';

/**
 * Relay's refetch fields. Every id is checked before anything is read, and each is read through
 * the request's invoices service: its loaders batch the ids of one `nodes` call (and those of
 * the rest of the operation), read each invoice once however many of its lines are asked for,
 * and at most INVOICE_LOOKUP_CONCURRENCY / CUSTOMER_LOOKUP_CONCURRENCY at a time. How many ids
 * one operation may carry is MAX_NODE_IDS, checked before it runs (operation-budget.plugin.ts).
 */
@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description:
      "The object with this global id (any type's id field), or null when Visma no longer has it. An id the gateway did not issue is BAD_USER_INPUT.",
  })
  node(
    @Arg('id', () => ID, { description: 'A global id, from the id field of a CustomerInvoice, InvoiceLine or Customer.' }) id: string,
    @Ctx() context: GatewayContext,
  ): Promise<NodeValue | null> {
    const key = decodeGlobalId(id);
    if (key === undefined) {
      throw badUserInput([{ field: 'id', message: NOT_AN_ID }]);
    }
    return load(key, context);
  }

  @Query(() => [Node], {
    nullable: 'items',
    description:
      'The objects with these global ids, in the order given: null for one Visma no longer has. At most MAX_NODE_IDS ids in one operation (100 unless configured; more is NODE_LIMIT_EXCEEDED); any id the gateway did not issue fails the whole field with BAD_USER_INPUT naming it.',
  })
  nodes(
    @Arg('ids', () => [ID], { description: 'Global ids, from the id fields of CustomerInvoice, InvoiceLine or Customer.' })
    ids: string[],
    @Ctx() context: GatewayContext,
  ): Array<Promise<NodeValue | null>> {
    const keys: NodeKey[] = [];
    const problems: InputProblem[] = [];
    ids.forEach((id, index) => {
      const key = decodeGlobalId(id);
      if (key === undefined) problems.push({ field: `ids[${index}]`, message: NOT_AN_ID });
      else keys.push(key);
    });
    if (problems.length > 0) {
      throw badUserInput(problems);
    }
    // One promise per item: a failed read is an error at its own index, the others stand.
    return keys.map((key) => load(key, context));
  }
}

async function load(key: NodeKey, context: GatewayContext): Promise<NodeValue | null> {
  switch (key.type) {
    case 'CustomerInvoice': {
      const invoice = await context.invoices.getInvoice(key.referenceNumber);
      return invoice === null ? null : asNode('CustomerInvoice', invoice);
    }
    case 'InvoiceLine': {
      const invoice = await context.invoices.getInvoice(key.referenceNumber);
      const line = invoice?.lines.find((candidate) => candidate.lineNumber === key.lineNumber);
      if (invoice === null || line === undefined) return null;
      recordLineOwner(context, invoice);
      return asNode('InvoiceLine', line);
    }
    case 'Customer': {
      const customer: DomainCustomer | null = await context.invoices.getCustomer(key.number);
      // The number asked for, so the id read back is the id given.
      return customer === null ? null : asNode('Customer', { number: key.number, name: customer.name });
    }
  }
}
