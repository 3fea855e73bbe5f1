import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The VAT zone that decides which VAT rules apply to a customer.' })
export class VatZone {
  @Field(() => String, { nullable: true, description: "The VAT zone's ID." })
  id!: string | null;

  @Field(() => String, { nullable: true, description: "The VAT zone's name." })
  description!: string | null;
}
