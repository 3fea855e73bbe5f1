import { Field, ID, InputType } from 'type-graphql';
import { InvoiceStatus } from '../enums/invoice-status.enum';

/**
 * Which changes a subscriber wants. The names are the list filter's (`customerNumber`, `status`)
 * and the single read's (`referenceNumber`), so a screen subscribes with the arguments it reads with.
 */
@InputType({
  description:
    'Which invoice changes to receive. Every field is optional and they combine with AND; none: every invoice. status and customerNumber are compared with the invoice as it is after the change.',
})
export class InvoiceChangeFilter {
  @Field(() => ID, { nullable: true, description: 'Only this invoice (CustomerInvoice.referenceNumber).' })
  referenceNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Only invoices to this customer number.' })
  customerNumber?: string | null;

  @Field(() => InvoiceStatus, { nullable: true, description: 'Only invoices that have this status after the change. UNKNOWN is refused.' })
  status?: InvoiceStatus | null;
}
