import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEMO_CLIENT, startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { CachingVismaApi } from '../../src/upstream-cache';
import { createVismaClient, type VismaClient } from '../../src/visma';
import { FULL_EXPANSION } from '../../src/visma/expansion';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The heap in use once everything unreachable is gone. */
function liveHeap(): number {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
}

function cache(visma: VismaClient, scope = 'cc:footprint'): CachingVismaApi {
  // Bounds far above the workload, and no poll or expiry during it: everything read stays.
  return new CachingVismaApi(visma, {
    enabled: true,
    freshnessMs: 3_600_000,
    maxAgeMs: 86_400_000,
    maxEntries: 1_000_000,
    maxBytes: 4 * 1024 ** 3,
    auth: { mode: 'client_credentials', scope },
  });
}

/**
 * The estimate against V8: heap growth while caches hold what a workload read, against the bytes
 * they report. The workload runs once first on caches that are then dropped, so code, maps and
 * the client's own first-use allocations are not counted as the cache's.
 */
async function measure(workload: (caches: CachingVismaApi[]) => Promise<void>): Promise<{ estimate: number; heap: number }> {
  await workload([]);
  const caches: CachingVismaApi[] = [];
  const before = liveHeap();
  await workload(caches);
  const heap = liveHeap() - before;
  const estimate = caches.reduce((sum, each) => sum + each.bytes, 0);
  for (const each of caches) each.close();
  return { estimate, heap };
}

describe('the upstream cache’s size estimate, measured against the heap', () => {
  let simulator: RunningSimulator;
  let visma: VismaClient;
  let references: string[];
  let customers: string[];

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, invoiceCount: 1_000 });
    visma = createVismaClient({
      baseUrl: simulator.url,
      auth: { mode: 'client_credentials', tokenUrl: `${simulator.url}/connect/token`, ...DEMO_CLIENT },
    });
    const page = await visma.listInvoices({ pageNumber: 1, pageSize: 1_000 });
    // Copies, so that the measured heap does not find these strings already paid for.
    references = page.invoices.map((invoice) => `${invoice.referenceNumber}`.padStart(6, '0'));
    customers = [...new Set(page.invoices.map((invoice) => invoice.customer?.number ?? ''))].filter((number) => number !== '');
  });
  afterAll(async () => {
    visma.close();
    await simulator.close();
  });

  // The estimate may err high (the bound then holds less than it says), never low by more than 30 %.
  const honest = ({ estimate, heap }: { estimate: number; heap: number }): void => {
    expect(estimate / heap).toBeGreaterThan(0.7);
    expect(estimate / heap).toBeLessThan(1.5);
  };

  it('counts list pages of fully read invoices within 30 % of what they hold', async () => {
    const measured = await measure(async (caches) => {
      const lists = cache(visma);
      caches.push(lists);
      // Eight distinct queries: each page holds its own copies of its invoices.
      for (let size = 250; size > 242; size -= 1) {
        await lists.listInvoices({ pageNumber: 1 + (size % 4), pageSize: size, expand: FULL_EXPANSION });
      }
    });
    expect(measured.heap).toBeGreaterThan(10 * 1024 * 1024);
    honest(measured);
  }, 120_000);

  it('counts single invoices within 30 % of what they hold', async () => {
    const measured = await measure(async (caches) => {
      const singles = cache(visma);
      caches.push(singles);
      for (const reference of references) await singles.getInvoice(reference);
    });
    expect(measured.heap).toBeGreaterThan(4 * 1024 * 1024);
    honest(measured);
  }, 120_000);

  it('counts customers within 30 % of what they hold', async () => {
    const measured = await measure(async (caches) => {
      // One cache per credential, so that every one holds its own copy of each customer.
      for (let credential = 0; credential < 40; credential += 1) {
        const own = cache(visma, `cc:${credential}`);
        caches.push(own);
        for (const number of customers) await own.getCustomer(number);
      }
    });
    expect(measured.heap).toBeGreaterThan(1024 * 1024);
    honest(measured);
  }, 120_000);
});
