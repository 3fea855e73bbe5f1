/** Calls per route template and outcome, so tests can assert N+1 behaviour and retries. */
export type CounterSnapshot = Record<string, { total: number; byStatus: Record<string, number> }>;

export class CallCounters {
  private counts = new Map<string, Map<string, number>>();

  record(template: string, outcome: number | string): void {
    let byStatus = this.counts.get(template);
    if (!byStatus) {
      byStatus = new Map();
      this.counts.set(template, byStatus);
    }
    const key = String(outcome);
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
  }

  snapshot(): CounterSnapshot {
    const result: CounterSnapshot = {};
    for (const [template, byStatus] of this.counts) {
      let total = 0;
      const statuses: Record<string, number> = {};
      for (const [status, count] of byStatus) {
        statuses[status] = count;
        total += count;
      }
      result[template] = { total, byStatus: statuses };
    }
    return result;
  }

  reset(): void {
    this.counts.clear();
  }
}
