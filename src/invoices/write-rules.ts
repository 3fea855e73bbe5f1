import type { InvoiceDraft, InvoiceLineChange } from '../visma/model';
import { InvalidRequestError } from './errors';

/**
 * The rules a write must meet before it is sent, because of how Visma answers (or fails to
 * answer) writes. Problems name the argument they came in, as the GraphQL API spells it.
 */

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{16,128}$/;

/** An idempotency key is well formed, and the input leaves `externalReference` to the key's stamp. */
export function checkIdempotencyKey(key: string, input: InvoiceDraft): void {
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new InvalidRequestError([
      { field: 'idempotencyKey', message: 'must be 16 to 128 characters of A-Z a-z 0-9 . _ : - (a UUID is a good key).' },
    ]);
  }
  if (input.externalReference !== undefined) {
    throw new InvalidRequestError([
      {
        field: 'input.externalReference',
        message: 'must be left out when an idempotencyKey is given: the gateway stamps the key into externalReference.',
      },
    ]);
  }
}

/**
 * Without If-Match, a PUT whose answer was lost cannot be repeated safely: if Visma applied it,
 * a second INSERT adds the line twice. With an expected version the repeat fails with a conflict
 * instead, which tells the client to read the invoice first. UPDATE and DELETE by line number
 * are harmless to repeat, so only INSERT needs the version.
 */
export function requireVersionForInsert(lineChanges: readonly InvoiceLineChange[], expectedVersion: string | undefined): void {
  if (expectedVersion === undefined && lineChanges.some((change) => change.operation === 'Insert')) {
    throw new InvalidRequestError([
      {
        field: 'expectedVersion',
        message:
          'is required when lines are inserted: a retried insert without it would add the line twice. Read the invoice and pass its version.',
      },
    ]);
  }
}
