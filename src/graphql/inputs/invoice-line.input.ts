import { Field, InputType, Int } from 'type-graphql';
import { ItemType } from '../enums/item-type.enum';
import { DateScalar } from '../scalars/date.scalar';
import { DecimalScalar } from '../scalars/decimal.scalar';
import { SubaccountSegmentInput } from './subaccount-segment.input';

/**
 * The writable fields of a line (CONTRACT §3, `CustomerInvoiceLinesUpdateDto`). Prices and
 * amounts are written in the invoice's currency, which is what Visma's writable
 * `...InCurrency` fields mean (CONTRACT §2.1).
 */
@InputType({
  description:
    'The fields of an invoice line to write. Fields left out (or null) are not sent, so on UPDATE they keep their value; send an empty string to clear a text.',
})
export class InvoiceLineInput {
  @Field(() => String, { nullable: true, description: 'The item ID (inventory number) to sell (at most 30 characters).' })
  inventoryNumber?: string | null;

  @Field(() => String, { nullable: true, description: "The line text (at most 30 characters, Visma's limit)." })
  description?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The quantity.' })
  quantity?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The unit price in the invoice's currency." })
  unitPrice?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "A line amount set by hand, in the invoice's currency." })
  manualAmount?: string | null;

  @Field(() => String, { nullable: true, description: 'The unit of measure, such as "PCS" (at most 6 characters).' })
  uom?: string | null;

  @Field(() => String, { nullable: true, description: 'The sales account number.' })
  accountNumber?: string | null;

  @Field(() => [SubaccountSegmentInput], { nullable: true, description: 'The subaccount segments.' })
  subaccount?: SubaccountSegmentInput[] | null;

  @Field(() => String, { nullable: true, description: "The VAT code's ID." })
  vatCodeId?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The discount in percent, from 0 to 100.' })
  discountPercent?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The discount amount in the invoice's currency." })
  discountAmount?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the discount is set by hand.' })
  manualDiscount?: boolean | null;

  @Field(() => String, { nullable: true, description: 'A discount code to apply.' })
  discountCode?: string | null;

  @Field(() => String, { nullable: true, description: 'The branch number.' })
  branchNumber?: string | null;

  @Field(() => String, { nullable: true, description: "The project task's ID." })
  projectTaskId?: string | null;

  @Field(() => String, { nullable: true, description: "The salesperson's ID." })
  salesperson?: string | null;

  @Field(() => ItemType, { nullable: true, description: 'What the line sells, for ROT/RUT (Sweden). UNKNOWN is refused.' })
  itemType?: ItemType | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the line qualifies for a ROT/RUT deduction (Sweden).' })
  isRotRutDeductible?: boolean | null;

  @Field(() => DateScalar, { nullable: true, description: 'Start of the period the line covers.' })
  startDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'End of the period the line covers; not before startDate.' })
  endDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Start of the deferred-revenue term.' })
  termStartDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'End of the deferred-revenue term; not before termStartDate.' })
  termEndDate?: string | null;

  @Field(() => Int, { nullable: true, description: "The deferral schedule's ID." })
  deferralSchedule?: number | null;

  @Field(() => String, { nullable: true, description: 'The deferral code.' })
  deferralCode?: string | null;

  @Field(() => String, { nullable: true, description: 'A free-text note on the line.' })
  note?: string | null;
}
