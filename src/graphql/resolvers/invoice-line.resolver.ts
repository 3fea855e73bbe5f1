import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { InvoiceLine as DomainLine } from '../../visma/model';
import type { GatewayContext } from '../context';
import { ItemType } from '../enums/item-type.enum';
import { LineType } from '../enums/line-type.enum';
import { InvoiceLine } from '../types/invoice-line.type';

@Resolver(() => InvoiceLine)
export class InvoiceLineResolver {
  @FieldResolver(() => LineType, { nullable: true, description: 'What kind of line this is, set by Visma from the item.' })
  lineType(@Root() line: DomainLine, @Ctx() context: GatewayContext): LineType | null {
    return context.enums.degrade('LineType', LineType, line.lineType);
  }

  @FieldResolver(() => ItemType, { nullable: true, description: 'What the line sells, for ROT/RUT (Sweden).' })
  itemType(@Root() line: DomainLine, @Ctx() context: GatewayContext): ItemType | null {
    return context.enums.degrade('ItemType', ItemType, line.itemType);
  }
}
