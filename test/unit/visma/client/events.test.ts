import type { VismaEvent } from '../../../../src/visma/seams';
import { FakeClock, FakeUpstream, caught, clientFor, invoiceBody, ok, type Reply } from '../helpers/fake-upstream';

/** A client whose API answers every request with `reply`, and the events it reports. */
function observed(api: (index: number) => Reply, clock = new FakeClock()) {
  const events: VismaEvent[] = [];
  const upstream = new FakeUpstream((_request, index) => api(index));
  const client = clientFor(upstream, clock, { onEvent: (event) => void events.push(event) });
  return { client, events, upstream };
}

describe('VismaClient events (onEvent)', () => {
  it('reports the token request and the API attempt, each with its route, status and duration', async () => {
    const clock = new FakeClock();
    const { client, events } = observed(() => ok(), clock);

    await client.getInvoice('000123');

    expect(events).toEqual([
      { type: 'answered', service: 'token', route: 'POST /connect/token', attempt: 1, status: 200, durationMs: 0 },
      { type: 'answered', service: 'api', route: 'GET /v1/customerinvoice/{referenceNumber}', attempt: 1, status: 200, durationMs: 0 },
    ]);
  });

  it('names every operation by its route template, never by an invoice or customer number', async () => {
    const created: Reply = { status: 201, headers: { Location: 'https://visma.test/v1/customerinvoice/000200' } };
    const replies: Reply[] = [
      ok(invoiceBody('003547')),
      ok([invoiceBody('003547')]),
      created,
      { status: 204 },
      ok({ actionId: 'id-1', actionResult: 'Done' }),
      ok({ number: '10000', name: 'Customer' }),
    ];
    const { client, events } = observed((index) => replies[index] as Reply);

    await client.getInvoice('b64(MDAz)');
    await client.listInvoices({ pageNumber: 1, pageSize: 10 });
    await client.createInvoice({ customerNumber: '10000', lines: [] });
    await client.updateInvoice('003547', {});
    await client.releaseInvoice('003547');
    await client.getCustomer('10000');

    expect(events.filter((event) => event.service === 'api').map((event) => event.route)).toEqual([
      'GET /v1/customerinvoice/{referenceNumber}',
      'GET /v1/customerinvoice',
      'POST /v2/customerinvoice',
      'PUT /v1/customerinvoice/{referenceNumber}',
      'POST /v1/customerinvoice/{referenceNumber}/action/release',
      'GET /v1/customer/{number}',
    ]);
  });

  it('reports a failed attempt by its error, then the retry and the attempt that answered', async () => {
    const clock = new FakeClock();
    const { client, events } = observed((index) => (index === 0 ? { fail: 'ECONNRESET' } : ok()), clock);

    await client.getInvoice('000123');

    const route = 'GET /v1/customerinvoice/{referenceNumber}';
    expect(events.filter((event) => event.service === 'api')).toEqual([
      { type: 'failed', service: 'api', route, attempt: 1, error: 'VismaUnavailableError', durationMs: 0 },
      { type: 'retry', service: 'api', route, attempt: 1, delayMs: clock.sleeps[0] },
      { type: 'answered', service: 'api', route, attempt: 2, status: 200, durationMs: 0 },
    ]);
  });

  it('keeps the call going when the observer throws, and logs that it did', async () => {
    const warnings: string[] = [];
    const upstream = new FakeUpstream(() => ok());
    const client = clientFor(upstream, new FakeClock(), {
      onEvent: () => {
        throw new Error('observer bug');
      },
      logger: { debug: () => undefined, warn: (message) => void warnings.push(message) },
    });

    await expect(client.getInvoice('000123')).resolves.toMatchObject({ referenceNumber: '000123' });
    expect(warnings).toContain('visma event observer failed');
  });

  it('reports a refused token request under the token service with its status', async () => {
    const events: VismaEvent[] = [];
    const upstream = new FakeUpstream(
      () => ok(),
      () => ({ status: 401, body: { error: 'invalid_client' } }),
    );
    const client = clientFor(upstream, new FakeClock(), { onEvent: (event) => void events.push(event) });

    await caught(client.getInvoice('000123'));

    expect(events).toEqual([{ type: 'answered', service: 'token', route: 'POST /connect/token', attempt: 1, status: 401, durationMs: 0 }]);
  });
});
