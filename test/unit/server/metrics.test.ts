import { GatewayMetrics, MAX_OPERATION_NAMES, routeTemplate } from '../../../src/server/metrics';

describe('routeTemplate', () => {
  it.each([
    ['GET /v1/customerinvoice', 'GET /v1/customerinvoice'],
    ['POST /v2/customerinvoice', 'POST /v2/customerinvoice'],
    ['GET /v1/customerinvoice/003547', 'GET /v1/customerinvoice/{referenceNumber}'],
    ['PUT /v1/customerinvoice/b64(MDAz)', 'PUT /v1/customerinvoice/{referenceNumber}'],
    ['POST /v1/customerinvoice/003547/action/release', 'POST /v1/customerinvoice/{referenceNumber}/action/release'],
    ['GET /v1/customer/10000', 'GET /v1/customer/{number}'],
    ['GET /v1/something/else', 'GET (other)'],
  ])('names %s as %s', (operation, route) => {
    expect(routeTemplate(operation)).toBe(route);
  });
});

describe('GatewayMetrics', () => {
  it('keeps at most MAX_OPERATION_NAMES operation names and counts the rest as "(other)"', async () => {
    const metrics = new GatewayMetrics();
    for (let i = 0; i <= MAX_OPERATION_NAMES; i += 1) {
      metrics.recordOperation({ name: `Op${i}`, type: 'query', outcome: 'success', durationMs: 1, errorCodes: [] });
    }
    const text = (await metrics.exposition()).body;
    expect(text).toContain(
      `graphql_operations_total{operation_name="Op${MAX_OPERATION_NAMES - 1}",operation_type="query",outcome="success"} 1`,
    );
    expect(text).not.toContain(`operation_name="Op${MAX_OPERATION_NAMES}"`);
    expect(text).toContain('graphql_operations_total{operation_name="(other)",operation_type="query",outcome="success"} 1');
  });

  it('reads attempts, failures, retries and token requests off the Visma client log lines, and still forwards them', async () => {
    const metrics = new GatewayMetrics({ tokenPath: '/connect/token' });
    const forwarded: string[] = [];
    const logger = metrics.observeVisma({ debug: (message) => forwarded.push(message), warn: (message) => forwarded.push(message) });
    logger.debug('visma attempt answered', { operation: 'POST /connect/token', attempt: 1, status: 200, ms: 12 });
    logger.debug('visma attempt failed', { operation: 'GET /v1/customer/1', attempt: 1, error: 'VismaTimeoutError', ms: 10_000 });
    logger.warn('visma retry', { operation: 'GET /v1/customer/1', attempt: 1, reason: 'timeout', delayMs: 100 });
    logger.debug('visma attempt answered', { operation: 'GET /v1/customer/1', attempt: 2, status: 200, ms: 30 });
    const text = (await metrics.exposition()).body;
    expect(forwarded).toEqual(['visma attempt answered', 'visma attempt failed', 'visma retry', 'visma attempt answered']);
    expect(text).toContain('visma_token_requests_total{status="200"} 1');
    expect(text).toContain('visma_requests_total{route="GET /v1/customer/{number}",status="error:VismaTimeoutError"} 1');
    expect(text).toContain('visma_requests_total{route="GET /v1/customer/{number}",status="200"} 1');
    expect(text).toContain('visma_retries_total{route="GET /v1/customer/{number}"} 1');
    expect(text).toContain('visma_request_duration_seconds_count{route="GET /v1/customer/{number}"} 2');
    expect(text).not.toContain('route="POST /connect/token"');
  });

  it('reports the rate-limit gauges as NaN until Visma has reported a budget', async () => {
    const metrics = new GatewayMetrics();
    // prom-client writes "Nan"; Prometheus reads NaN in any case (Go's strconv.ParseFloat).
    expect((await metrics.exposition()).body).toMatch(/^visma_rate_limit_remaining nan$/im);
    metrics.watchRateLimit(() => ({ limit: 10_000, remaining: 9_876, resetAt: 0, policy: null, observedAt: 0 }));
    const text = (await metrics.exposition()).body;
    expect(text).toMatch(/^visma_rate_limit_remaining 9876$/m);
    expect(text).toMatch(/^visma_rate_limit_limit 10000$/m);
  });
});
