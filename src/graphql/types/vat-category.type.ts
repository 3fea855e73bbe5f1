import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The VAT category a tax detail was computed for.' })
export class VatCategory {
  @Field(() => String, { nullable: true, description: "The VAT category's number." })
  number!: string | null;

  @Field(() => String, { nullable: true, description: "The VAT category's name." })
  description!: string | null;
}
