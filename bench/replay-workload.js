'use strict';
/**
 * The read-workload replay's pure parts (bench/replay.js): the seeded operation sequence a
 * frontend sends, and the staleness analysis of the answers against the history of the changes
 * made directly in the simulator. No I/O here, so the analysis can be checked on its own.
 */

/** mulberry32: a small seeded PRNG, so every run (and every target in a run) replays the same operations. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws a 0-based rank from Zipf(s) over n items: rank k has weight 1 / (k + 1)^s. */
function zipf(n, s, random) {
  const cdf = [];
  let total = 0;
  for (let k = 1; k <= n; k += 1) cdf.push((total += 1 / k ** s));
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function shuffled(items, random) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// invoiceText carries the replay's change markers, so every shape selects it.
const DETAIL = `query InvoiceDetail($n: ID!) { customerInvoice(referenceNumber: $n) { referenceNumber status currencyId amount balance documentDate documentDueDate invoiceText customer { number name } lines { lineNumber description quantity unitPrice amount } } }`;
const ROW = 'referenceNumber status documentDate amount balance invoiceText customer { number name }';
const FIRST_PAGE = `query InvoiceList($first: Int!) { customerInvoices(first: $first) { totalCount nodes { ${ROW} } } }`;
const BY_STATUS = `query InvoicesByStatus($first: Int!, $status: InvoiceStatus!) { customerInvoices(first: $first, filter: { status: $status }) { totalCount nodes { ${ROW} } } }`;
const BY_CUSTOMER = `query InvoicesByCustomer($first: Int!, $customer: String!) { customerInvoices(first: $first, filter: { customerNumber: $customer }) { totalCount nodes { ${ROW} } } }`;

/**
 * What a frontend asks for, by share of operations: mostly an invoice's detail page, the rest
 * list views (the landing page's first 20 or 50, a status tab, a customer's invoices).
 */
const MIX = [
  { shape: 'detail', share: 0.7 },
  { shape: 'first20', share: 0.08 },
  { shape: 'first50', share: 0.04 },
  { shape: 'byStatus', share: 0.1 },
  { shape: 'byCustomer', share: 0.08 },
];
// Status tabs, by how often a user opens them; all have invoices in the simulator's seed.
const STATUS_TABS = [
  { status: 'OPEN', share: 0.6 },
  { status: 'HOLD', share: 0.15 },
  { status: 'CLOSED', share: 0.25 },
];

function pickShare(items, u) {
  let acc = 0;
  for (const item of items) {
    acc += item.share;
    if (u < acc) return item;
  }
  return items[items.length - 1];
}

/**
 * The operation sequence: `count` operations over `invoices` (reference numbers) and `customers`
 * (customer numbers), invoices and customers Zipf(s)-popular in a seeded random order (so
 * popularity is not the list order). Each operation is { shape, body } with `body` the JSON to POST.
 */
function operations({ count, invoices, customers, s = 1, seed = 7 }) {
  const random = prng(seed);
  const hotInvoices = shuffled(invoices, random);
  const hotCustomers = shuffled(customers, random);
  const invoiceRank = zipf(hotInvoices.length, s, random);
  const customerRank = zipf(hotCustomers.length, s, random);
  const ops = [];
  for (let i = 0; i < count; i += 1) {
    const { shape } = pickShare(MIX, random());
    let query;
    let variables;
    if (shape === 'detail') [query, variables] = [DETAIL, { n: hotInvoices[invoiceRank()] }];
    else if (shape === 'first20') [query, variables] = [FIRST_PAGE, { first: 20 }];
    else if (shape === 'first50') [query, variables] = [FIRST_PAGE, { first: 50 }];
    else if (shape === 'byStatus') [query, variables] = [BY_STATUS, { first: 20, status: pickShare(STATUS_TABS, random()).status }];
    else [query, variables] = [BY_CUSTOMER, { first: 20, customer: hotCustomers[customerRank()] }];
    ops.push({ shape, body: JSON.stringify({ query, variables }) });
  }
  return { ops, hotInvoices };
}

/** The invoices an answer shows, as [{ referenceNumber, invoiceText }]. */
function invoicesIn(data) {
  if (!data) return [];
  if ('customerInvoice' in data) return data.customerInvoice ? [data.customerInvoice] : [];
  return data.customerInvoices?.nodes ?? [];
}

const MARKER = /^replay v(\d+)$/;
const marker = (version) => `replay v${version}`;

/**
 * Staleness of every answer against the change history.
 *
 * `changes`: per reference number, the changes made in the simulator in order, version k at
 * index k - 1: { sentAt, ackAt } (ms, one monotonic clock). `seedText`: each invoice's
 * invoiceText before any change. `answers`: { sentAt, receivedAt, invoices: [{ referenceNumber, invoiceText }] }.
 *
 * An answer misses a change when it shows an older version although the change was acknowledged
 * before the request was sent; its staleness is the request's send time minus the send time of
 * the first change it misses (the change was applied after that moment, so this errs high).
 * Changes still in flight when the request left may or may not show: neither counts.
 */
function analyse({ changes, seedText, answers }) {
  const staleness = [];
  let staleAnswers = 0;
  let staleInvoices = 0;
  let observations = 0;
  const anomalies = [];
  for (const answer of answers) {
    let worst = 0;
    for (const invoice of answer.invoices) {
      observations += 1;
      const history = changes.get(invoice.referenceNumber) ?? [];
      const match = MARKER.exec(invoice.invoiceText ?? '');
      let seen;
      if (match) seen = Number(match[1]);
      else if ((invoice.invoiceText ?? null) === (seedText.get(invoice.referenceNumber) ?? null)) seen = 0;
      else {
        anomalies.push(
          `invoice ${invoice.referenceNumber} shows ${JSON.stringify(invoice.invoiceText)}, neither its seed text nor a marker`,
        );
        continue;
      }
      if (seen > history.length || (seen > 0 && history[seen - 1].sentAt > answer.receivedAt)) {
        anomalies.push(`invoice ${invoice.referenceNumber} shows version ${seen} before it was made`);
        continue;
      }
      const firstMissed = history[seen];
      if (firstMissed && firstMissed.ackAt <= answer.sentAt) {
        staleInvoices += 1;
        worst = Math.max(worst, answer.sentAt - firstMissed.sentAt);
      }
    }
    if (worst > 0) staleAnswers += 1;
    staleness.push(worst);
  }
  staleness.sort((a, b) => a - b);
  const at = (q) => (staleness.length === 0 ? 0 : staleness[Math.min(staleness.length - 1, Math.ceil(q * staleness.length) - 1)]);
  return {
    answers: answers.length,
    observations,
    staleAnswers,
    staleInvoices,
    maxStalenessMs: staleness.length === 0 ? 0 : staleness[staleness.length - 1],
    p99StalenessMs: at(0.99),
    anomalies,
  };
}

module.exports = { prng, zipf, operations, invoicesIn, analyse, marker, MIX, STATUS_TABS };
