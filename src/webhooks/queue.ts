import type { InvoiceChangeKind } from '../upstream-cache';

export interface HintQueueOptions {
  /** Invoices waiting to be read again, at most (WEBHOOK_QUEUE_MAX). */
  maxPending: number;
  /** Reads at once. */
  concurrency: number;
  /**
   * The work for one invoice: its read (`read` false: the cheap part alone, when the queue is
   * full), named `requestId`: the id of the first delivery that asked for it.
   */
  run(referenceNumber: string, kinds: readonly InvoiceChangeKind[], read: boolean, requestId: string): Promise<void>;
  onDepth?(depth: number): void;
  onOverflow?(): void;
  warn?(fields: Record<string, unknown>, message: string): void;
}

interface Waiting {
  kinds: Set<InvoiceChangeKind>;
  /** The delivery whose hint made the entry: its read carries this id. */
  requestId: string;
}

/**
 * The webhook receiver's work after it has answered: one entry per invoice (hints for an invoice
 * already waiting join it, so a burst of edits to one invoice costs one read), a few reads at a
 * time, at most `maxPending` invoices waiting. Past that, a hint is applied without its read
 * (the invoice evicted, the other replicas told, the change reported), so the queue's memory and
 * the Visma calls it causes stay bounded, and nothing is left stale: a reader reads it again.
 */
export class HintQueue {
  private readonly pending = new Map<string, Waiting>();
  private running = 0;
  private closed = false;
  private idle: Array<() => void> = [];

  constructor(private readonly options: HintQueueOptions) {}

  get depth(): number {
    return this.pending.size;
  }

  /**
   * Takes the hint of the delivery `requestId`. Returns the id the work for it runs under: its
   * own, or that of the delivery whose entry it joined (undefined once closed).
   */
  add(referenceNumber: string, kind: InvoiceChangeKind, requestId: string): string | undefined {
    if (this.closed) return undefined;
    const waiting = this.pending.get(referenceNumber);
    if (waiting !== undefined) {
      waiting.kinds.add(kind);
      return waiting.requestId;
    }
    if (this.pending.size >= this.options.maxPending) {
      this.options.onOverflow?.();
      void this.options.run(referenceNumber, [kind], false, requestId).catch((error: unknown) => this.failed(error));
      return requestId;
    }
    this.pending.set(referenceNumber, { kinds: new Set([kind]), requestId });
    this.options.onDepth?.(this.pending.size);
    this.drain();
    return requestId;
  }

  /** Resolves once nothing waits or runs (tests, shutdown). */
  settled(): Promise<void> {
    if (this.pending.size === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Takes nothing more; what runs finishes. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.clear();
    await this.settled();
  }

  private drain(): void {
    while (this.running < this.options.concurrency && this.pending.size > 0) {
      const [referenceNumber, waiting] = this.pending.entries().next().value as [string, Waiting];
      this.pending.delete(referenceNumber);
      this.options.onDepth?.(this.pending.size);
      this.running += 1;
      this.options
        .run(referenceNumber, [...waiting.kinds], true, waiting.requestId)
        .catch((error: unknown) => this.failed(error))
        .finally(() => {
          this.running -= 1;
          this.drain();
          if (this.pending.size === 0 && this.running === 0) for (const wake of this.idle.splice(0)) wake();
        });
    }
  }

  private failed(error: unknown): void {
    this.options.warn?.({ error: error instanceof Error ? error.name : typeof error }, 'webhooks: applying a hint failed');
  }
}
