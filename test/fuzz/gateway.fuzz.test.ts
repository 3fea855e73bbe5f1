import fc from 'fast-check';
import { ErrorCode } from '../../src/graphql/errors';
import { sha256Hex } from '../../src/server/auth/inbound-auth';
import { GatewayHarness } from '../integration/helpers/gateway-harness';

/**
 * 10,000 generated requests at the running gateway over HTTP, with the simulator behind it and
 * production settings (API key required, introspection and suggestions off): operations (the
 * federation router's `_entities` among them) with
 * random, mistyped, huge, deeply nested and unknown variables; hostile documents (deep nesting,
 * alias and directive floods, fragment cycles, huge literals, token soup, random text);
 * malformed HTTP (bad JSON, wrong shapes, content types, batches); and missing or wrong keys.
 *
 * Every answer must be a GraphQL response (JSON with `errors` and/or `data`) whose errors carry
 * a documented code, with an HTTP status from a documented set, and must not show a stack,
 * a source path, an internal error class or an upstream body. INTERNAL_SERVER_ERROR counts as a
 * finding: it means an input reached code that did not expect it. The same seed gives the same
 * requests, so a failure replays.
 */
const RUNS = 10_000;
const SEED = 20_261_124;
const CONCURRENCY = 16;
const API_KEY = 'fuzz-suite-api-key-3c7e1a9b5d';

/** Codes clients can rely on (docs/api.md, "Error codes"), plus Apollo's codes for malformed requests. */
const DOCUMENTED_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
]);
/** 200 answered, 400 refused, 401 unauthenticated, 405 mutation over GET, 413 body over 1 MB, 415 a charset other than UTF-8. */
const DOCUMENTED_STATUSES = new Set([200, 400, 401, 405, 413, 415]);

/** What must never reach a client: stack frames, source paths, internal classes, Visma's wire format. */
const LEAKS: ReadonlyArray<[string, RegExp]> = [
  ['a stack frame', /\bat [\w.<>]+ \(|\n\s+at /],
  ['a source path', /\/(src|dist|node_modules)\/|\.ts:\d+/],
  ['a stacktrace extension', /"stacktrace"/],
  ['an internal error class', /\b(Visma\w*Error|TypeError|RangeError|ReferenceError|SyntaxError: Unexpected|Cannot read propert)/],
  ['Visma wire format', /"(value|metadata|errorInfo|ExceptionType|ExceptionMessage)":|VismaId/],
];

interface FuzzRequest {
  kind: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** A JSON body (stringified here) or raw text. */
  body?: string;
  query?: string;
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

const hugeString = fc.integer({ min: 10_000, max: 300_000 }).map((length) => 'x'.repeat(length));
const nastyString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '../../etc/passwd',
  '..',
  '.',
  '%2F%2E%2E',
  'a/b',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{"value":1}',
  '\ud800',
  '🧾'.repeat(50),
  'NaN',
  '1e400',
  '-0',
  '2025-02-30',
  '9999-12-31T23:59:59Z',
  'AAAAAAAACcU=',
);
const deepValue = fc.integer({ min: 50, max: 3_000 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) {
    value = level % 2 === 0 ? { nested: value } : [value];
  }
  return value;
});
const fieldName = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'value', 'customerNumbr', 'operation', 'lines'),
  fc.string({ maxLength: 12 }),
);
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    nastyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fieldName, tie('value'), { maxKeys: 4 }),
  ),
})).value;
/** Mostly anything, sometimes huge or deep. */
const hostileValue = fc.oneof(
  { weight: 8, arbitrary: anyValue },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepValue },
);

