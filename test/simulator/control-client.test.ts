import { SimulatorControlClient } from '../../src/simulator/control-client';
import { parse, startTestSimulator, type TestSimulator } from './support/harness';

describe('SimulatorControlClient', () => {
  let simulator: TestSimulator;
  let control: SimulatorControlClient;

  beforeAll(async () => {
    simulator = await startTestSimulator({ tokenLifetimeSeconds: 120 });
    control = new SimulatorControlClient(`${simulator.sim.url}/`);
  });
  beforeEach(() => control.reset());
  afterAll(() => simulator.close());

  it('reports health', async () => {
    expect(await control.health()).toEqual({ ok: true, url: simulator.sim.url, invoices: 500 });
  });

  it('counts calls per route template and status, and resets the counts', async () => {
    await simulator.api('GET', '/v1/customerinvoice/003547');
    await simulator.api('GET', '/v1/customerinvoice/003548');
    await simulator.api('GET', '/v1/customerinvoice/000001');
    await simulator.api('GET', '/v1/customerinvoice?pageSize=1');
    expect(await control.counters()).toEqual({
      'POST /connect/token': { total: 1, byStatus: { 200: 1 } },
      'GET /v1/customerinvoice/{referenceNumber}': { total: 3, byStatus: { 200: 2, 404: 1 } },
      'GET /v1/customerinvoice': { total: 1, byStatus: { 200: 1 } },
    });
    await control.resetCounters();
    expect(await control.counters()).toEqual({});
  });

  it('reads and changes company settings, refusing bad values by name', async () => {
    expect(await control.settings()).toMatchObject({ statusOnCreate: 'Balanced', numbering: 'auto', tokenLifetimeSeconds: 120 });
    expect(await control.updateSettings({ statusOnCreate: 'Hold', rateLimit: { limit: 50, windowSeconds: 10 } })).toMatchObject({
      statusOnCreate: 'Hold',
      rateLimit: { limit: 50, windowSeconds: 10 },
    });
    await expect(control.updateSettings({ numbering: 'sometimes' as 'auto' })).rejects.toThrow(/numbering must be one of auto, manual/);
  });

  it('edits an invoice as a Visma user would: new ETag and lastModifiedDateTime', async () => {
    const before = await simulator.api('GET', '/v1/customerinvoice/003547');
    const etag = await control.editInvoice('003547', { invoiceText: 'Changed in the UI', status: 'Hold' });
    const after = await simulator.api('GET', '/v1/customerinvoice/003547');
    expect(after.headers.etag).toBe(etag);
    expect(etag).not.toBe(before.headers.etag);
    expect(parse<{ invoiceText: string; status: string; hold: boolean }>(after)).toMatchObject({
      invoiceText: 'Changed in the UI',
      status: 'Hold',
      hold: true,
    });
    await expect(control.editInvoice('003547', { amount: 1 } as never)).rejects.toThrow(/unknown field "amount"/);
    await expect(control.editInvoice('999999', {})).rejects.toThrow(/404/);
  });

  it('resets to the seed', async () => {
    const seeded = (await simulator.api('GET', '/v1/customerinvoice/003547')).text;
    await control.editInvoice('003547', { note: 'x' });
    await simulator.api('POST', '/v2/customerinvoice', { body: { customerNumber: { value: '10000' } } });
    await control.reset();
    expect((await simulator.api('GET', '/v1/customerinvoice/003547')).text).toBe(seeded);
    expect((await simulator.api('GET', '/v1/customerinvoice/003597')).status).toBe(404);
  });

  it('moves the clock so tokens expire without waiting', async () => {
    const token = await simulator.token();
    const headers = { Authorization: `Bearer ${token}` };
    expect((await simulator.raw('GET', '/v1/customer/10000', { headers })).status).toBe(200);
    await control.advanceClock(121);
    expect((await simulator.raw('GET', '/v1/customer/10000', { headers })).status).toBe(401);
  });

  it('adds, lists and clears faults', async () => {
    const fault = await control.addFault({ route: 'GET /v1/customer/{customerNumber}', kind: 'status', times: 2, status: 500 });
    expect(fault).toMatchObject({ id: expect.any(Number), remaining: 2, fired: 0 });
    expect(await control.faults()).toHaveLength(1);
    expect((await simulator.api('GET', '/v1/customer/10000')).status).toBe(500);
    await control.clearFaults();
    expect(await control.faults()).toEqual([]);
    expect((await simulator.api('GET', '/v1/customer/10000')).status).toBe(200);
  });

  it('revokes tokens', async () => {
    const token = await simulator.token();
    await control.revokeTokens();
    expect((await simulator.raw('GET', '/v1/customer/10000', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});
