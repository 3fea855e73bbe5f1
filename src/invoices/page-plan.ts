/**
 * Which Visma pages to read for the window [offset, offset + count). Visma pages by
 * `pageNumber` (1-based) and `pageSize`, and caps `pageSize` silently at `maxPageSize`
 * (CONTRACT §4, §8.4), so a window that straddles a page boundary costs two calls unless a
 * different page size puts it inside one page. The planner tries every page size up to the
 * cap and keeps the one needing the fewest calls, then the fewest rows transferred.
 */
export interface PagePlan {
  pageSize: number;
  /** 1-based, inclusive. */
  firstPage: number;
  /** 1-based, inclusive. */
  lastPage: number;
}

export function planPages(offset: number, count: number, maxPageSize: number): PagePlan | null {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`offset must be a non-negative integer; received ${offset}.`);
  }
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`count must be a non-negative integer; received ${count}.`);
  }
  if (!Number.isSafeInteger(maxPageSize) || maxPageSize < 1) {
    throw new RangeError(`maxPageSize must be a positive integer; received ${maxPageSize}.`);
  }
  if (count === 0) {
    return null;
  }
  const last = offset + count - 1;
  const candidate = (pageSize: number): Candidate => {
    const firstPage = Math.floor(offset / pageSize) + 1;
    const lastPage = Math.floor(last / pageSize) + 1;
    const calls = lastPage - firstPage + 1;
    return { plan: { pageSize, firstPage, lastPage }, calls, rows: calls * pageSize };
  };
  let best = candidate(maxPageSize);
  for (let pageSize = 1; pageSize < maxPageSize; pageSize += 1) {
    const next = candidate(pageSize);
    if (next.calls < best.calls || (next.calls === best.calls && next.rows < best.rows)) {
      best = next;
    }
  }
  return best.plan;
}

interface Candidate {
  plan: PagePlan;
  calls: number;
  rows: number;
}

/** Where the window starts inside the rows of the plan's first page. */
export function skipWithinPlan(plan: PagePlan, offset: number): number {
  return offset - (plan.firstPage - 1) * plan.pageSize;
}