const reference = fc.oneof(fc.constantFrom('003547', '000001', '999999'), nastyString, fc.string({ maxLength: 20 }));
const decimal = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String), fc.double().map(String), fc.integer(), nastyString);
const date = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  nastyString,
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const line = fc.record(
  {
    description: maybe(fc.oneof(fc.string({ maxLength: 40 }), nastyString)),
    inventoryNumber: maybe(fc.oneof(fc.constantFrom('222', '100'), fc.string({ maxLength: 35 }))),
    quantity: maybe(decimal),
    unitPrice: maybe(decimal),
    discountPercent: maybe(decimal),
    startDate: maybe(date),
    uom: maybe(fc.string({ maxLength: 8 })),
  },
  { requiredKeys: [] },
);
const createInput = fc.record(
  {
    customerNumber: fc.oneof(fc.constantFrom('10000', '10001'), fc.string({ maxLength: 35 }), nastyString),
    documentDate: maybe(date),
    invoiceText: maybe(fc.oneof(fc.string({ maxLength: 200 }), hugeString)),
    lines: fc.array(line, { maxLength: 6 }),
    externalReference: maybe(fc.string({ maxLength: 50 })),
  },
  { requiredKeys: ['customerNumber', 'lines'] },
);
const lineChange = fc.record({
  operation: fc.constantFrom('INSERT', 'UPDATE', 'DELETE', 'UPSERT', 'insert'),
  lineNumber: maybe(fc.oneof(fc.integer({ min: -5, max: 20 }), fc.integer())),
  line: maybe(line),
});
const filter = fc.record(
  {
    status: maybe(fc.constantFrom('OPEN', 'CLOSED', 'HOLD', 'UNKNOWN', 'open', 'Nope')),
    customerNumber: maybe(fc.string({ maxLength: 40 })),
    released: maybe(fc.oneof(fc.boolean(), fc.constant('yes'))),
    dunningLevel: maybe(fc.oneof(fc.integer(), fc.double())),
    documentDate: maybe(fc.record({ operator: fc.constantFrom('GT', 'LT', 'GTE', 'LTE', 'EQ'), value: date })),
    lastModifiedDateTime: maybe(
      fc.record({
        operator: fc.constantFrom('GT', 'GTE'),
        value: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          nastyString,
        ),
      }),
    ),
  },
  { requiredKeys: [] },
);
const cursor = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.json().map((json) => Buffer.from(json).toString('base64url')),
  fc.constant(Buffer.from(JSON.stringify({ v: 1, o: -5, f: 'x' })).toString('base64url')),
);

// ---------------------------------------------------------------------------------------------
// Operations: the schema's own, with typed-looking and hostile variables
// ---------------------------------------------------------------------------------------------

const INVOICE_FIELDS =
  'referenceNumber status version amount documentDate customer { number name email } lines { lineNumber description quantity amount }';
const TEMPLATES: ReadonlyArray<{ query: string; variables: fc.Arbitrary<Record<string, unknown>> }> = [
  {
    query: `query One($ref: ID!) { customerInvoice(referenceNumber: $ref) { ${INVOICE_FIELDS} } }`,
    variables: fc.record({ ref: reference }),
  },
  {
    query: `query Page($first: Int!, $after: String, $filter: CustomerInvoiceFilter) {
      customerInvoices(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } nodes { referenceNumber balance customer { name } } } }`,
    variables: fc.record(
      { first: fc.oneof(fc.integer({ min: -10, max: 600 }), fc.integer(), fc.double()), after: maybe(cursor), filter: maybe(filter) },
      { requiredKeys: ['first'] },
    ),
  },
  {
    query: `mutation Create($input: CreateInvoiceInput!, $key: String) { createInvoice(input: $input, idempotencyKey: $key) { ${INVOICE_FIELDS} } }`,
    variables: fc.record(
      { input: createInput, key: maybe(fc.oneof(fc.uuid(), fc.string({ maxLength: 200 }), nastyString)) },
      { requiredKeys: ['input'] },
    ),
  },
  {
    query: `mutation Lines($ref: ID!, $version: String, $lines: [InvoiceLineChangeInput!]!) {
      updateInvoiceLines(referenceNumber: $ref, expectedVersion: $version, lines: $lines) { referenceNumber version } }`,
    variables: fc.record({
      ref: reference,
      version: maybe(fc.oneof(fc.string({ maxLength: 20 }), nastyString)),
      lines: fc.array(lineChange, { maxLength: 5 }),
    }),
  },
  {
    query: `mutation Release($ref: ID!, $version: String) { releaseInvoice(referenceNumber: $ref, expectedVersion: $version) { actionId result invoice { status } } }`,
    variables: fc.record({ ref: reference, version: maybe(fc.string({ maxLength: 20 })) }),
  },
  {
    // The federation router's entry point: representations are whatever a router (or an attacker) sends.
    query: `query Entities($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on CustomerInvoice { referenceNumber amount } ... on Customer { number name email } } }`,
    variables: fc.record({
      representations: fc.array(
        fc.oneof(
          reference.map((referenceNumber) => ({ __typename: 'CustomerInvoice', referenceNumber })),
          reference.map((number) => ({ __typename: 'Customer', number })),
          fc.record(
            {
              __typename: fc.constantFrom('CustomerInvoice', 'Customer', 'Query', 'Nope', ''),
              referenceNumber: maybe(reference),
              number: maybe(reference),
            },
            { requiredKeys: [] },
          ),
          anyValue,
        ),
        { maxLength: 6 },
      ),
    }),
  },
];

