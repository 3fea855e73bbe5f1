#!/usr/bin/env node
/**
 * Measures the upstream cache's size estimate against V8's heap, alone in a process of its own
 * (started with --expose-gc by upstream-cache-footprint.test.ts): in a jest worker, other suites'
 * garbage and the in-process simulator's buffers moved the heap by hundreds of megabytes.
 * Reads the built gateway (dist/) against the simulator at argv[2]; prints one JSON line of
 * { lists, singles, customers }, each { estimate, heap } in bytes.
 */
'use strict';
const path = require('node:path');
const { getHeapStatistics } = require('node:v8');

const dist = path.join(__dirname, '..', '..', '..', 'dist');
const { CachingVismaApi } = require(path.join(dist, 'upstream-cache'));
const { createVismaClient } = require(path.join(dist, 'visma'));
const { FULL_EXPANSION } = require(path.join(dist, 'visma', 'expansion'));

const DEMO = { clientId: 'demo-client', clientSecret: 'demo-secret', tenantId: '11111111-2222-3333-4444-555555555555' };

/** The heap in use once everything unreachable is gone. */
function liveHeap() {
  global.gc();
  global.gc();
  return getHeapStatistics().used_heap_size;
}

function cache(visma, scope = 'cc:footprint') {
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
 * Heap growth while caches hold what a workload read, against the bytes they report. The
 * workload runs once first on caches that are then dropped, so code, maps and the client's own
 * first-use allocations are not counted as the cache's.
 */
async function measure(workload) {
  await workload([]);
  const caches = [];
  const before = liveHeap();
  await workload(caches);
  const heap = liveHeap() - before;
  const estimate = caches.reduce((sum, each) => sum + each.bytes, 0);
  for (const each of caches) each.close();
  return { estimate, heap };
}

async function main() {
  const url = process.argv[2];
  const visma = createVismaClient({ baseUrl: url, auth: { mode: 'client_credentials', tokenUrl: `${url}/connect/token`, ...DEMO } });
  const page = await visma.listInvoices({ pageNumber: 1, pageSize: 1_000 });
  // Copies, so that the measured heap does not find these strings already paid for.
  const references = page.invoices.map((invoice) => `${invoice.referenceNumber}`.padStart(6, '0'));
  const customers = [...new Set(page.invoices.map((invoice) => invoice.customer?.number ?? ''))].filter((number) => number !== '');

  const lists = await measure(async (caches) => {
    const own = cache(visma);
    caches.push(own);
    // Eight distinct queries: each page holds its own copies of its invoices.
    for (let size = 250; size > 242; size -= 1) {
      await own.listInvoices({ pageNumber: 1 + (size % 4), pageSize: size, expand: FULL_EXPANSION });
    }
  });
  const singles = await measure(async (caches) => {
    const own = cache(visma);
    caches.push(own);
    for (const reference of references) await own.getInvoice(reference);
  });
  const customerCopies = await measure(async (caches) => {
    // One cache per credential, so that every one holds its own copy of each customer.
    for (let credential = 0; credential < 40; credential += 1) {
      const own = cache(visma, `cc:${credential}`);
      caches.push(own);
      for (const number of customers) await own.getCustomer(number);
    }
  });
  visma.close();
  process.stdout.write(`${JSON.stringify({ lists, singles, customers: customerCopies })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
