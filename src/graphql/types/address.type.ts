import { Field, Int, ObjectType } from 'type-graphql';
import { Country } from './country.type';
import { County } from './county.type';

@ObjectType({ description: 'A postal address.' })
export class Address {
  @Field(() => Int, { nullable: true, description: "Visma's internal address key." })
  addressId!: number | null;

  @Field(() => String, { nullable: true, description: 'First address line.' })
  line1!: string | null;

  @Field(() => String, { nullable: true, description: 'Second address line.' })
  line2!: string | null;

  @Field(() => String, { nullable: true, description: 'Third address line.' })
  line3!: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  postalCode!: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city!: string | null;

  @Field(() => Country, { nullable: true, description: 'Country.' })
  country!: Country | null;

  @Field(() => County, { nullable: true, description: 'County, state or region.' })
  county!: County | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "True when this document uses its own address instead of the customer's default.",
  })
  overridden!: boolean | null;
}
