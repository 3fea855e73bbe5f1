import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Account as DomainAccount } from '../../visma/model';
import type { GatewayContext } from '../context';
import { AccountType } from '../enums/account-type.enum';
import { Account } from '../types/account.type';

@Resolver(() => Account)
export class AccountResolver {
  @FieldResolver(() => AccountType, { nullable: true, description: 'The kind of account.' })
  type(@Root() account: DomainAccount, @Ctx() context: GatewayContext): AccountType | null {
    return context.enums.degrade('AccountType', AccountType, account.type);
  }
}
