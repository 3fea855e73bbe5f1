import { Field, InputType } from 'type-graphql';

@InputType({ description: "A billing address for one invoice. Fields left out keep the customer's default." })
export class AddressInput {
  @Field(() => Boolean, { nullable: true, description: "True to use this address instead of the customer's default." })
  overridden?: boolean | null;

  @Field(() => String, { nullable: true, description: 'First address line (at most 50 characters).' })
  line1?: string | null;

  @Field(() => String, { nullable: true, description: 'Second address line (at most 50 characters).' })
  line2?: string | null;

  @Field(() => String, { nullable: true, description: 'Third address line (at most 50 characters).' })
  line3?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code (at most 20 characters).' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'City (at most 50 characters).' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO country code, such as "NO".' })
  countryId?: string | null;

  @Field(() => String, { nullable: true, description: 'County, state or region code.' })
  county?: string | null;
}
