import { GatewayHarness, type GraphQLResponse, type HarnessOptions } from './helpers/gateway-harness';

const ONE = '{ customerInvoice(referenceNumber: "003547") { referenceNumber } }';
const LIST = '{ customerInvoices(first: 5) { totalCount nodes { referenceNumber } } }';
const CREATE = `mutation Create($input: CreateInvoiceInput!) { createInvoice(input: $input) { referenceNumber version } }`;
const UPDATE = `mutation Update($ref: ID!, $version: String) {
  updateInvoiceLines(referenceNumber: $ref, expectedVersion: $version, lines: [{ operation: UPDATE, lineNumber: 1, line: { quantity: "2" } }]) { referenceNumber }
}`;
const NEW_INVOICE = { customerNumber: '10000', lines: [{ description: 'Error probe', quantity: '1', unitPrice: '10' }] };

function firstError(response: GraphQLResponse): { message: string; extensions?: Record<string, unknown> } {
  const error = response.body.errors?.[0];
  if (error === undefined) throw new Error(`expected an error, got ${JSON.stringify(response.body)}`);
  return error;
}

/** A harness of its own for conditions that need a differently configured gateway. */
async function withHarness(options: HarnessOptions, run: (harness: GatewayHarness) => Promise<void>): Promise<void> {
  const harness = await GatewayHarness.start({ ...options, simulator: { invoiceCount: 20, ...options.simulator } });
  try {
    await run(harness);
  } finally {
    await harness.stop();
  }
}

describe('gateway error codes from real upstream conditions', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ simulator: { invoiceCount: 20 } });
  });

  afterAll(() => harness.stop());

  afterEach(() => harness.control.clearFaults());

  it('NOT_FOUND: a mutation on an invoice Visma does not have (404)', async () => {
    const error = firstError(await harness.post(UPDATE, { ref: '999999' }));
    expect(error).toMatchObject({ message: 'Customer invoice "999999" does not exist.', extensions: { code: 'NOT_FOUND' } });
  });

  it("BAD_USER_INPUT: Visma's 400 with its cleaned message and VismaId", async () => {
    const error = firstError(await harness.post(CREATE, { input: { ...NEW_INVOICE, customerNumber: '99999' } }));
    expect(error).toMatchObject({
      message: "Error creating document. Error: Customer '99999' cannot be found in the system.",
      extensions: { code: 'BAD_USER_INPUT', vismaId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(error.message).not.toContain('VismaId');
  });

  it('CONFLICT: the invoice changed since the expected version (412)', async () => {
    const created = (await harness.post(CREATE, { input: NEW_INVOICE })).body.data?.['createInvoice'] as {
      referenceNumber: string;
      version: string;
    };
    await harness.control.editInvoice(created.referenceNumber, { note: 'changed in the Visma UI' });
    const error = firstError(await harness.post(UPDATE, { ref: created.referenceNumber, version: created.version }));
    expect(error).toMatchObject({
      message: 'The invoice was changed since the expected version. Read it again and retry with its new version.',
      extensions: { code: 'CONFLICT' },
    });
  });

  it('RATE_LIMITED: a 429 whose Retry-After does not fit the deadline', async () => {
    await harness.control.addFault({ route: 'GET /v1/customerinvoice', kind: 'rateLimited', retryAfterSeconds: 120, times: 3 });
    const error = firstError(await harness.post(LIST));
    expect(error).toMatchObject({
      message: "Visma's request budget for this company is spent. Retry after 120 seconds.",
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 120 },
    });
  });

  it('UPSTREAM_UNAVAILABLE: Visma keeps answering 503', async () => {
    await harness.control.addFault({ route: 'GET /v1/customerinvoice/{referenceNumber}', kind: 'status', status: 503, times: 10 });
    const error = firstError(await harness.post(ONE));
    expect(error).toMatchObject({
      message: 'Visma is unavailable or gave an unreadable answer.',
      extensions: { code: 'UPSTREAM_UNAVAILABLE' },
    });
  });

  it('UPSTREAM_UNAVAILABLE: Visma answers a body that cannot be read', async () => {
    await harness.control.addFault({ route: 'GET /v1/customerinvoice', kind: 'malformed', times: 10 });
    expect(firstError(await harness.post(LIST)).extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('OUTCOME_UNKNOWN: a create without a key whose connection dropped after sending says to look before creating again', async () => {
    await harness.control.addFault({ route: 'POST /v2/customerinvoice', kind: 'reset' });
    const error = firstError(await harness.post(CREATE, { input: NEW_INVOICE }));
    expect(error.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryAfterSeconds: null });
    expect(error.message).toContain('Look for the invoice before creating it again');
  });

  it('UPSTREAM_TIMEOUT: Visma is slower than the request deadline', async () => {
    await withHarness({ env: { REQUEST_DEADLINE_MS: '600', VISMA_ATTEMPT_TIMEOUT_MS: '250' } }, async (slow) => {
      await slow.control.addFault({ route: 'GET /v1/customerinvoice/{referenceNumber}', kind: 'latency', latencyMs: 1500, times: 5 });
      const error = firstError(await slow.post(ONE));
      expect(error).toMatchObject({ message: 'Visma did not answer in time.', extensions: { code: 'UPSTREAM_TIMEOUT' } });
    });
  });

  it('UNAUTHENTICATED: Visma Connect refuses a wrong client secret (401)', async () => {
    await withHarness({ env: { VISMA_CLIENT_SECRET: 'not-the-secret' } }, async (unauthenticated) => {
      const response = await unauthenticated.post(ONE);
      expect(firstError(response)).toMatchObject({
        message: 'Visma did not accept the credentials used for this request.',
        extensions: { code: 'UNAUTHENTICATED' },
      });
      expect(JSON.stringify(response.body)).not.toContain('not-the-secret');
      expect(JSON.stringify(unauthenticated.logs)).not.toContain('not-the-secret');
    });
  });

  it('FORBIDDEN: a token without the create scope (403)', async () => {
    await withHarness({ env: { VISMA_SCOPES: 'vismanet_erp_service_api:read' } }, async (readOnly) => {
      expect((await readOnly.post(ONE)).body.errors).toBeUndefined();
      const error = firstError(await readOnly.post(CREATE, { input: NEW_INVOICE }));
      expect(error).toMatchObject({
        message: 'Visma refused access: the credentials lack the role, licence or company this request needs.',
        extensions: { code: 'FORBIDDEN' },
      });
    });
  });

  it('logs each upstream failure once with the request id', async () => {
    await harness.control.addFault({ route: 'GET /v1/customerinvoice/{referenceNumber}', kind: 'status', status: 503, times: 10 });
    await harness.post(ONE, undefined, { 'x-request-id': 'log-probe' });
    const lines = harness.logs.filter((line) => line['requestId'] === 'log-probe' && line['msg'] === 'Visma call failed');
    expect(lines).toEqual([
      expect.objectContaining({ visma: expect.objectContaining({ kind: 'unavailable', status: 503 }), path: 'customerInvoice' }),
    ]);
  });
});
