import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayProcess, ensureBuilt } from './helpers/gateway-process';

const INVOICE = 'query Invoice($ref: ID!) { customerInvoice(referenceNumber: $ref) { invoiceText } }';

/**
 * `npm start` with no setup (node dist/main.js on its shipped defaults, no credentials): the
 * embedded simulator is subscribed to the gateway's own receiver once the gateway listens, so an
 * edit made "in Visma" shows without waiting for the poll.
 */
describe('webhooks in demo mode', () => {
  let gateway: GatewayProcess;
  let simulator: string;

  beforeAll(async () => {
    ensureBuilt();
    gateway = await GatewayProcess.start({});
    const ready = gateway.logs.find((entry) => String(entry['msg']).startsWith('GraphQL gateway ready'));
    simulator = String(ready?.['simulator']);
  }, 120_000);
  afterAll(() => gateway?.stop());

  const text = async (): Promise<unknown> =>
    ((await gateway.post(INVOICE, { ref: '003547' }, {})).data?.['customerInvoice'] as { invoiceText: unknown }).invoiceText;

  it('subscribes the embedded simulator to its receiver, never showing or logging the key', async () => {
    const shown = (await (await fetch(`${simulator}/_simulator/webhooks`)).json()) as { subscription: Record<string, unknown> };
    const port = new URL(gateway.url).port;
    expect(shown.subscription).toMatchObject({ url: `http://127.0.0.1:${port}/webhooks/visma`, signatureHeader: 'x-visma-signature' });
    expect(shown.subscription).not.toHaveProperty('signingKey');
    expect(JSON.stringify(gateway.logs)).not.toMatch(/signingKey"?:\s*"[^[]/);
  });

  it('shows an edit made in the embedded simulator within a second, with the poll 5 s away', async () => {
    expect(await text()).toBe('Consulting January');
    await fetch(`${simulator}/_simulator/invoices/003547`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invoiceText: 'live in the demo' }),
    });
    const started = Date.now();
    while ((await text()) !== 'live in the demo') {
      expect(Date.now() - started).toBeLessThan(1_000);
      await sleep(20);
    }
  });
});
