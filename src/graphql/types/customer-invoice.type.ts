import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../scalars/date.scalar';
import { DateTimeScalar } from '../scalars/date-time.scalar';
import { DecimalScalar } from '../scalars/decimal.scalar';
import { Account } from './account.type';
import { Address } from './address.type';
import { Attachment } from './attachment.type';
import { Branch } from './branch.type';
import { Contact } from './contact.type';
import { CreditTerms } from './credit-terms.type';
import { DebtCollection } from './debt-collection.type';
import { DirectDebitMandate } from './direct-debit-mandate.type';
import { InvoiceApplication } from './invoice-application.type';
import { InvoiceContact } from './invoice-contact.type';
import { Location } from './location.type';
import { Node } from './node.interface';
import { PaymentMethod } from './payment-method.type';
import { Project } from './project.type';
import { SalesPerson } from './sales-person.type';
import { Subaccount } from './subaccount.type';
import { TaxDetail } from './tax-detail.type';
import { VatZone } from './vat-zone.type';

/**
 * Visma's `CustomerInvoiceDto` (CONTRACT §2) under clean names. `id`, `lines`, `status`,
 * `documentType`, `customer` and `childCustomer` are added by `CustomerInvoiceResolver`.
 */
// Federation: this subgraph owns the invoice; the router fetches it by number through
// `_entities` (see src/graphql/federation). @tag lets a contract variant include or drop it.
@Directive('@key(fields: "referenceNumber")')
@Directive('@tag(name: "invoices")')
@ObjectType({
  implements: Node,
  description:
    "A customer invoice in Visma.net ERP. Amounts are exact decimals; a field named ...InCurrency is in the invoice's own currency (currencyId), its plain twin in the company's base currency.",
})
export class CustomerInvoice {
  @Field(() => ID, { description: "The invoice number, which identifies the invoice (Visma's referenceNumber)." })
  referenceNumber!: string;

