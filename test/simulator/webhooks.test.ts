import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_ROUTE } from '../../src/simulator';
import { call, parse, startTestSimulator, type Json, type TestSimulator } from './support/harness';

const KEY = 'simulator-test-signing-key';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: Json;
}

/** A receiver on loopback that records every delivery and answers with the status the test sets. */
class Receiver {
  readonly received: Received[] = [];
  status = 202;
  private waiters: Array<() => void> = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const holder: { receiver?: Receiver } = {};
    const server = createServer((req, res) => {
      const receiver = holder.receiver!;
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        receiver.received.push({ headers: req.headers, body, json: JSON.parse(body) as Json });
        res.writeHead(receiver.status).end();
        for (const wake of receiver.waiters.splice(0)) wake();
      });
    });
    const receiver = new Receiver(server);
    holder.receiver = receiver;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async count(n: number, timeoutMs = 5_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} deliveries, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.received;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const edit = (simulator: TestSimulator, number: string, fields: Json) =>
  call(simulator.sim.url, 'PATCH', `/_simulator/invoices/${number}`, { body: fields });

describe('the simulator’s webhooks', () => {
  let simulator: TestSimulator;
  let receiver: Receiver;

  beforeAll(async () => {
    simulator = await startTestSimulator();
    receiver = await Receiver.start();
  });
  beforeEach(() => {
    simulator.sim.controls.reset();
    simulator.sim.controls.subscribeWebhooks({ url: receiver.url, signingKey: KEY, retry: { attempts: 3, baseDelayMs: 20 } });
    receiver.received.length = 0;
    receiver.status = 202;
  });
  afterAll(async () => {
    await simulator.close();
    await receiver.close();
  });

  it('sends a thin notification for an edit made in Visma, signed with HMAC-SHA256 of the body in base64', async () => {
    await edit(simulator, '003547', { invoiceText: 'edited in Visma' });
    const [delivery] = await receiver.count(1);
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['x-visma-signature']).toBe(createHmac('sha256', KEY).update(delivery!.body, 'utf8').digest('base64'));
    expect(delivery!.json).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      publisher: 'Visma Net Financial',
      entity: 'ARInvoice',
      eventType: 'Changed',
      key: { referenceNumber: '003547' },
      tenantId: '11111111-2222-3333-4444-555555555555',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(Math.abs(Date.parse(delivery!.json.timestamp as string) - Date.now())).toBeLessThan(5_000);
  });

  it('sends Changed for a create and an update through the API, Action Triggered and Status Changed for a release, Status Changed for a status edit', async () => {
    const created = await simulator.api('POST', '/v1/customerinvoice', {
      body: { customerNumber: { value: '10000' }, invoiceLines: [{ operation: 'Insert', description: { value: 'Work' } }] },
    });
    expect(created.status).toBe(201);
    const number = (created.headers.location ?? '').split('/').pop()!;
    await simulator.api('PUT', `/v1/customerinvoice/${number}`, { body: { invoiceText: { value: 'updated' } } });
    await simulator.api('POST', `/v1/customerinvoice/${number}/action/release`, { body: {} });
    await edit(simulator, '003547', { status: 'Hold' });
    const deliveries = await receiver.count(5);
    const events = deliveries.map(({ json }) => [json.key.referenceNumber, json.eventType]);
    expect(events).toHaveLength(5);
    expect(events).toEqual(
      expect.arrayContaining([
        [number, 'Changed'],
        [number, 'Changed'],
        [number, 'Action Triggered'],
        [number, 'Status Changed'],
        ['003547', 'Status Changed'],
      ]),
    );
  });

  it('sends only the events the subscription asks for, in the header it names', async () => {
    simulator.sim.controls.subscribeWebhooks({
      url: receiver.url,
      signingKey: KEY,
      events: ['Status Changed'],
      signatureHeader: 'X-Other-Sig',
    });
    await edit(simulator, '003547', { invoiceText: 'not sent' });
    await edit(simulator, '003547', { status: 'Hold' });
    const [delivery] = await receiver.count(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(1);
    expect(delivery!.json.eventType).toBe('Status Changed');
    expect(delivery!.headers['x-other-sig']).toBe(createHmac('sha256', KEY).update(delivery!.body, 'utf8').digest('base64'));
  });

  it('retries a refused delivery with backoff, the same message each time, and gives up after the last attempt', async () => {
    receiver.status = 500;
    await edit(simulator, '003547', { invoiceText: 'refused' });
    const deliveries = await receiver.count(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(3);
    expect(new Set(deliveries.map(({ body }) => body)).size).toBe(1);
    expect(simulator.sim.controls.webhookStats()).toMatchObject({ emitted: 1, delivered: 0, failedAttempts: 3, gaveUp: 1, pending: 0 });
  });

  it('delivers once the receiver takes it after a failure', async () => {
    receiver.status = 503;
    await edit(simulator, '003547', { invoiceText: 'second time lucky' });
    await receiver.count(1);
    receiver.status = 202;
    await receiver.count(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(simulator.sim.controls.webhookStats()).toMatchObject({ delivered: 1, failedAttempts: 1, gaveUp: 0 });
  });

  describe('faults on the webhook route', () => {
    it('drops a delivery', async () => {
      simulator.sim.controls.addFault({ route: WEBHOOK_ROUTE, kind: 'drop' });
      await edit(simulator, '003547', { invoiceText: 'lost' });
      await edit(simulator, '003548', { invoiceText: 'kept' });
      const [delivery] = await receiver.count(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(receiver.received).toHaveLength(1);
      expect(delivery!.json.key.referenceNumber).toBe('003548');
    });

    it('duplicates a delivery: the same message, id and signature, twice', async () => {
      simulator.sim.controls.addFault({ route: WEBHOOK_ROUTE, kind: 'duplicate' });
      await edit(simulator, '003547', { invoiceText: 'twice' });
      const [first, second] = await receiver.count(2);
      expect(second!.body).toBe(first!.body);
      expect(second!.headers['x-visma-signature']).toBe(first!.headers['x-visma-signature']);
    });

    it('delivers one out of order: held back until the next one has gone', async () => {
      simulator.sim.controls.addFault({ route: WEBHOOK_ROUTE, kind: 'outOfOrder' });
      await edit(simulator, '003547', { invoiceText: 'first' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(receiver.received).toHaveLength(0);
      await edit(simulator, '003548', { invoiceText: 'second' });
      const deliveries = await receiver.count(2);
      expect(deliveries.map(({ json }) => json.key.referenceNumber)).toEqual(['003548', '003547']);
    });

    it('delays one', async () => {
      simulator.sim.controls.addFault({ route: WEBHOOK_ROUTE, kind: 'latency', latencyMs: 400 });
      const sent = Date.now();
      await edit(simulator, '003547', { invoiceText: 'late' });
      await receiver.count(1);
      expect(Date.now() - sent).toBeGreaterThanOrEqual(390);
    });

    it('are not fired by the wildcard, and Visma routes cannot take webhook-only kinds', async () => {
      simulator.sim.controls.addFault({ route: '*', kind: 'latency', latencyMs: 5_000, times: 1 });
      await edit(simulator, '003547', { invoiceText: 'prompt' });
      await receiver.count(1, 2_000);
      expect(simulator.sim.controls.faults()).toHaveLength(1);
      const refused = await call(simulator.sim.url, 'POST', '/_simulator/faults', { body: { route: '*', kind: 'duplicate' } });
      expect(refused.status).toBe(400);
      const wrongKind = await call(simulator.sim.url, 'POST', '/_simulator/faults', { body: { route: WEBHOOK_ROUTE, kind: 'status' } });
      expect(wrongKind.status).toBe(400);
    });
  });

  describe('controls', () => {
    it('set, show and remove the subscription, never showing its key', async () => {
      const put = await call(simulator.sim.url, 'PUT', '/_simulator/webhooks', {
        body: { url: receiver.url, signingKey: 'another-key-of-16+chars' },
      });
      expect(put.status).toBe(200);
      expect(put.text).not.toContain('another-key');
      const shown = await call(simulator.sim.url, 'GET', '/_simulator/webhooks');
      expect(shown.text).not.toContain('another-key');
      expect(parse<Json>(shown).subscription).toEqual({
        url: receiver.url,
        events: ['Changed', 'Status Changed', 'Action Triggered'],
        signatureHeader: 'x-visma-signature',
        retry: { attempts: 6, baseDelayMs: 500 },
      });
      expect((await call(simulator.sim.url, 'DELETE', '/_simulator/webhooks')).status).toBe(204);
      await edit(simulator, '003547', { invoiceText: 'nobody listens' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(receiver.received).toHaveLength(0);
    });

    it('refuse a subscription without a usable URL or key, naming the field', async () => {
      const noKey = await call(simulator.sim.url, 'PUT', '/_simulator/webhooks', { body: { url: receiver.url, signingKey: 'short' } });
      expect(noKey.status).toBe(400);
      expect(parse<Json>(noKey).message).toContain('signingKey');
      const noUrl = await call(simulator.sim.url, 'PUT', '/_simulator/webhooks', { body: { url: 'not a url', signingKey: KEY } });
      expect(parse<Json>(noUrl).message).toContain('url');
    });
  });
});
