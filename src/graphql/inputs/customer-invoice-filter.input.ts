import { Field, InputType, Int } from 'type-graphql';
import { DocumentType } from '../enums/document-type.enum';
import { InvoiceStatus } from '../enums/invoice-status.enum';
import { DateConditionInput } from './date-condition.input';
import { DateTimeConditionInput } from './date-time-condition.input';

/**
 * Every filter Visma's `GET /v1/customerinvoice` takes (CONTRACT §4). They combine with AND;
 * text filters are exact matches, as in Visma.
 */
@InputType({
  description:
    'Which invoices to list. Every field is optional and they combine with AND. Text fields match exactly. Each date field takes one condition; a range on one field is not possible because Visma accepts a single operator per date field.',
})
export class CustomerInvoiceFilter {
  @Field(() => InvoiceStatus, { nullable: true, description: 'Only invoices with this status. UNKNOWN is refused.' })
  status?: InvoiceStatus | null;

  @Field(() => DocumentType, { nullable: true, description: 'Only documents of this type. UNKNOWN is refused.' })
  documentType?: DocumentType | null;

  @Field(() => String, { nullable: true, description: 'Only invoices to this customer number.' })
  customerNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Only invoices in this financial period (YYYYMM).' })
  financialPeriod?: string | null;

  @Field(() => String, { nullable: true, description: 'Only invoices closed in this financial period (YYYYMM).' })
  closedFinancialPeriod?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only released (true) or only unreleased (false) invoices.' })
  released?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Only invoices at this dunning level.' })
  dunningLevel?: number | null;

  @Field(() => String, { nullable: true, description: 'Only invoices with this external reference.' })
  externalReference?: string | null;

  @Field(() => String, { nullable: true, description: 'Only invoices with this payment reference.' })
  paymentReference?: string | null;

  @Field(() => String, { nullable: true, description: 'Only invoices with this customer reference.' })
  customerRefNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Only invoices of this branch number.' })
  branchNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Only invoices of this project ID.' })
  projectId?: string | null;

  @Field(() => DateConditionInput, { nullable: true, description: 'A condition on the invoice date.' })
  documentDate?: DateConditionInput | null;

  @Field(() => DateConditionInput, { nullable: true, description: 'A condition on the due date.' })
  documentDueDate?: DateConditionInput | null;

  @Field(() => DateConditionInput, { nullable: true, description: 'A condition on the date of the last dunning letter.' })
  dunningLetterDate?: DateConditionInput | null;

  @Field(() => DateTimeConditionInput, { nullable: true, description: 'A condition on when the invoice was created.' })
  createdDateTime?: DateTimeConditionInput | null;

  @Field(() => DateTimeConditionInput, { nullable: true, description: 'A condition on when the invoice was last changed.' })
  lastModifiedDateTime?: DateTimeConditionInput | null;
}
