import { Field, ObjectType } from 'type-graphql';

/** `type` is added by `AccountResolver`, which maps Visma's spelling onto `AccountType`. */
@ObjectType({ description: 'A general-ledger account.' })
export class Account {
  @Field(() => String, { nullable: true, description: 'The account number, such as "3000".' })
  number!: string | null;

  @Field(() => String, { nullable: true, description: "The account's name." })
  description!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the account can be posted to.' })
  active!: boolean | null;

  @Field(() => String, { nullable: true, description: 'First external reporting code.' })
  externalCode1!: string | null;

  @Field(() => String, { nullable: true, description: 'Second external reporting code.' })
  externalCode2!: string | null;
}
