import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Node } from './node.interface';

/**
 * The customer as an invoice names it. `number` and `name` come with the invoice; every other
 * field is added by `CustomerResolver` and costs one `GET /v1/customer/{number}` per distinct
 * customer in a request, made only when such a field is selected.
 *
 * Federation: another subgraph owns `Customer` (keyed by `number`); this one contributes the
 * fields it can read from Visma and the customer's invoices. `name` belongs to the owner: it
 * is `@external` here and only provided where an invoice carries it (`@provides` on
 * `CustomerInvoice.customer`), so the router never asks this subgraph for it by key.
 */
@Directive('@key(fields: "number")')
@ObjectType({
  implements: Node,
  description:
    "A customer. number and name come with the invoice at no extra cost; every other field is read from Visma's customer register only when selected (one upstream call per distinct customer in a request).",
})
export class Customer {
  @Field(() => ID, { description: 'The customer number.' })
  number!: string;

  @Directive('@external')
  @Field(() => String, { nullable: true, description: "The customer's name, as the invoice carries it." })
  name!: string | null;
}