  @Field(() => Boolean, { nullable: true, description: 'True while the invoice is a draft on hold.' })
  hold!: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      "An opaque version of this invoice (Visma's ETag). Pass it as expectedVersion to a mutation to make it fail with CONFLICT when someone else changed the invoice in between.",
  })
  version!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The invoice date.' })
  documentDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The date payment is due.' })
  documentDueDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The date of the original invoice this one corrects.' })
  origInvoiceDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The last date on which the cash discount applies.' })
  cashDiscountDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Start of the period the invoice covers.' })
  startDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'End of the period the invoice covers.' })
  endDate!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'When the last dunning letter was sent.' })
  dunningLetterDate!: string | null;

  @Field(() => Int, { nullable: true, description: 'How many dunning letters have been sent.' })
  dunningLetterLevel!: number | null;

  @Field(() => String, { nullable: true, description: 'The period the invoice is posted in (YYYYMM).' })
  postPeriod!: string | null;

  @Field(() => String, { nullable: true, description: 'The financial period of the invoice (YYYYMM).' })
  financialPeriod!: string | null;

  @Field(() => String, { nullable: true, description: 'The financial period in which the invoice was closed (YYYYMM).' })
  closedFinancialPeriod!: string | null;

  @Field(() => String, { nullable: true, description: 'The invoice\'s currency, such as "NOK".' })
  currencyId!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The exchange rate from the invoice's currency to the base currency." })
  exchangeRate!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The invoice total in the base currency.' })
  amount!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The invoice total in the invoice's currency." })
  amountInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The amount still open, in the base currency.' })
  balance!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The amount still open, in the invoice's currency." })
  balanceInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The cash discount, in the base currency.' })
  cashDiscount!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The cash discount, in the invoice's currency." })
  cashDiscountInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The sum of the lines, in the base currency.' })
  detailTotal!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The sum of the lines, in the invoice's currency." })
  detailTotalInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The total discount, in the base currency.' })
  discountTotal!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The total discount, in the invoice's currency." })
  discountTotalInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The VAT-taxable total, in the base currency.' })
  vatTaxableTotal!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The VAT-taxable total, in the invoice's currency." })
  vatTaxableTotalInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The VAT-exempt total, in the base currency.' })
  vatExemptTotal!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The VAT-exempt total, in the invoice's currency." })
  vatExemptTotalInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The VAT total, in the base currency.' })
  vatTotal!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The VAT total, in the invoice's currency." })
  vatTotalInCurrency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The rounding difference on the total.' })
  roundingDiff!: string | null;

  @Field(() => String, { nullable: true, description: "The invoice's description (header text)." })
  invoiceText!: string | null;

  @Field(() => String, { nullable: true, description: 'A free-text note.' })
  note!: string | null;

  @Field(() => String, { nullable: true, description: 'The external reference used by AutoInvoice.' })
  externalReference!: string | null;

  @Field(() => String, { nullable: true, description: 'The payment reference (such as a KID number) the customer pays with.' })
  paymentReference!: string | null;

  @Field(() => String, { nullable: true, description: "The customer's own reference, such as their order number." })
  customerRefNumber!: string | null;

  @Field(() => String, { nullable: true, description: "The customer's project reference." })
  customerProject!: string | null;

  @Field(() => String, { nullable: true, description: 'The accounting cost reference (e-invoicing).' })
  accountingCostRef!: string | null;

  @Field(() => String, { nullable: true, description: 'The originator document reference (e-invoicing).' })
  originatorDocRef!: string | null;

  @Field(() => String, { nullable: true, description: 'The contract document reference (e-invoicing).' })
  contractDocRef!: string | null;

  @Field(() => String, { nullable: true, description: 'The cash account a cash sale is booked to.' })
  cashAccount!: string | null;

  @Field(() => CreditTerms, { nullable: true, description: 'The credit terms.' })
  creditTerms!: CreditTerms | null;

  @Field(() => PaymentMethod, { nullable: true, description: 'The payment method.' })
  paymentMethod!: PaymentMethod | null;

  @Field(() => VatZone, { nullable: true, description: "The customer's VAT zone on this invoice." })
  customerVatZone!: VatZone | null;

  @Field(() => SalesPerson, { nullable: true, description: 'The salesperson credited with the invoice.' })
  salesPerson!: SalesPerson | null;

  @Field(() => Int, {
    nullable: true,
    description: "The salesperson's numeric ID.",
    deprecationReason: 'Visma deprecated this field; use salesPerson.',
  })
  legacySalesPersonId!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "The salesperson's name.",
    deprecationReason: 'Visma deprecated this field; use salesPerson.',
  })
  legacySalesPersonDescription!: string | null;

  @Field(() => Location, { nullable: true, description: 'The customer location the invoice is for.' })
  location!: Location | null;

  @Field(() => Branch, { nullable: true, description: 'The branch the invoice belongs to.' })
  branch!: Branch | null;

  @Field(() => Project, { nullable: true, description: 'The project the invoice is booked against.' })
  project!: Project | null;

  @Field(() => Account, { nullable: true, description: 'The accounts-receivable account.' })
  account!: Account | null;

  @Field(() => Subaccount, { nullable: true, description: 'The accounts-receivable subaccount.' })
  subaccount!: Subaccount | null;

  @Field(() => Contact, { nullable: true, description: "The customer's contact person." })
  contact!: Contact | null;

  @Field(() => Address, { nullable: true, description: 'The billing address.' })
  invoiceAddress!: Address | null;

  @Field(() => InvoiceContact, { nullable: true, description: 'The billing contact.' })
  invoiceContact!: InvoiceContact | null;

  @Field(() => DirectDebitMandate, {
    nullable: true,
    description: 'The direct-debit mandate, if the invoice is collected by direct debit.',
  })
  directDebitMandate!: DirectDebitMandate | null;

  @Field(() => DebtCollection, { nullable: true, description: 'The debt-collection case, if any.' })
  debtCollection!: DebtCollection | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the invoice must not go to debt collection.' })
  excludeDebtCollection!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the invoice is sent through AutoInvoice.' })
  sendToAutoInvoice!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the invoice qualifies for a ROT/RUT deduction (Sweden).' })
  isRotRutDeductible!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the invoice is not to be printed.' })
  dontPrint!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the invoice is not to be e-mailed.' })
  dontEmail!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the invoice has been revoked.' })
  revoked!: boolean | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the invoice was created.' })
  createdDateTime!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the invoice was last changed.' })
  lastModifiedDateTime!: string | null;

  @Field(() => [TaxDetail], { description: 'The VAT computed per VAT category.' })
  taxDetails!: TaxDetail[];

  @Field(() => [Attachment], { description: 'Files attached to the invoice.' })
  attachments!: Attachment[];

  @Field(() => [InvoiceApplication], { description: 'Payments and credit notes applied to the invoice.' })
  applications!: InvoiceApplication[];
}
