import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The VAT category of a line.' })
export class VatCode {
  @Field(() => String, { nullable: true, description: "The VAT code's ID." })
  id!: string | null;

  @Field(() => String, { nullable: true, description: 'What the VAT code means.' })
  description!: string | null;
}
