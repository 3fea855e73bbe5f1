import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { DEFAULT_SIGNATURE_HEADER, WEBHOOK_EVENTS, signWebhook, startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { checkSignature, readNotification } from '../../src/webhooks';

const KEY = 'contract-test-signing-key';

/** The raw bytes and headers of every delivery, as the receiver would get them. */
async function capture(): Promise<{ server: Server; url: string; deliveries: Array<{ headers: IncomingHttpHeaders; raw: Buffer }> }> {
  const deliveries: Array<{ headers: IncomingHttpHeaders; raw: Buffer }> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ headers: request.headers, raw: Buffer.concat(chunks) });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/visma`, deliveries };
}

describe('the simulator’s webhooks against the gateway’s receiver', () => {
  let simulator: RunningSimulator;
  let receiver: Awaited<ReturnType<typeof capture>>;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    receiver = await capture();
    simulator.controls.subscribeWebhooks({ url: receiver.url, signingKey: KEY });
  });
  afterAll(async () => {
    await simulator.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('sign in the header the gateway reads by default, as the gateway checks signatures', () => {
    expect(DEFAULT_SIGNATURE_HEADER).toBe(loadConfig({}).webhooks.signatureHeader);
    const body = '{"entity":"ARInvoice","text":"æøå"}';
    expect(checkSignature(Buffer.from(body, 'utf8'), signWebhook(body, KEY), [KEY])).toBe('valid');
  });

  it('deliver messages the receiver verifies and reads as invoice changes of the simulator’s tenant', async () => {
    simulator.controls.editInvoice('003547', { invoiceText: 'contract' });
    simulator.controls.editInvoice('003548', { status: 'Hold' });
    const deadline = Date.now() + 5_000;
    while (receiver.deliveries.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const read = receiver.deliveries.map(({ headers, raw }) => {
      expect(checkSignature(raw, headers[DEFAULT_SIGNATURE_HEADER] as string, ['another-key-first-in-line', KEY])).toBe('valid');
      expect(checkSignature(raw, headers[DEFAULT_SIGNATURE_HEADER] as string, ['another-key-first-in-line'])).toBe('invalid');
      return readNotification(raw);
    });
    expect(read).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'invoice',
          referenceNumber: '003547',
          change: 'UPDATED',
          tenantId: '11111111-2222-3333-4444-555555555555',
        }),
        expect.objectContaining({ kind: 'invoice', referenceNumber: '003548', change: 'STATUS_CHANGED' }),
      ]),
    );
    for (const notification of read) {
      expect(notification).toMatchObject({ id: expect.any(String) });
      expect(Math.abs((notification as { timestampMs: number }).timestampMs - Date.now())).toBeLessThan(5_000);
    }
  });

  it.each(WEBHOOK_EVENTS)('map the simulator’s %s event to an invoice change', (eventType) => {
    const raw = Buffer.from(
      JSON.stringify({ id: 'x', entity: 'ARInvoice', eventType, key: { referenceNumber: '003547' }, timestamp: new Date().toISOString() }),
    );
    expect(readNotification(raw)).toMatchObject({ kind: 'invoice' });
  });
});
