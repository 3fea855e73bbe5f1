import { Field, ObjectType } from 'type-graphql';
import { CustomerInvoice } from './customer-invoice.type';

/** `result` is added by `ReleaseInvoicePayloadResolver`, which maps Visma's spelling onto `ActionResult`. */
@ObjectType({ description: 'What releaseInvoice did.' })
export class ReleaseInvoicePayload {
  @Field(() => String, { nullable: true, description: "Visma's ID of the release action, for Visma support." })
  actionId!: string | null;

  @Field(() => CustomerInvoice, {
    description:
      'The invoice as Visma shows it right after the release call. When result is QUEUED or IN_PROCESS, Visma is still releasing it and status may not be OPEN yet.',
  })
  invoice!: CustomerInvoice;
}
