import {
  IdempotencyError,
  IdempotentCreator,
  InMemoryKeyStore,
  MIN_RETENTION_MS,
  fingerprintOf,
  stampFor,
  type CreateApi,
} from '../../../src/idempotency';
import type { CallOptions, Created } from '../../../src/visma/api';
import { VismaTimeoutError, VismaUnavailableError, VismaValidationError, type VismaError } from '../../../src/visma/errors';
import type { CustomerInvoice, InvoiceDraft, InvoiceListQuery, InvoicePage } from '../../../src/visma/model';

const KEY = '5f0c2a4e-3d1b-4c7e-9a8f-0b1c2d3e4f50';
const DRAFT: InvoiceDraft = { customerNumber: '10000', lines: [{ description: 'Potatoes', quantity: '5' }] };

type Fault = { kind: 'commitThenLose' } | { kind: 'fail'; error: VismaError };

/** Visma as far as creates go: stored invoices by number, and faults for the next creates. */
class FakeLedger implements CreateApi {
  readonly invoices: Array<{ referenceNumber: string; externalReference: string | undefined }> = [];
  readonly calls: string[] = [];
  readonly createFaults: Fault[] = [];
  listFault: VismaError | undefined;
  private next = 3_600;

  async createInvoice(draft: InvoiceDraft, _options?: CallOptions): Promise<Created> {
    this.calls.push('create');
    const fault = this.createFaults.shift();
    if (fault?.kind === 'fail') throw fault.error;
    const referenceNumber = String((this.next += 1)).padStart(6, '0');
    this.invoices.push({ referenceNumber, externalReference: draft.externalReference });
    if (fault?.kind === 'commitThenLose') {
      throw new VismaUnavailableError('connection lost', { outcome: 'unknown' });
    }
    return { referenceNumber, version: 'v1' };
  }

  readonly listOptions: Array<CallOptions | undefined> = [];

  async listInvoices(query: InvoiceListQuery, options?: CallOptions): Promise<InvoicePage> {
    this.calls.push('list');
    this.listOptions.push(options);
    if (this.listFault !== undefined) throw this.listFault;
    const invoices = this.invoices
      .filter((invoice) => invoice.externalReference === query.filter?.externalReference)
      .slice(0, query.pageSize)
      .map((invoice) => ({ ...invoice, version: 'v1' }) as unknown as CustomerInvoice);
    return { invoices, totalCount: invoices.length, maxPageSize: 1000 };
  }
}

