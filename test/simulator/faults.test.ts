import { call, parse, startTestSimulator, type TestSimulator } from './support/harness';

const GET_ONE = 'GET /v1/customerinvoice/{referenceNumber}';
const POST_V2 = 'POST /v2/customerinvoice';

describe('faults', () => {
  const slept: number[] = [];
  let simulator: TestSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
  });
  beforeEach(() => {
    simulator.sim.controls.reset();
    slept.length = 0;
  });
  afterAll(() => simulator.close());

  const getOne = (): ReturnType<TestSimulator['api']> => simulator.api('GET', '/v1/customerinvoice/003547');

  it('adds latency and still answers normally', async () => {
    simulator.sim.controls.addFault({ route: GET_ONE, kind: 'latency', latencyMs: 1500 });
    expect((await getOne()).status).toBe(200);
    expect(slept).toEqual([1500]);
  });

  it.each([
    ['json', 503, 'application/json; charset=utf-8', '{"message":"An error has occurred."}'],
    ['plain', 502, 'text/plain; charset=utf-8', 'Service Unavailable'],
    ['empty', 500, undefined, ''],
  ] as const)('answers a %s error body with the chosen status', async (body, status, contentType, text) => {
    simulator.sim.controls.addFault({ route: GET_ONE, kind: 'status', status, body });
    const response = await getOne();
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe(contentType);
    expect(response.text).toBe(text);
  });

  it('answers 429 with Retry-After for a burst of the given length', async () => {
    simulator.sim.controls.addFault({ route: GET_ONE, kind: 'rateLimited', times: 2, retryAfterSeconds: 7 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await getOne();
      statuses.push(response.status);
      if (response.status === 429) expect(response.headers['retry-after']).toBe('7');
    }
    expect(statuses).toEqual([429, 429, 200]);
  });

  it('resets the connection', async () => {
    simulator.sim.controls.addFault({ route: GET_ONE, kind: 'reset' });
    await expect(getOne()).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await getOne()).status).toBe(200);
  });

  it('sends a malformed JSON body with 200', async () => {
    simulator.sim.controls.addFault({ route: GET_ONE, kind: 'malformed' });
    const response = await getOne();
    expect(response.status).toBe(200);
    expect(() => JSON.parse(response.text)).toThrow();
  });

  it('sends an empty 200', async () => {
    simulator.sim.controls.addFault({ route: GET_ONE, kind: 'emptyOk' });
    const response = await getOne();
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
  });

  it('commits a POST and then drops the response', async () => {
    simulator.sim.controls.addFault({ route: POST_V2, kind: 'dropAfterCommit' });
    const body = { customerNumber: { value: '10000' }, invoiceText: { value: 'lost answer' } };
    await expect(simulator.api('POST', '/v2/customerinvoice', { body })).rejects.toThrow(/socket hang up|ECONNRESET/);
    const created = parse<{ invoiceText: string }>(await simulator.api('GET', '/v1/customerinvoice/003597'));
    expect(created.invoiceText).toBe('lost answer');
    expect(simulator.sim.controls.counters()[POST_V2]).toEqual({ total: 1, byStatus: { dropped: 1 } });
  });

  it('applies a wildcard fault to every Visma route', async () => {
    simulator.sim.controls.addFault({ route: '*', kind: 'status', times: 2 });
    expect((await simulator.api('GET', '/v1/customer/10000')).status).toBe(503);
    expect((await getOne()).status).toBe(503);
    expect((await getOne()).status).toBe(200);
  });

  it('fires a probabilistic fault from the seed, the same way after a reset', async () => {
    const run = async (): Promise<number[]> => {
      simulator.sim.controls.addFault({ route: GET_ONE, kind: 'status', probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i += 1) statuses.push((await getOne()).status);
      return statuses;
    };
    const first = await run();
    simulator.sim.controls.reset();
    const second = await run();
    expect(first).toEqual(second);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });

  it('clears faults', async () => {
    simulator.sim.controls.addFault({ route: GET_ONE, kind: 'status', times: 5 });
    simulator.sim.controls.clearFaults();
    expect((await getOne()).status).toBe(200);
  });

  it('refuses an invalid fault over HTTP with a message naming the field', async () => {
    const response = await call(simulator.sim.url, 'POST', '/_simulator/faults', { body: { route: GET_ONE, kind: 'explode' } });
    expect(response.status).toBe(400);
    expect(parse<{ message: string }>(response).message).toContain('fault.kind');
  });
});
