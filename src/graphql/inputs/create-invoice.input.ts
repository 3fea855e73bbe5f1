import { Field, InputType, Int } from 'type-graphql';
import { DateScalar } from '../scalars/date.scalar';
import { DecimalScalar } from '../scalars/decimal.scalar';
import { AddressInput } from './address.input';
import { InvoiceContactInput } from './invoice-contact.input';
import { InvoiceLineInput } from './invoice-line.input';

@InputType({
  description:
    'A new customer invoice. Only customerNumber and at least one line are required; Visma fills in the rest from the customer and the company settings.',
})
export class CreateInvoiceInput {
  @Field(() => String, { description: 'The customer to invoice (at most 30 characters).' })
  customerNumber!: string;

  @Field(() => [InvoiceLineInput], { description: 'The lines; at least one, each with an inventoryNumber or a description.' })
  lines!: InvoiceLineInput[];

  @Field(() => String, {
    nullable: true,
    description: "Your own invoice number (at most 15 characters). Leave it out to let Visma's number series assign one.",
  })
  referenceNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'A child customer of customerNumber to invoice on its behalf.' })
  childCustomerNumber?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "The invoice date; Visma uses today's business date when left out." })
  documentDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The due date; Visma derives it from the credit terms when left out.' })
  documentDueDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The last date of the cash discount.' })
  cashDiscountDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The date of the original invoice this one corrects.' })
  origInvoiceDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Start of the period the invoice covers.' })
  startDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'End of the period the invoice covers; not before startDate.' })
  endDate?: string | null;

  @Field(() => String, { nullable: true, description: 'The financial period (YYYYMM).' })
  financialPeriod?: string | null;

  @Field(() => String, { nullable: true, description: 'The currency, such as "NOK"; the customer\'s currency when left out.' })
  currencyId?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The exchange rate to the base currency.' })
  exchangeRate?: string | null;

  @Field(() => String, { nullable: true, description: "The invoice's description (at most 150 characters)." })
  invoiceText?: string | null;

  @Field(() => String, { nullable: true, description: 'A free-text note (at most 4000 characters).' })
  note?: string | null;

  @Field(() => String, { nullable: true, description: 'The external reference used by AutoInvoice (at most 40 characters).' })
  externalReference?: string | null;

  @Field(() => String, { nullable: true, description: 'The payment reference, such as a KID number (at most 40 characters).' })
  paymentReference?: string | null;

  @Field(() => String, { nullable: true, description: "The customer's own reference (at most 40 characters)." })
  customerRefNumber?: string | null;

  @Field(() => String, { nullable: true, description: "The customer's project reference (at most 40 characters)." })
  customerProject?: string | null;

  @Field(() => String, { nullable: true, description: 'The accounting cost reference (e-invoicing).' })
  accountingCostRef?: string | null;

  @Field(() => String, { nullable: true, description: 'The originator document reference (e-invoicing).' })
  originatorDocRef?: string | null;

  @Field(() => String, { nullable: true, description: 'The contract document reference (e-invoicing).' })
  contractDocRef?: string | null;

  @Field(() => String, { nullable: true, description: "The credit terms' ID." })
  creditTermsId?: string | null;

  @Field(() => String, { nullable: true, description: "The payment method's ID." })
  paymentMethodId?: string | null;

  @Field(() => String, { nullable: true, description: "The customer's VAT zone ID." })
  customerVatZoneId?: string | null;

  @Field(() => String, { nullable: true, description: "The customer location's ID." })
  locationId?: string | null;

  @Field(() => String, { nullable: true, description: 'The branch number.' })
  branchNumber?: string | null;

  @Field(() => String, { nullable: true, description: "The project's ID." })
  projectId?: string | null;

  @Field(() => Int, { nullable: true, description: "The customer contact's ID." })
  contactId?: number | null;

  @Field(() => String, { nullable: true, description: "The salesperson's ID." })
  salesperson?: string | null;

  @Field(() => String, { nullable: true, description: 'The cash account, for cash sales.' })
  cashAccount?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True to create the invoice on hold (a draft).' })
  hold?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True to send the invoice through AutoInvoice.' })
  sendToAutoInvoice?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the invoice is not to be printed.' })
  dontPrint?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the invoice is not to be e-mailed.' })
  dontEmail?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the invoice must not go to debt collection.' })
  excludeDebtCollection?: boolean | null;

  @Field(() => AddressInput, { nullable: true, description: 'A billing address for this invoice only.' })
  billingAddress?: AddressInput | null;

  @Field(() => InvoiceContactInput, { nullable: true, description: 'A billing contact for this invoice only.' })
  invoiceContact?: InvoiceContactInput | null;
}
