import { Field, ObjectType } from 'type-graphql';
import { DateScalar } from '../scalars/date.scalar';
import { DecimalScalar } from '../scalars/decimal.scalar';

@ObjectType({ description: 'A payment or credit note applied to the invoice.' })
export class InvoiceApplication {
  @Field(() => String, { nullable: true, description: "The applied document's type, as Visma spells it." })
  documentType!: string | null;

  @Field(() => String, { nullable: true, description: 'The customer number on the applied document.' })
  customerNumber!: string | null;

  @Field(() => String, { nullable: true, description: "The applied document's reference number." })
  referenceNumber!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The amount this application paid.' })
  amountPaid!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The cash discount taken.' })
  cashDiscountTaken!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The balance left after this application.' })
  balance!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True while a prompt-payment discount is pending.' })
  pendingPpd!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the application is released.' })
  released!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the application is on hold.' })
  hold!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the application is voided.' })
  voided!: boolean | null;

  @Field(() => String, { nullable: true, description: 'The credit note issued for a prompt-payment discount.' })
  ppdCreditMemoReferenceNumber!: string | null;

  @Field(() => String, { nullable: true, description: "The payment's reference." })
  paymentReference!: string | null;

  @Field(() => String, { nullable: true, description: "The application's status, as Visma spells it." })
  status!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'When the application was made.' })
  applicationDate!: string | null;

  @Field(() => String, { nullable: true, description: 'The financial period of the application (YYYYMM).' })
  applicationPeriod!: string | null;

  @Field(() => String, { nullable: true, description: "The applied document's text." })
  invoiceText!: string | null;
}
