import { Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { VismaUnreadableRecordError } from '../../visma/errors';
import type { InvoiceLine as DomainLine } from '../../visma/model';
import type { GatewayContext } from '../context';
import { ItemType } from '../enums/item-type.enum';
import { LineType } from '../enums/line-type.enum';
import { encodeGlobalId } from '../node/global-id';
import { lineOwner } from '../node/node-values';
import { InvoiceLine } from '../types/invoice-line.type';

@Resolver(() => InvoiceLine)
export class InvoiceLineResolver {
  @FieldResolver(() => ID, {
    description:
      'A global id for this line (Node), from its invoice and lineNumber: opaque, stable, and unique across every type. Client caches key the line by it; node(id:) reads it again.',
  })
  id(@Root() line: DomainLine, @Ctx() context: GatewayContext): string {
    const referenceNumber = lineOwner(context, line);
    if (referenceNumber === undefined) {
      throw new Error('InvoiceLine.id: the line was not read through its invoice in this request');
    }
    // Visma numbers every line; one without a number has no identity, so its invoice cannot be represented.
    if (line.lineNumber === null) {
      throw new VismaUnreadableRecordError(`Invoice "${referenceNumber}" has a line without a lineNumber.`, referenceNumber);
    }
    return encodeGlobalId({ type: 'InvoiceLine', referenceNumber, lineNumber: line.lineNumber });
  }

  @FieldResolver(() => LineType, { nullable: true, description: 'What kind of line this is, set by Visma from the item.' })
  lineType(@Root() line: DomainLine, @Ctx() context: GatewayContext): LineType | null {
    return context.enums.degrade('LineType', LineType, line.lineType);
  }

  @FieldResolver(() => ItemType, { nullable: true, description: 'What the line sells, for ROT/RUT (Sweden).' })
  itemType(@Root() line: DomainLine, @Ctx() context: GatewayContext): ItemType | null {
    return context.enums.degrade('ItemType', ItemType, line.itemType);
  }
}
