import { Arg, Args, Ctx, Mutation, Resolver } from 'type-graphql';
import type { CustomerInvoice as DomainInvoice } from '../../visma/model';
import { ReleaseInvoiceArgs } from '../args/release-invoice.args';
import { UpdateInvoiceLinesArgs } from '../args/update-invoice-lines.args';
import type { GatewayContext } from '../context';
import { CreateInvoiceInput } from '../inputs/create-invoice.input';
import { CustomerInvoice } from '../types/customer-invoice.type';
import { ReleaseInvoicePayload } from '../types/release-invoice-payload.type';
import { toExpectedVersion, toInvoiceDraft, toLineChanges, toReferenceNumber } from '../validation/invoice-input.validation';
import type { ReleaseOutcome } from './release-invoice-payload.resolver';

/**
 * The arguments are validated here and the write is the invoices service's: it checks its own
 * rules, calls Visma and reads the invoice back (one create or change, then one read), all before
 * anything is returned.
 */
@Resolver()
export class CustomerInvoiceMutationResolver {
  @Mutation(() => CustomerInvoice, {
    description:
      "Creates an invoice and returns it as Visma stored it (two upstream calls: the create and one read). Whether it starts as HOLD or BALANCED depends on the company's settings.",
  })
  async createInvoice(
    @Arg('input', () => CreateInvoiceInput, { description: 'The new invoice.' }) input: CreateInvoiceInput,
    @Arg('idempotencyKey', () => String, {
      nullable: true,
      description:
        'A key you generate per invoice (a UUID), 16 to 128 characters of A-Z a-z 0-9 . _ : -. Send it whenever you may retry: the same key with the same input returns the same invoice however often it is sent, and never creates a second one; the same key with another input is IDEMPOTENCY_KEY_REUSED. Kept at least 24 hours. The gateway stamps it (hashed) into externalReference, so input.externalReference must then be left out. Without a key the create is sent once and never repeated.',
    })
    idempotencyKey: string | null | undefined,
    @Ctx() context: GatewayContext,
  ): Promise<DomainInvoice> {
    return context.invoices.createInvoice(toInvoiceDraft(input), idempotencyKey ?? undefined);
  }

  @Mutation(() => CustomerInvoice, {
    description:
      'Inserts, updates and deletes lines of an invoice, in the order given, and returns the invoice as Visma stored it. With expectedVersion the change is refused with CONFLICT when the invoice changed since that version.',
  })
  async updateInvoiceLines(@Args() args: UpdateInvoiceLinesArgs, @Ctx() context: GatewayContext): Promise<DomainInvoice> {
    const referenceNumber = toReferenceNumber(args.referenceNumber);
    const lineChanges = toLineChanges(args.lines);
    return context.invoices.updateInvoiceLines(referenceNumber, lineChanges, toExpectedVersion(args.expectedVersion));
  }

  @Mutation(() => ReleaseInvoicePayload, {
    description:
      "Releases an invoice (posts it to the ledger) and returns Visma's answer with the invoice as it is right after the call. Visma may finish the release in the background: see result.",
  })
  async releaseInvoice(@Args() args: ReleaseInvoiceArgs, @Ctx() context: GatewayContext): Promise<ReleaseOutcome> {
    const referenceNumber = toReferenceNumber(args.referenceNumber);
    const { action, invoice } = await context.invoices.releaseInvoice(referenceNumber, toExpectedVersion(args.expectedVersion));
    return { actionId: action.actionId, result: action.result, invoice };
  }
}
