import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import { ActionResult } from '../enums/action-result.enum';
import { ReleaseInvoicePayload } from '../types/release-invoice-payload.type';

/** What `releaseInvoice` resolves to before the fields are read. */
export interface ReleaseOutcome {
  actionId: string | null;
  result: string | null;
  invoice: unknown;
}

@Resolver(() => ReleaseInvoicePayload)
export class ReleaseInvoicePayloadResolver {
  @FieldResolver(() => ActionResult, { nullable: true, description: 'How far Visma got with the release.' })
  result(@Root() outcome: ReleaseOutcome, @Ctx() context: GatewayContext): ActionResult | null {
    return context.enums.degrade('ActionResult', ActionResult, outcome.result);
  }
}