describe('IdempotentCreator', () => {
  let now: number;
  let ledger: FakeLedger;
  let creator: IdempotentCreator;
  const create = (draft: InvoiceDraft = DRAFT, key = KEY) => creator.create(ledger, key, draft, {});
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  beforeEach(() => {
    now = 1_000_000;
    ledger = new FakeLedger();
    const store = new InMemoryKeyStore({ retentionMs: MIN_RETENTION_MS, maxKeys: 100, now: () => now });
    creator = new IdempotentCreator({ store, now: () => now, settleMs: 30_000, leaseMs: 60_000 });
  });

  it('stamps a hash of the key into externalReference (37 characters, not the key itself)', async () => {
    await create();
    const stamp = ledger.invoices[0]?.externalReference;
    expect(stamp).toBe(stampFor(KEY));
    expect(stamp).toMatch(/^idem-[0-9a-f]{32}$/);
    expect(stamp).not.toContain(KEY);
  });

  it('looks the stamp up before the first send, because a memory store cannot know about a crash', async () => {
    await expect(create()).resolves.toEqual({ referenceNumber: '003601', version: 'v1' });
    expect(ledger.calls).toEqual(['list', 'create']);
  });

  it('asks Visma itself for the stamp, never a cached answer that predates a lost create', async () => {
    await create();
    expect(ledger.listOptions).toEqual([expect.objectContaining({ fresh: true })]);
  });

  it('returns the same invoice for the same key and input, without calling Visma again', async () => {
    await create();
    ledger.calls.length = 0;
    await expect(create({ ...DRAFT, lines: [{ quantity: '5', description: 'Potatoes' }] })).resolves.toMatchObject({
      referenceNumber: '003601',
    });
    expect(ledger.calls).toEqual([]);
    expect(ledger.invoices).toHaveLength(1);
  });

  it('refuses the same key with a different input', async () => {
    await create();
    const error = await failure(create({ ...DRAFT, invoiceText: 'changed' }));
    expect(error).toBeInstanceOf(IdempotencyError);
    expect(error).toMatchObject({ kind: 'reused', retryAfterSeconds: null });
  });

  it('tells a concurrent retry that the key is in use', async () => {
    const first = create();
    const error = await failure(create());
    expect(error).toMatchObject({ kind: 'in_use', retryAfterSeconds: 60 });
    await first;
    expect(ledger.invoices).toHaveLength(1);
  });

  it('finds an invoice Visma committed before the answer was lost, and does not post again', async () => {
    ledger.createFaults.push({ kind: 'commitThenLose' });
    await expect(create()).resolves.toMatchObject({ referenceNumber: '003601' });
    expect(ledger.calls).toEqual(['list', 'create', 'list']);
    await expect(create()).resolves.toMatchObject({ referenceNumber: '003601' });
    expect(ledger.invoices).toHaveLength(1);
  });

  it('finds an invoice left by a crashed gateway (a fresh store) instead of posting a second', async () => {
    await create();
    const fresh = new IdempotentCreator({
      store: new InMemoryKeyStore({ retentionMs: MIN_RETENTION_MS, maxKeys: 100, now: () => now }),
      now: () => now,
      settleMs: 30_000,
      leaseMs: 60_000,
    });
    await expect(fresh.create(ledger, KEY, DRAFT, {})).resolves.toMatchObject({ referenceNumber: '003601' });
    expect(ledger.invoices).toHaveLength(1);
  });

  describe('when Visma cannot tell yet', () => {
    beforeEach(() => {
      ledger.createFaults.push({ kind: 'fail', error: new VismaTimeoutError('no answer', { outcome: 'unknown' }) });
    });

    it('answers outcome_unknown with the seconds until a retry can be trusted, and logs the stamp', async () => {
      const warnings: Array<Record<string, unknown>> = [];
      const logged = new IdempotentCreator({
        store: new InMemoryKeyStore({ retentionMs: MIN_RETENTION_MS, maxKeys: 100, now: () => now }),
        now: () => now,
        settleMs: 30_000,
        leaseMs: 60_000,
        warn: (fields) => warnings.push(fields),
      });
      const error = await failure(logged.create(ledger, KEY, DRAFT, {}));
      expect(error).toMatchObject({ kind: 'outcome_unknown', retryAfterSeconds: 30 });
      expect(ledger.calls).toEqual(['list', 'create', 'list']);
      expect(warnings).toEqual([{ stamp: stampFor(KEY), operation: undefined, status: undefined, error: 'VismaTimeoutError' }]);
    });

    it('does not post again while a late commit is still possible', async () => {
      await failure(create());
      now += 10_000;
      ledger.calls.length = 0;
      await expect(failure(create())).resolves.toMatchObject({ kind: 'outcome_unknown', retryAfterSeconds: 20 });
      expect(ledger.calls).toEqual(['list']);
    });

    it('posts again once the stamp is still missing after the settle time', async () => {
      await failure(create());
      now += 30_000;
      ledger.calls.length = 0;
      await expect(create()).resolves.toMatchObject({ referenceNumber: '003601' });
      expect(ledger.calls).toEqual(['list', 'create']);
    });

    it('stays unknown when the look-up itself fails', async () => {
      await failure(create());
      now += 30_000;
      ledger.listFault = new VismaUnavailableError('503', { status: 503 });
      await expect(failure(create())).resolves.toMatchObject({ kind: 'outcome_unknown' });
      ledger.listFault = undefined;
      await expect(create()).resolves.toMatchObject({ referenceNumber: '003601' });
    });
  });

  it('treats a 5xx on the create as ambiguous', async () => {
    ledger.createFaults.push({ kind: 'fail', error: new VismaUnavailableError('502', { status: 502 }) });
    await expect(failure(create())).resolves.toMatchObject({ kind: 'outcome_unknown' });
  });

  it('frees the key when Visma refused the create, so a retry sends it again', async () => {
    ledger.createFaults.push({ kind: 'fail', error: new VismaValidationError('bad customer', { status: 400 }) });
    await expect(failure(create())).resolves.toBeInstanceOf(VismaValidationError);
    await expect(create()).resolves.toMatchObject({ referenceNumber: '003601' });
  });

  it('passes a failed first look-up on as it is, with nothing sent', async () => {
    ledger.listFault = new VismaUnavailableError('circuit open', { outcome: 'not_applied' });
    await expect(failure(create())).resolves.toBe(ledger.listFault);
    expect(ledger.calls).toEqual(['list']);
    ledger.listFault = undefined;
    await expect(create()).resolves.toMatchObject({ referenceNumber: '003601' });
  });

  it('fingerprints the input whatever the order of its keys', () => {
    expect(fingerprintOf({ customerNumber: '1', lines: [], invoiceText: 'a' })).toBe(
      fingerprintOf({ invoiceText: 'a', lines: [], customerNumber: '1' }),
    );
  });
});
