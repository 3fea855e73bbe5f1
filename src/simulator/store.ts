/**
 * The simulated company's invoice table: lookup by number, a list kept in the stable order
 * lists are served in (by referenceNumber, ordinal), the row-version counter and the
 * automatic number series.
 */
import { type InvoiceRecord } from './invoice';
import { seedInvoices } from './seed';

export class InvoiceStore {
  private byNumber = new Map<string, InvoiceRecord>();
  private ordered: InvoiceRecord[] = [];
  private rowVersion = 0n;
  private lastAutoNumber = 0;

  constructor(
    private readonly seed: number,
    private readonly count: number,
  ) {
    this.reset();
  }

  /** Reloads the seeded demo data, discarding every write. */
  reset(): void {
    const data = seedInvoices(this.seed, this.count);
    this.byNumber = new Map(data.invoices.map((inv) => [inv.referenceNumber, inv]));
    this.ordered = [...data.invoices].sort(compareByNumber);
    this.rowVersion = data.nextVersion - 1n;
    this.lastAutoNumber = data.lastAutoNumber;
  }

  get(referenceNumber: string): InvoiceRecord | undefined {
    return this.byNumber.get(referenceNumber);
  }

  has(referenceNumber: string): boolean {
    return this.byNumber.has(referenceNumber);
  }

  /** Every invoice in list order. The array is live: do not modify it. */
  all(): readonly InvoiceRecord[] {
    return this.ordered;
  }

  get size(): number {
    return this.ordered.length;
  }

  /** The next number of the automatic series, skipping numbers already taken manually. */
  nextAutoNumber(): string {
    let candidate: string;
    do {
      this.lastAutoNumber += 1;
      candidate = String(this.lastAutoNumber).padStart(6, '0');
    } while (this.byNumber.has(candidate));
    return candidate;
  }

  /** Stamps a written row: new row version and modification time (the ETag changes on every write). */
  touch(invoice: InvoiceRecord, nowMs: number): void {
    this.rowVersion += 1n;
    invoice.version = this.rowVersion;
    invoice.lastModifiedMs = nowMs;
  }

  insert(invoice: InvoiceRecord): void {
    if (this.byNumber.has(invoice.referenceNumber)) throw new Error(`duplicate ${invoice.referenceNumber}`);
    this.byNumber.set(invoice.referenceNumber, invoice);
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareByNumber(this.ordered[mid] as InvoiceRecord, invoice) < 0) low = mid + 1;
      else high = mid;
    }
    this.ordered.splice(low, 0, invoice);
  }
}

function compareByNumber(left: InvoiceRecord, right: InvoiceRecord): number {
  return left.referenceNumber < right.referenceNumber ? -1 : left.referenceNumber > right.referenceNumber ? 1 : 0;
}
