import { Field, InputType, Int } from 'type-graphql';
import { LineOperation } from '../enums/line-operation.enum';
import { InvoiceLineInput } from './invoice-line.input';

@InputType({
  description:
    "One change to an invoice's lines. INSERT needs line with an inventoryNumber or a description; UPDATE needs lineNumber and line with the fields to change; DELETE needs lineNumber and no line.",
})
export class InvoiceLineChangeInput {
  @Field(() => LineOperation, { description: 'What to do.' })
  operation!: LineOperation;

  @Field(() => Int, { nullable: true, description: 'The line to change (from InvoiceLine.lineNumber). Required for UPDATE and DELETE.' })
  lineNumber?: number | null;

  @Field(() => InvoiceLineInput, {
    nullable: true,
    description: "The line's fields. Required for INSERT and UPDATE; not allowed for DELETE.",
  })
  line?: InvoiceLineInput | null;
}