/** A template with its variables, then perhaps each variable replaced by anything, and unknown ones added. */
const operationRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc
      .integer({ min: 0, max: TEMPLATES.length - 1 })
      .chain((index) => TEMPLATES[index]!.variables.map((variables) => ({ query: TEMPLATES[index]!.query, variables }))),
    fc.oneof(
      { weight: 3, arbitrary: fc.constant('typed') },
      { weight: 2, arbitrary: fc.constant('hostile') },
      { weight: 1, arbitrary: fc.constant('unknown') },
    ),
    hostileValue,
    fc.dictionary(fieldName, hostileValue, { maxKeys: 3 }),
  )
  .map(([{ query, variables }, mode, hostile, extra]) => {
    let sent: unknown = variables;
    if (mode === 'hostile') {
      const names = Object.keys(variables);
      sent = { ...variables, [names[Math.abs(JSON.stringify(hostile)?.length ?? 0) % names.length]!]: hostile };
    } else if (mode === 'unknown') {
      sent = { ...variables, ...extra };
    }
    return { kind: `operation/${mode}`, method: 'POST' as const, headers: {}, body: JSON.stringify({ query, variables: sent }) };
  });

// ---------------------------------------------------------------------------------------------
// Hostile documents
// ---------------------------------------------------------------------------------------------

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '$',
  '@',
  '...',
  '!',
  '=',
  '|',
  '&',
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  'customerInvoice',
  'customerInvoices',
  'createInvoice',
  'referenceNumber',
  'nodes',
  'lines',
  '__typename',
  '__schema',
  '__type',
  'first',
  '"003547"',
  '1',
  '1.5e9',
  'true',
  'null',
  'OPEN',
  '#comment\n',
  '"""block"""',
  '\u00a0',
  'x',
];
const hostileDocument: fc.Arbitrary<{ kind: string; query: unknown; variables?: unknown; operationName?: unknown }> = fc.oneof(
  fc.integer({ min: 2, max: 5_000 }).map((depth) => ({
    kind: 'document/deep',
    query: `{ ${'customerInvoices { nodes { '.repeat(Math.ceil(depth / 2))}referenceNumber${' } }'.repeat(Math.ceil(depth / 2))} }`,
  })),
  fc.integer({ min: 1, max: 2_000 }).map((count) => ({
    kind: 'document/aliases',
    query: `{ ${Array.from({ length: count }, (_, i) => `a${i}: customerInvoice(referenceNumber: "${i}") { referenceNumber }`).join(' ')} }`,
  })),
  fc
    .integer({ min: 1, max: 2_000 })
    .map((count) => ({ kind: 'document/directives', query: `{ __typename ${'@include(if: true) '.repeat(count)}}` })),
  fc.integer({ min: 1, max: 400_000 }).map((length) => ({
    kind: 'document/huge-literal',
    query: `{ customerInvoice(referenceNumber: "${'9'.repeat(length)}") { referenceNumber } }`,
  })),
  fc.constant({ kind: 'document/fragment-cycle', query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }),
  fc.constant({ kind: 'document/introspection', query: '{ __schema { types { name fields { name type { name ofType { name } } } } } }' }),
  fc.constant({ kind: 'document/subscription', query: 'subscription { customerInvoice(referenceNumber: "1") { referenceNumber } }' }),
  fc.constant({ kind: 'document/two-operations', query: 'query A { __typename } query B { __typename }' }),
  fc.string({ maxLength: 30 }).map((name) => ({ kind: 'document/operation-name', query: 'query A { __typename }', operationName: name })),
  fc
    .array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 80 })
    .map((tokens) => ({ kind: 'document/token-soup', query: tokens.join(' ') })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ kind: 'document/random-text', query: text })),
  anyValue.map((query) => ({ kind: 'document/not-a-string', query })),
  fc
    .tuple(anyValue, anyValue)
    .map(([variables, operationName]) => ({ kind: 'document/odd-params', query: '{ __typename }', variables, operationName })),
  fc.integer({ min: 1, max: 300 }).map((count) => ({
    kind: 'document/unknown-fields',
    query: `{ customerInvoice(referenceNumber: "003547", nope: 1) { ${Array.from({ length: count }, (_, i) => `f${i}`).join(' ')} } }`,
  })),
);
const documentRequest: fc.Arbitrary<FuzzRequest> = hostileDocument.map(({ kind, ...body }) => ({
  kind,
  method: 'POST' as const,
  headers: {},
  body: JSON.stringify(body),
}));

