import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { startGateway, type StartedGateway } from './helpers/start-gateway';

const DEADLINE_MS = 1_500;
/** The second request arrives this long before the first one's token request runs out of time. */
const ARRIVES_BEFORE_MS = 100;

/**
 * Visma Connect in front of the simulator's, which can be told to keep the next token request
 * unanswered: the gateway's own budget for it then runs out.
 */
async function startTokenEndpoint(target: string): Promise<{
  url: string;
  requests: number;
  holdNext: boolean;
  close(): Promise<void>;
}> {
  const held: http.ServerResponse[] = [];
  const endpoint = {
    url: '',
    requests: 0,
    holdNext: false,
    close: (): Promise<void> => {
      for (const response of held) response.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      endpoint.requests += 1;
      if (endpoint.holdNext) {
        endpoint.holdNext = false;
        held.push(response);
        return;
      }
      void fetch(`${target}/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.concat(chunks),
      }).then(async (upstream) => {
        response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/connect/token`;
  return endpoint;
}

interface Answer {
  ms: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: unknown } }> };
}

describe('a request that joins a token request already in flight', () => {
  let simulator: RunningSimulator;
  let endpoint: Awaited<ReturnType<typeof startTokenEndpoint>>;
  let gateway: StartedGateway;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, invoiceCount: 20, seed: 11 });
    endpoint = await startTokenEndpoint(simulator.url);
    gateway = await startGateway({ simulator, env: { VISMA_TOKEN_URL: endpoint.url, REQUEST_DEADLINE_MS: String(DEADLINE_MS) } });
  });

  afterAll(async () => {
    await gateway.stop();
    await endpoint.close();
    await simulator.close();
  });

  async function read(referenceNumber: string): Promise<Answer> {
    const started = performance.now();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ customerInvoice(referenceNumber: "${referenceNumber}") { referenceNumber } }` }),
    });
    return { body: (await response.json()) as Answer['body'], ms: performance.now() - started };
  }

  it('keeps its own deadline: it gets its answer, not the UPSTREAM_TIMEOUT of the first request moments after it arrived', async () => {
    const [first, second] = (await gateway.visma.listInvoices({ pageNumber: 1, pageSize: 2 })).invoices.map(
      (invoice) => invoice.referenceNumber,
    );
    // Two different invoices, so that the second request shares the token request and nothing else.
    expect(first).not.toBe(second);
    expect(endpoint.requests).toBe(0);
    endpoint.holdNext = true;

    const started = performance.now();
    const firstAnswer = read(first!);
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS - ARRIVES_BEFORE_MS));
    // The first request's token request is still unanswered, and this one joins it.
    expect(endpoint.requests).toBe(1);
    const secondAnswer = await read(second!);

    expect((await firstAnswer).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(secondAnswer.body).toEqual({ data: { customerInvoice: { referenceNumber: second } } });
    // It waited past the moment the first token request gave up, for a token request of its own.
    expect(performance.now() - started).toBeGreaterThanOrEqual(DEADLINE_MS);
    expect(secondAnswer.ms).toBeGreaterThanOrEqual(ARRIVES_BEFORE_MS - 20);
    expect(endpoint.requests).toBe(2);
  });
});
