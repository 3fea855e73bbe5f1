import { STAMP_FIELD, stampFor, stampLookUpQuery } from '../idempotency';
import type { InvoiceDraft, InvoiceLineChange } from '../visma/model';
import {
  createInvoiceRequest,
  getInvoiceRequest,
  listInvoicesRequest,
  releaseInvoiceRequest,
  updateInvoiceRequest,
  type VismaRequest,
} from '../visma/requests';
import type { Write } from './errors';

/**
 * A write's Visma calls, described instead of sent: a dry run (docs/mcp.md). Each is the request
 * the Visma client would send, built by the same functions (src/visma/requests.ts), so the
 * body is exactly Visma's wire format with its `{ "value": x }` wrappers.
 */
export interface PlannedCall {
  method: VismaRequest['method'];
  /** The path with its query string; a value known only once the call before has answered is a `{template}`. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Why the call is made, and when it is left out. */
  purpose: string;
}

export interface WritePlan {
  write: Write;
  calls: PlannedCall[];
}

const READ_BACK: PlannedCall = {
  method: 'GET',
  path: '/v1/customerinvoice/{referenceNumber}',
  purpose: 'Reads the invoice back to answer with it as Visma stored it (the write answers without a body).',
};

/**
 * A create as `InvoicesService.createInvoice` sends it. With a key: the stamp in
 * `externalReference`, and first the look-up of that stamp when the key store would not
 * remember a crash (docs/idempotency.md, step 3). The plan is a key's first use: a key already
 * done answers with its invoice and sends no create.
 */
export function planCreate(draft: InvoiceDraft, idempotency: { key: string; looksUpFirst: boolean } | undefined): WritePlan {
  const calls: PlannedCall[] = [];
  let sent = draft;
  if (idempotency !== undefined) {
    const stamp = stampFor(idempotency.key);
    if (idempotency.looksUpFirst) {
      // A text filter holds no dates, so the company's time zone changes nothing in this query.
      calls.push(
        described(
          listInvoicesRequest(stampLookUpQuery(stamp), 'UTC'),
          'Looks for an invoice an earlier attempt with this idempotency key created; when there is one, it is the answer and nothing is created.',
        ),
      );
    }
    sent = { ...draft, [STAMP_FIELD]: stamp };
  }
  calls.push(described(createInvoiceRequest(sent), 'Creates the invoice; Visma answers 201 with its number in Location.'));
  calls.push(READ_BACK);
  return { write: 'created', calls };
}

/** The line changes in one PUT, then the read-back, as `InvoicesService.updateInvoiceLines` sends them. */
export function planLineChanges(referenceNumber: string, lineChanges: InvoiceLineChange[], expectedVersion: string | undefined): WritePlan {
  return {
    write: 'updated',
    calls: [
      described(
        updateInvoiceRequest(referenceNumber, { lineChanges }, expectedVersion),
        expectedVersion === undefined
          ? 'Applies the line changes in order.'
          : 'Applies the line changes in order; Visma refuses them (CONFLICT) when the invoice is no longer at this version.',
      ),
      described(getInvoiceRequest(referenceNumber), READ_BACK.purpose),
    ],
  };
}

/** The release action, then the read-back, as `InvoicesService.releaseInvoice` sends them. */
export function planRelease(referenceNumber: string, expectedVersion: string | undefined): WritePlan {
  return {
    write: 'released',
    calls: [
      described(releaseInvoiceRequest(referenceNumber, expectedVersion), 'Releases the invoice (posts it to the ledger).'),
      described(getInvoiceRequest(referenceNumber), READ_BACK.purpose),
    ],
  };
}

function described(request: VismaRequest, purpose: string): PlannedCall {
  const headers = request.headers === undefined || Object.keys(request.headers).length === 0 ? {} : { headers: request.headers };
  return {
    method: request.method,
    path: `${request.path}${request.query ?? ''}`,
    ...headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    purpose,
  };
}