// ---------------------------------------------------------------------------------------------
// Malformed HTTP and missing credentials
// ---------------------------------------------------------------------------------------------

const httpRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }).map((body) => ({ kind: 'http/not-json', method: 'POST' as const, headers: {}, body })),
  fc.json().map((body) => ({ kind: 'http/any-json', method: 'POST' as const, headers: {}, body })),
  fc.array(fc.constant({ query: '{ __typename }' }), { minLength: 1, maxLength: 5 }).map((batch) => ({
    kind: 'http/batch',
    method: 'POST' as const,
    headers: {},
    body: JSON.stringify(batch),
  })),
  fc
    .constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/graphql',
      'application/json; charset=latin1',
    )
    .map((contentType) => ({
      kind: 'http/content-type',
      method: 'POST' as const,
      headers: { 'content-type': contentType },
      body: '{"query":"{ __typename }"}',
    })),
  fc.oneof(fc.string({ maxLength: 60 }), fc.constant('mutation { releaseInvoice(referenceNumber: "003547") { result } }')).map((query) => ({
    kind: 'http/get',
    method: 'GET' as const,
    headers: { 'apollo-require-preflight': 'true' },
    query,
  })),
  fc.constant({
    kind: 'http/over-limit',
    method: 'POST' as const,
    headers: {},
    body: JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(1_100_000) }),
  }),
);
const unauthenticatedRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom(undefined, '', `${API_KEY}x`, API_KEY.toUpperCase(), sha256Hex(API_KEY)),
    fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
  )
  .map(([key, authorization]) => ({
    kind: 'auth/refused',
    method: 'POST' as const,
    headers: { 'x-api-key': key ?? '', ...(authorization === undefined ? {} : { authorization: `Bearer ${authorization}` }) },
    body: JSON.stringify({ query: '{ customerInvoice(referenceNumber: "003547") { referenceNumber } }' }),
  }));

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 55, arbitrary: operationRequest },
  { weight: 30, arbitrary: documentRequest },
  { weight: 10, arbitrary: httpRequest },
  { weight: 5, arbitrary: unauthenticatedRequest },
);

// ---------------------------------------------------------------------------------------------

interface Finding {
  kind: string;
  problem: string;
  status: number;
  body: string;
}

