import { InvoiceDocument, ListInvoicesDocument } from '../generated/operations';
import { OpsGateway, sample } from './helpers/ops-gateway';

describe('/metrics', () => {
  let gateway: OpsGateway;
  beforeAll(async () => {
    gateway = await OpsGateway.start();
  });
  afterAll(() => gateway.stop());
  afterEach(() => gateway.control.clearFaults());

  it('serves the Prometheus text format', async () => {
    const response = await fetch(gateway.at('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toContain('# TYPE graphql_operations_total counter');
  });

  it('counts a query by name, type and outcome, times it, and counts the Visma call it caused by route and status', async () => {
    const before = await gateway.metricsText();
    const result = await gateway.run(ListInvoicesDocument, { first: 3 });
    expect(result.errors).toBeUndefined();
    const after = await gateway.metricsText();

    const operation = { operation_name: 'ListInvoices', operation_type: 'query' };
    expect(sample(after, 'graphql_operations_total', { ...operation, outcome: 'success' })).toBe(
      sample(before, 'graphql_operations_total', { ...operation, outcome: 'success' }) + 1,
    );
    expect(sample(after, 'graphql_operation_duration_seconds_count', operation)).toBe(
      sample(before, 'graphql_operation_duration_seconds_count', operation) + 1,
    );
    const list = { route: 'GET /v1/customerinvoice', status: '200' };
    expect(sample(after, 'visma_requests_total', list)).toBe(sample(before, 'visma_requests_total', list) + 1);
    expect(sample(after, 'visma_request_duration_seconds_count', { route: list.route })).toBe(
      sample(before, 'visma_request_duration_seconds_count', { route: list.route }) + 1,
    );
  });

  it('reports the token requests (refreshes) and the rate-limit budget Visma reported', async () => {
    await gateway.run(InvoiceDocument, { referenceNumber: '003547' });
    const text = await gateway.metricsText();
    expect(sample(text, 'visma_token_requests_total', { status: '200' })).toBe(1);
    const state = gateway.upstream.rateLimit();
    expect(state).not.toBeNull();
    expect(sample(text, 'visma_rate_limit_remaining')).toBe(state?.remaining);
    expect(sample(text, 'visma_rate_limit_limit')).toBe(state?.limit);
  });

  it('counts an operation that failed as an error, with its code', async () => {
    const before = await gateway.metricsText();
    const response = await fetch(gateway.url, {
      method: 'POST',
      // As Apollo Client asks: a validation failure is 400 in application/graphql-response+json (200 in application/json).
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json,application/json;q=0.9' },
      body: JSON.stringify({ query: 'query Broken { customerInvoices { noSuchField } }', operationName: 'Broken' }),
    });
    expect(response.status).toBe(400);
    const after = await gateway.metricsText();
    const labels = { operation_name: 'Broken', operation_type: 'unknown', outcome: 'error' };
    expect(sample(after, 'graphql_operations_total', labels)).toBe(sample(before, 'graphql_operations_total', labels) + 1);
    const code = { code: 'GRAPHQL_VALIDATION_FAILED' };
    expect(sample(after, 'graphql_errors_total', code)).toBe(sample(before, 'graphql_errors_total', code) + 1);
  });

  it('counts retries and the failed attempts before them', async () => {
    await gateway.control.addFault({ route: 'GET /v1/customerinvoice/{referenceNumber}', kind: 'status', status: 503, times: 1 });
    const before = await gateway.metricsText();
    // An invoice no other test here reads, so the upstream cache holds nothing of it.
    const result = await gateway.run(InvoiceDocument, { referenceNumber: '003590' });
    expect(result.data?.customerInvoice?.referenceNumber).toBe('003590');
    const after = await gateway.metricsText();
    const route = 'GET /v1/customerinvoice/{referenceNumber}';
    expect(sample(after, 'visma_retries_total', { route })).toBe(sample(before, 'visma_retries_total', { route }) + 1);
    expect(sample(after, 'visma_requests_total', { route, status: '503' })).toBe(
      sample(before, 'visma_requests_total', { route, status: '503' }) + 1,
    );
  });
});
