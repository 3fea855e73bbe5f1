import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../scalars/date.scalar';
import { DecimalScalar } from '../scalars/decimal.scalar';
import { Account } from './account.type';
import { Attachment } from './attachment.type';
import { Branch } from './branch.type';
import { Node } from './node.interface';
import { ProjectTask } from './project-task.type';
import { SalesPerson } from './sales-person.type';
import { Subaccount } from './subaccount.type';
import { VatCode } from './vat-code.type';
import { WorkType } from './work-type.type';

/**
 * One line of an invoice (Visma's `CustomerInvoiceLineDto`, CONTRACT §2.1). `lineType` and
 * `itemType` are added by `InvoiceLineResolver`, which maps Visma's spellings onto enums.
 */
@ObjectType({ implements: Node, description: 'One line of a customer invoice.' })
export class InvoiceLine {
  @Field(() => Int, { nullable: true, description: "The line's number within the invoice; UPDATE and DELETE name a line by it." })
  lineNumber!: number | null;

  @Field(() => String, { nullable: true, description: 'The item ID (inventory number) sold on this line, if any.' })
  inventoryNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'The line text.' })
  description!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The quantity sold.' })
  quantity!: string | null;

  @Field(() => String, { nullable: true, description: 'The unit of measure, such as "PCS" or "HOUR".' })
  uom!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The unit price in the company's base currency." })
  unitPrice!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The unit price in the invoice's currency." })
  unitPriceInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'A line amount entered by hand, in the base currency.' })
  manualAmount!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "A line amount entered by hand, in the invoice's currency." })
  manualAmountInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The line amount in the base currency.' })
  amount!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The line amount in the invoice's currency." })
  amountInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The cost of the line; always 0 until the invoice is released.' })
  cost!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The discount in percent.' })
  discountPercent!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The discount amount in the base currency.' })
  discountAmount!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The discount amount in the invoice's currency." })
  discountAmountInCurrency!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the discount was set by hand rather than by a discount code.' })
  manualDiscount!: boolean | null;

  @Field(() => String, { nullable: true, description: 'The discount code applied.' })
  discountCode!: string | null;

  @Field(() => Account, { nullable: true, description: 'The sales account the line is posted to.' })
  account!: Account | null;

  @Field(() => Subaccount, { nullable: true, description: 'The subaccount the line is posted to.' })
  subaccount!: Subaccount | null;

  @Field(() => VatCode, { nullable: true, description: "The line's VAT code." })
  vatCode!: VatCode | null;

  @Field(() => Branch, { nullable: true, description: 'The branch the line belongs to.' })
  branch!: Branch | null;

  @Field(() => ProjectTask, { nullable: true, description: 'The project task the line is booked against.' })
  projectTask!: ProjectTask | null;

  @Field(() => SalesPerson, { nullable: true, description: 'The salesperson credited with the line.' })
  seller!: SalesPerson | null;

  @Field(() => String, {
    nullable: true,
    description: "The salesperson's ID.",
    deprecationReason: 'Visma deprecated this field; use seller.',
  })
  salesperson!: string | null;

  @Field(() => WorkType, { nullable: true, description: 'The ROT/RUT type of work (Sweden).' })
  typeOfWork!: WorkType | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the line qualifies for a ROT/RUT deduction (Sweden).' })
  isRotRutDeductible!: boolean | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The ROT/RUT deductible amount (Sweden).' })
  deductibleAmount!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Start of the period the line covers.' })
  startDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'End of the period the line covers.' })
  endDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Start of the deferred-revenue term.' })
  termStartDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'End of the deferred-revenue term.' })
  termEndDate!: string | null;

  @Field(() => Int, { nullable: true, description: "The deferral schedule's ID." })
  deferralSchedule!: number | null;

  @Field(() => String, { nullable: true, description: 'The deferral code.' })
  deferralCode!: string | null;

  @Field(() => String, { nullable: true, description: 'The sales-order shipment the line was invoiced from.' })
  salesOrderShipmentNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'The type of the sales order the line came from.' })
  salesOrderType!: string | null;

  @Field(() => String, { nullable: true, description: 'The sales order the line came from.' })
  salesOrderNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'A free-text note on the line.' })
  note!: string | null;

  @Field(() => String, { nullable: true, description: 'A link to an external system.' })
  externalLink!: string | null;

  @Field(() => [Attachment], { description: 'Files attached to the line.' })
  attachments!: Attachment[];
}
