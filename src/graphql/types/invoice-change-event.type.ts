import { Field, ID, ObjectType } from 'type-graphql';
import { InvoiceChangeKind } from '../enums/invoice-change-kind.enum';
import { DateTimeScalar } from '../scalars/date-time.scalar';
import { CustomerInvoice } from './customer-invoice.type';

@ObjectType({ description: 'One change of an invoice, with the invoice as it is after it.' })
export class InvoiceChangeEvent {
  @Field(() => ID, { description: 'The invoice that changed (CustomerInvoice.referenceNumber).' })
  referenceNumber!: string;

  @Field(() => InvoiceChangeKind, { description: 'What happened.' })
  kind!: InvoiceChangeKind;

  @Field(() => DateTimeScalar, {
    description:
      'When the gateway learned of the change (its write, a webhook from Visma, or its poll of Visma). When Visma made it is invoice.lastModifiedDateTime.',
  })
  observedAt!: string;

  @Field(() => CustomerInvoice, {
    description:
      'The invoice as it is now, read from Visma once for all subscribers of a replica. A subscriber is given each state of an invoice once, however many times the change is reported.',
  })
  invoice!: CustomerInvoice;
}