function problemsWith(status: number, contentType: string | null, text: string): string[] {
  const problems: string[] = [];
  if (!DOCUMENTED_STATUSES.has(status)) {
    problems.push(`HTTP ${status}`);
  }
  if (contentType === null || !/^application\/(graphql-response\+)?json/.test(contentType)) {
    problems.push(`content-type ${contentType ?? 'none'}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [...problems, 'a body that is not JSON'];
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('errors' in body || 'data' in body)) {
    return [...problems, 'JSON that is not a GraphQL response'];
  }
  const errors = (body as { errors?: unknown }).errors;
  if (errors !== undefined) {
    if (!Array.isArray(errors) || errors.length === 0) {
      problems.push('errors that are not a non-empty list');
    } else {
      for (const error of errors as Array<{ message?: unknown; extensions?: { code?: unknown } }>) {
        const code = error.extensions?.code;
        if (typeof error.message !== 'string') {
          problems.push('an error without a message');
        }
        if (typeof code !== 'string' || !DOCUMENTED_CODES.has(code)) {
          problems.push(`an undocumented code ${String(code)}`);
        } else if (code === 'INTERNAL_SERVER_ERROR') {
          problems.push('INTERNAL_SERVER_ERROR');
        }
      }
    }
  }
  for (const [name, pattern] of LEAKS) {
    if (pattern.test(text)) {
      problems.push(`${name} (${pattern.exec(text)?.[0]})`);
    }
  }
  return problems;
}

describe('the gateway under 10,000 generated requests', () => {
  let harness: GatewayHarness;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    harness = await GatewayHarness.start({
      simulator: { invoiceCount: 30, rateLimit: { limit: 1_000_000, windowSeconds: 3600 } },
      env: { AUTH_REQUIRED: 'true', AUTH_API_KEY_SHA256: sha256Hex(API_KEY) },
    });
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await harness.stop();
  });

  async function send(request: FuzzRequest): Promise<{ status: number; contentType: string | null; text: string }> {
    const headers = { 'content-type': 'application/json', 'x-api-key': API_KEY, ...request.headers };
    const url = request.method === 'GET' ? `${harness.url}?query=${encodeURIComponent(request.query ?? '')}` : harness.url;
    const response = await fetch(url, {
      method: request.method,
      headers,
      ...(request.method === 'POST' ? { body: request.body ?? '' } : {}),
    });
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  }

  it('answers every one with a GraphQL response, a documented code and nothing internal, and keeps serving', async () => {
    const requests = fc.sample(fuzzRequest, { numRuns: RUNS, seed: SEED });
    const findings: Finding[] = [];
    const kinds = new Map<string, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const request = requests[next]!;
        next += 1;
        kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
        const { status, contentType, text } = await send(request);
        for (const problem of problemsWith(status, contentType, text)) {
          findings.push({ kind: request.kind, problem, status, body: text.slice(0, 300) });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(requests).toHaveLength(RUNS);
    // Each family was exercised, so a generator that silently produces nothing fails here.
    expect(
      [...kinds.keys()]
        .map((kind) => kind.split('/')[0])
        .filter((family, i, all) => all.indexOf(family) === i)
        .sort(),
    ).toEqual(['auth', 'document', 'http', 'operation']);
    // Grouped by request kind and problem, with one example each, so a failure reads at a glance.
    const summary: Record<string, { count: number; example: Finding }> = {};
    for (const finding of findings) {
      const key = `${finding.kind}: ${finding.problem}`;
      summary[key] = { count: (summary[key]?.count ?? 0) + 1, example: summary[key]?.example ?? finding };
    }
    expect(summary).toEqual({});
    expect(unhandled).toEqual([]);
    // Still up and still right.
    const after = await harness.post('{ customerInvoice(referenceNumber: "003547") { referenceNumber } }', undefined, {
      'x-api-key': API_KEY,
    });
    expect(after.body).toEqual({ data: { customerInvoice: { referenceNumber: '003547' } } });
  }, 300_000);
});
