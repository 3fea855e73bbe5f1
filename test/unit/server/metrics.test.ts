import { GatewayMetrics, MAX_OPERATION_NAMES } from '../../../src/server/metrics';
import { FakeClock, FakeUpstream, clientFor, ok } from '../visma/helpers/fake-upstream';
import { RateLimitReadings } from '../../../src/visma/rate-limit';

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

  it("counts attempts, failures, retries and token requests from the Visma client's events", async () => {
    const metrics = new GatewayMetrics();
    const route = 'GET /v1/customer/{number}';
    metrics.observeVisma({ type: 'answered', service: 'token', route: 'POST /connect/token', attempt: 1, status: 200, durationMs: 12 });
    metrics.observeVisma({ type: 'failed', service: 'api', route, attempt: 1, error: 'VismaTimeoutError', durationMs: 10_000 });
    metrics.observeVisma({ type: 'retry', service: 'api', route, attempt: 1, delayMs: 100 });
    metrics.observeVisma({ type: 'answered', service: 'api', route, attempt: 2, status: 200, durationMs: 30 });
    const text = (await metrics.exposition()).body;
    expect(text).toContain('visma_token_requests_total{status="200"} 1');
    expect(text).toContain('visma_requests_total{route="GET /v1/customer/{number}",status="error:VismaTimeoutError"} 1');
    expect(text).toContain('visma_requests_total{route="GET /v1/customer/{number}",status="200"} 1');
    expect(text).toContain('visma_retries_total{route="GET /v1/customer/{number}"} 1');
    expect(text).toContain('visma_request_duration_seconds_count{route="GET /v1/customer/{number}"} 2');
    expect(text).not.toContain('route="POST /connect/token"');
  });

  it('counts a token request that got no answer as error:<kind>, and its retry under the token route', async () => {
    const metrics = new GatewayMetrics();
    const route = 'POST /connect/token';
    metrics.observeVisma({ type: 'failed', service: 'token', route, attempt: 1, error: 'VismaUnavailableError', durationMs: 3 });
    metrics.observeVisma({ type: 'retry', service: 'token', route, attempt: 1, delayMs: 100 });
    const text = (await metrics.exposition()).body;
    expect(text).toContain('visma_token_requests_total{status="error:VismaUnavailableError"} 1');
    expect(text).toContain('visma_retries_total{route="POST /connect/token"} 1');
  });

  it("counts the same whether the client's log lines are kept or dropped: nothing is read off log text", async () => {
    const counted = async (logger: { debug: (message: string) => void; warn: (message: string) => void }): Promise<string> => {
      const metrics = new GatewayMetrics();
      const upstream = new FakeUpstream((_request, index) => (index === 0 ? { status: 503 } : ok()));
      const client = clientFor(upstream, new FakeClock(), { logger, onEvent: metrics.observeVisma });
      await client.getInvoice('000123');
      return (await metrics.exposition()).body;
    };
    const silent = await counted({ debug: () => undefined, warn: () => undefined });
    const lines: string[] = [];
    const logged = await counted({ debug: (message) => void lines.push(message), warn: (message) => void lines.push(message) });

    expect(lines.length).toBeGreaterThan(0);
    for (const text of [silent, logged]) {
      expect(text).toContain('visma_token_requests_total{status="200"} 1');
      expect(text).toContain('visma_requests_total{route="GET /v1/customerinvoice/{referenceNumber}",status="503"} 1');
      expect(text).toContain('visma_requests_total{route="GET /v1/customerinvoice/{referenceNumber}",status="200"} 1');
      expect(text).toContain('visma_retries_total{route="GET /v1/customerinvoice/{referenceNumber}"} 1');
      expect(text).toContain('visma_request_duration_seconds_count{route="GET /v1/customerinvoice/{referenceNumber}"} 2');
    }
  });

  it('reports the rate-limit gauges as NaN until Visma has reported a budget', async () => {
    const readings = new RateLimitReadings();
    const metrics = new GatewayMetrics({ rateLimit: () => readings.latest() });
    // prom-client writes "Nan"; Prometheus reads NaN in any case (Go's strconv.ParseFloat).
    expect((await metrics.exposition()).body).toMatch(/^visma_rate_limit_remaining nan$/im);
    readings.record({ limit: 10_000, remaining: 9_876, resetAt: 0, policy: null, observedAt: 0 });
    const text = (await metrics.exposition()).body;
    expect(text).toMatch(/^visma_rate_limit_remaining 9876$/m);
    expect(text).toMatch(/^visma_rate_limit_limit 10000$/m);
  });
});
