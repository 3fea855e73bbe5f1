import type { CallOptions, Created, RateLimitState, Updated, VismaApi, WriteOptions } from '../../../src/visma/api';
import type { Timers } from '../../../src/upstream-cache';
import type { ActionResult, Customer, CustomerInvoice, InvoiceListQuery, InvoicePage } from '../../../src/visma/model';

/** Time that moves only when a test says so; scheduled callbacks run in order as it passes. */
export class FakeClock implements Timers {
  time = Date.UTC(2026, 10, 25, 12, 0, 0);
  private tasks: Array<{ at: number; fn: () => void; seq: number }> = [];
  private seq = 0;

  now = (): number => this.time;

  schedule(fn: () => void, ms: number): () => void {
    const task = { at: this.time + ms, fn, seq: (this.seq += 1) };
    this.tasks.push(task);
    return () => {
      this.tasks = this.tasks.filter((other) => other !== task);
    };
  }

  get pending(): number {
    return this.tasks.length;
  }

  /** Moves time forward, running every callback that falls due, and lets promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.tasks.filter((task) => task.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.tasks = this.tasks.filter((task) => task !== due);
      this.time = due.at;
      due.fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface Call {
  operation: 'getInvoice' | 'listInvoices' | 'getCustomer' | 'createInvoice' | 'updateInvoice' | 'releaseInvoice';
  argument: unknown;
  options: CallOptions;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** Answers with what Visma holds at this moment. */
  release(): void;
}

export function invoice(referenceNumber: string, version = 'v1', extra: Partial<CustomerInvoice> = {}): CustomerInvoice {
  return {
    referenceNumber,
    version,
    lastModifiedDateTime: null,
    invoiceText: `text of ${referenceNumber}`,
    lines: [],
    ...extra,
  } as unknown as CustomerInvoice;
}

/**
 * Visma as a recorder: every call is kept, in order. By default each answers at once from
 * `invoices` (a 404-free world); with `hold` set, calls wait until the test settles them.
 */
export class FakeVisma implements VismaApi {
  readonly calls: Call[] = [];
  readonly invoices = new Map<string, CustomerInvoice>();
  hold = false;
  /** The change poll's answer; set per test. */
  changes: InvoicePage = { invoices: [], totalCount: 0, maxPageSize: 1000 };
  failPolls: Error | undefined;

  count(operation: Call['operation']): number {
    return this.calls.filter((call) => call.operation === operation).length;
  }

  /** listInvoices calls made by the change poll (they filter on lastModifiedDateTime). */
  polls(): Call[] {
    return this.calls.filter(
      (call) => call.operation === 'listInvoices' && (call.argument as InvoiceListQuery).filter?.lastModifiedDateTime !== undefined,
    );
  }

  reads(): Call[] {
    return this.calls.filter((call) => !this.polls().includes(call));
  }

  getInvoice(referenceNumber: string, options: CallOptions = {}): Promise<CustomerInvoice> {
    return this.record('getInvoice', referenceNumber, options, () => this.invoices.get(referenceNumber) ?? invoice(referenceNumber));
  }

  listInvoices(query: InvoiceListQuery, options: CallOptions = {}): Promise<InvoicePage> {
    if (query.filter?.lastModifiedDateTime !== undefined) {
      return this.record('listInvoices', query, options, () => {
        if (this.failPolls !== undefined) throw this.failPolls;
        return this.changes;
      });
    }
    return this.record('listInvoices', query, options, () => {
      const invoices = [...this.invoices.values()].slice(0, query.pageSize);
      return { invoices, totalCount: this.invoices.size, maxPageSize: 1000 };
    });
  }

  getCustomer(number: string, options: CallOptions = {}): Promise<Customer> {
    return this.record('getCustomer', number, options, () => ({ number, name: `Customer ${number}` }) as unknown as Customer);
  }

  createInvoice(_draft: unknown, options: CallOptions = {}): Promise<Created> {
    return this.record('createInvoice', undefined, options, () => ({ referenceNumber: '009999', version: 'v1' }));
  }

  updateInvoice(referenceNumber: string, _patch: unknown, options: WriteOptions = {}): Promise<Updated> {
    return this.record('updateInvoice', referenceNumber, options, () => {
      const current = this.invoices.get(referenceNumber) ?? invoice(referenceNumber);
      const next = `${current.version ?? 'v'}+`;
      this.invoices.set(referenceNumber, { ...current, version: next });
      return { version: next };
    });
  }

  releaseInvoice(referenceNumber: string, options: WriteOptions = {}): Promise<ActionResult> {
    return this.record('releaseInvoice', referenceNumber, options, () => ({ actionId: 'a1', result: 'Done' }));
  }

  rateLimit(): RateLimitState | null {
    return null;
  }

  /** The oldest call still waiting for an answer. */
  waiting(): Call[] {
    return this.open;
  }

  private open: Call[] = [];

  private record<T>(operation: Call['operation'], argument: unknown, options: CallOptions, answer: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: Call = {
        operation,
        argument,
        options,
        resolve: (value) => {
          this.open = this.open.filter((other) => other !== call);
          resolve(value as T);
        },
        reject: (error) => {
          this.open = this.open.filter((other) => other !== call);
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the test fails the call with, passed on unchanged
          reject(error);
        },
        release: () => {
          try {
            call.resolve(answer());
          } catch (error) {
            call.reject(error);
          }
        },
      };
      this.calls.push(call);
      const isPoll = operation === 'listInvoices' && (argument as InvoiceListQuery).filter?.lastModifiedDateTime !== undefined;
      if (this.hold && !isPoll) {
        this.open.push(call);
        return;
      }
      try {
        resolve(answer());
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the fake's own error, passed on unchanged
        reject(error);
      }
    });
  }
}

/** The options the unit suites build a cache with (one client-credentials scope, bounds no test reaches), before each suite's own. */
export const CACHE_OPTIONS = {
  enabled: true,
  freshnessMs: 10_000,
  maxEntries: 100,
  maxBytes: 64 * 1024 * 1024,
  maxAgeMs: 300_000,
  auth: { mode: 'client_credentials', scope: 'cc:tenant-1' },
} as const;
