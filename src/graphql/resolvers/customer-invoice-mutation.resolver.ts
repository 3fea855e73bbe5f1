import { GraphQLError } from 'graphql';
import { Arg, Args, Ctx, Mutation, Resolver } from 'type-graphql';
import { VismaNotFoundError, isVismaError } from '../../visma/errors';
import type { CustomerInvoice as DomainInvoice, InvoiceDraft, InvoiceLineChange } from '../../visma/model';
import { ReleaseInvoiceArgs } from '../args/release-invoice.args';
import { UpdateInvoiceLinesArgs } from '../args/update-invoice-lines.args';
import type { GatewayContext } from '../context';
import { badUserInput, fromVismaError, notFound } from '../errors';
import { CreateInvoiceInput } from '../inputs/create-invoice.input';
import { CustomerInvoice } from '../types/customer-invoice.type';
import { ReleaseInvoicePayload } from '../types/release-invoice-payload.type';
import { toExpectedVersion, toInvoiceDraft, toLineChanges, toReferenceNumber } from '../validation/invoice-input.validation';
import type { ReleaseOutcome } from './release-invoice-payload.resolver';

/**
 * Writes go to Visma, which answers without a body (201 with `Location`, 204, or an action
 * reference; CONTRACT §5), so each mutation reads the invoice back once to return it.
 * Everything is validated before the first upstream call.
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
    const draft = toInvoiceDraft(input);
    const key = toIdempotencyKey(idempotencyKey, draft);
    const created =
      key === undefined
        ? await context.visma.createInvoice(draft, context.callOptions)
        : await context.idempotency.create(context.visma, key, draft, context.callOptions);
    return readBack(context, created.referenceNumber, 'created');
  }

  @Mutation(() => CustomerInvoice, {
    description:
      'Inserts, updates and deletes lines of an invoice, in the order given, and returns the invoice as Visma stored it. With expectedVersion the change is refused with CONFLICT when the invoice changed since that version.',
  })
  async updateInvoiceLines(@Args() args: UpdateInvoiceLinesArgs, @Ctx() context: GatewayContext): Promise<DomainInvoice> {
    const referenceNumber = toReferenceNumber(args.referenceNumber);
    const lineChanges = toLineChanges(args.lines);
    const ifMatch = toExpectedVersion(args.expectedVersion);
    requireVersionForInsert(lineChanges, ifMatch);
    await withNotFound(referenceNumber, () =>
      context.visma.updateInvoice(referenceNumber, { lineChanges }, { ...context.callOptions, ifMatch }),
    );
    return readBack(context, referenceNumber, 'updated');
  }

  @Mutation(() => ReleaseInvoicePayload, {
    description:
      "Releases an invoice (posts it to the ledger) and returns Visma's answer with the invoice as it is right after the call. Visma may finish the release in the background: see result.",
  })
  async releaseInvoice(@Args() args: ReleaseInvoiceArgs, @Ctx() context: GatewayContext): Promise<ReleaseOutcome> {
    const referenceNumber = toReferenceNumber(args.referenceNumber);
    const ifMatch = toExpectedVersion(args.expectedVersion);
    const action = await withNotFound(referenceNumber, () =>
      context.visma.releaseInvoice(referenceNumber, { ...context.callOptions, ifMatch }),
    );
    const invoice = await readBack(context, referenceNumber, 'released');
    return { actionId: action.actionId, result: action.result, invoice };
  }
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{16,128}$/;

/** The key as given, or undefined without one; refused when malformed or when the input sets the stamp's field. */
function toIdempotencyKey(key: string | null | undefined, draft: InvoiceDraft): string | undefined {
  if (key === null || key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw badUserInput([
      { field: 'idempotencyKey', message: 'must be 16 to 128 characters of A-Z a-z 0-9 . _ : - (a UUID is a good key).' },
    ]);
  }
  if (draft.externalReference !== undefined) {
    throw badUserInput([
      {
        field: 'input.externalReference',
        message: 'must be left out when an idempotencyKey is given: the gateway stamps the key into externalReference.',
      },
    ]);
  }
  return key;
}

/**
 * Without If-Match, a PUT whose answer was lost cannot be repeated safely: if Visma applied it,
 * a second INSERT adds the line twice. With expectedVersion the repeat fails with CONFLICT
 * instead, which tells the client to read the invoice first. UPDATE and DELETE by line number
 * are harmless to repeat, so only INSERT needs the version.
 */
function requireVersionForInsert(lineChanges: readonly InvoiceLineChange[], ifMatch: string | undefined): void {
  if (ifMatch === undefined && lineChanges.some((change) => change.operation === 'Insert')) {
    throw badUserInput([
      {
        field: 'expectedVersion',
        message:
          'is required when lines are inserted: a retried insert without it would add the line twice. Read the invoice and pass its version.',
      },
    ]);
  }
}

async function withNotFound<T>(referenceNumber: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof VismaNotFoundError) {
      throw notFound(`Customer invoice "${referenceNumber}" does not exist.`);
    }
    throw error;
  }
}

/**
 * The write already happened, so a failing read must not look like a failed write (a client
 * retrying a create would make a duplicate): the error says so and names the invoice.
 */
async function readBack(context: GatewayContext, referenceNumber: string, what: string): Promise<DomainInvoice> {
  let invoice: DomainInvoice;
  try {
    invoice = await context.visma.getInvoice(referenceNumber, context.callOptions);
  } catch (error) {
    if (!isVismaError(error)) {
      throw error;
    }
    const mapped = fromVismaError(error);
    throw new GraphQLError(`Invoice "${referenceNumber}" was ${what}, but reading it back failed: ${mapped.message}`, {
      extensions: { ...mapped.extensions, referenceNumber },
    });
  }
  context.loaders.invoice.clear(referenceNumber).prime(referenceNumber, invoice);
  return invoice;
}
