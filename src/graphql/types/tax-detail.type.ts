import { Field, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../scalars/decimal.scalar';
import { VatCategory } from './vat-category.type';

@ObjectType({ description: 'The VAT computed for one VAT category of an invoice.' })
export class TaxDetail {
  @Field(() => String, { nullable: true, description: 'The tax ID.' })
  taxId!: string | null;

  @Field(() => Int, { nullable: true, description: "Visma's record number of this tax line." })
  recordId!: number | null;

  @Field(() => VatCategory, { nullable: true, description: 'The VAT category.' })
  vat!: VatCategory | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The VAT rate in percent.' })
  vatRate!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The amount VAT was computed on.' })
  taxableAmount!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The VAT amount.' })
  vatAmount!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The non-deductible part booked as an expense.' })
  expenseAmount!: string | null;
}
