'use strict';
/**
 * The benchmark's scenarios: for request i, what each target is sent. Every GraphQL document
 * takes variables (so Apollo's document cache hits, as it does for a real frontend) and the
 * variables rotate (invoice numbers, pages, descriptions) so no response cache could flatter a
 * target. `expectedCalls` is the exact number of Visma calls one operation must cost.
 */

const INVOICE_FIELDS =
  'referenceNumber status currencyId amount balance documentDate customer { number name } lines { lineNumber description quantity unitPrice amount }';
const DETAIL_FIELDS =
  'referenceNumber status currencyId amount balance documentDate customer { number name email currencyId } lines { lineNumber description quantity unitPrice amount }';

const BY_NUMBER = `query Invoice($n: ID!) { customerInvoice(referenceNumber: $n) { ${INVOICE_FIELDS} } }`;
const LIST = `query Invoices($first: Int!, $after: String) { customerInvoices(first: $first, after: $after) { totalCount nodes { ${INVOICE_FIELDS} } } }`;
const LIST_CUSTOMERS = `query InvoicesWithCustomers($first: Int!, $after: String) { customerInvoices(first: $first, after: $after) { totalCount nodes { ${DETAIL_FIELDS} } } }`;
const CREATE = `mutation Create($input: CreateInvoiceInput!) { createInvoice(input: $input) { ${INVOICE_FIELDS} } }`;
const UPDATE = `mutation UpdateLines($n: ID!, $lines: [InvoiceLineChangeInput!]!) { updateInvoiceLines(referenceNumber: $n, lines: $lines) { ${INVOICE_FIELDS} } }`;
const ENTITIES = `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on CustomerInvoice { ${INVOICE_FIELDS} } } }`;

/** The i-th seeded invoice's number, rotating; `first` is the lowest (it depends on the invoice count). */
const number = (i, ctx) => String(ctx.firstNumber + (i % ctx.invoiceCount)).padStart(6, '0');

/**
 * `ctx`: { invoiceCount, firstNumber (of the seeded invoices), cursors: { [size]: [null, c1, …] } (the gateway's cursors for page
 * starts, read once at setup), created: [numbers of invoices made at setup for updates],
 * token (the simulator's bearer token), apiKey }.
 */
function scenarios(ctx) {
  const gql = (query, variables) => ({ method: 'POST', path: '/graphql', body: JSON.stringify({ query, variables }) });
  const pages = (size) => Math.floor(ctx.invoiceCount / size);
  const list = (size, customers) => ({
    gateway: (i) => gql(customers ? LIST_CUSTOMERS : LIST, { first: size, after: ctx.cursors[size][i % pages(size)] }),
    ceiling: (i) => ({ method: 'GET', path: `/invoices?page=${(i % pages(size)) + 1}&size=${size}${customers ? '&customers=1' : ''}` }),
    simulator: customers
      ? undefined
      : (i) => ({ method: 'GET', path: `/v1/customerinvoice?pageNumber=${(i % pages(size)) + 1}&pageSize=${size}` }),
    pick: (target, data) => (target === 'gateway' ? data.customerInvoices : data),
  });
  return [
    {
      name: 'byNumber',
      expectedCalls: () => 1,
      gateway: (i) => gql(BY_NUMBER, { n: number(i * 7, ctx) }),
      ceiling: (i) => ({ method: 'GET', path: `/invoice/${number(i * 7, ctx)}` }),
      simulator: (i) => ({ method: 'GET', path: `/v1/customerinvoice/${number(i * 7, ctx)}` }),
      pick: (target, data) => (target === 'gateway' ? data.customerInvoice : data),
    },
    { name: 'list100', expectedCalls: () => 1, ...list(100, false) },
    { name: 'list1000', expectedCalls: () => 1, ...list(1000, false) },
    {
      name: 'createInvoice',
      expectedCalls: () => 2,
      gateway: (i) =>
        gql(CREATE, { input: { customerNumber: '10000', lines: [{ description: `Bench ${i % 100}`, quantity: '1', unitPrice: '10' }] } }),
      ceiling: (i) => ({
        method: 'POST',
        path: '/invoices',
        body: JSON.stringify({ customerNumber: '10000', description: `Bench ${i % 100}` }),
      }),
      // The new invoice's number differs between targets by design.
      pick: (target, data) => ({ ...(target === 'gateway' ? data.createInvoice : data), referenceNumber: undefined }),
    },
    {
      name: 'updateInvoiceLines',
      expectedCalls: () => 2,
      gateway: (i) =>
        gql(UPDATE, {
          n: ctx.created[i % ctx.created.length],
          lines: [{ operation: 'UPDATE', lineNumber: 1, line: { description: `Changed ${i % 100}` } }],
        }),
      ceiling: (i) => ({
        method: 'PUT',
        path: `/invoice/${ctx.created[i % ctx.created.length]}/line1`,
        body: JSON.stringify({ description: `Changed ${i % 100}` }),
      }),
      pick: (target, data) => (target === 'gateway' ? data.updateInvoiceLines : data),
    },
    {
      name: 'entities20',
      expectedCalls: () => 20,
      gateway: (i) =>
        gql(ENTITIES, {
          representations: Array.from({ length: 20 }, (_, k) => ({
            __typename: 'CustomerInvoice',
            referenceNumber: number(i * 20 + k, ctx),
          })),
        }),
      ceiling: (i) => ({
        method: 'POST',
        path: '/entities',
        body: JSON.stringify({ numbers: Array.from({ length: 20 }, (_, k) => number(i * 20 + k, ctx)) }),
      }),
      pick: (target, data) => (target === 'gateway' ? data._entities : data),
    },
    {
      name: 'list50Customers',
      // One page read, then each distinct customer on the page once (ctx.customersPerPage50, counted at setup).
      expectedCalls: (i) => 1 + ctx.customersPerPage50[i % pages(50)],
      ...list(50, true),
    },
  ];
}

module.exports = { scenarios, LIST, number };
