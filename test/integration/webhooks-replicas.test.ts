import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WEBHOOK_ROUTE, startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { startGateway, type StartedGateway } from './helpers/start-gateway';
import { startWebhookReplicas, type WebhookReplicas } from './helpers/webhook-replicas';

const KEY = 'replica-webhook-key-0123456789';
const INVOICE = `query Invoice($ref: ID!) { customerInvoice(referenceNumber: $ref) { referenceNumber invoiceText } }`;
const GET_ONE = 'GET /v1/customerinvoice/{referenceNumber}';
const LIST = 'GET /v1/customerinvoice';

const base = (gateway: StartedGateway): string => gateway.url.replace(/\/graphql$/, '');

function message(referenceNumber: string): string {
  return JSON.stringify({
    id: randomUUID(),
    entity: 'ARInvoice',
    eventType: 'Changed',
    key: { referenceNumber },
    tenantId: '11111111-2222-3333-4444-555555555555',
    timestamp: new Date().toISOString(),
  });
}

async function deliver(gateway: StartedGateway, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base(gateway)}/webhooks/visma`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-visma-signature': createHmac('sha256', KEY).update(body).digest('base64') },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function invoiceText(gateway: StartedGateway, ref: string): Promise<string | null> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: INVOICE, variables: { ref } }),
  });
  return ((await response.json()) as { data: { customerInvoice: { invoiceText: string | null } } }).data.customerInvoice.invoiceText;
}

async function seen(gateway: StartedGateway, ref: string, text: string, withinMs: number): Promise<number> {
  const started = Date.now();
  while ((await invoiceText(gateway, ref)) !== text) {
    if (Date.now() - started > withinMs) throw new Error(`${ref} did not show ${JSON.stringify(text)} within ${withinMs} ms`);
    await sleep(20);
  }
  return Date.now() - started;
}

async function healthy(gateway: StartedGateway): Promise<number> {
  const text = await (await fetch(`${base(gateway)}/metrics`)).text();
  return Number(/^webhook_healthy (\d)/m.exec(text)?.[1]);
}

const calls = (simulator: RunningSimulator, route: string): number => simulator.controls.counters()[route]?.total ?? 0;

describe('webhooks across two replicas sharing Redis', () => {
  let fleet: WebhookReplicas;
  let simulator: RunningSimulator;
  let a: StartedGateway;
  let b: StartedGateway;

  beforeAll(async () => {
    fleet = await startWebhookReplicas(KEY);
    ({ simulator, a, b } = fleet);
  }, 60_000);
  afterAll(() => fleet?.stop());

  it('refreshes replica B’s view of an edit made in Visma whose webhook reached replica A', async () => {
    expect(await invoiceText(b, '003547')).not.toBe('edited, seen by B');
    expect(await healthy(b)).toBe(0);
    simulator.controls.resetCounters();
    simulator.controls.editInvoice('003547', { invoiceText: 'edited, seen by B' });
    // Seen by B with no list call anywhere (below): through A's webhook and Redis, not a poll.
    await seen(b, '003547', 'edited, seen by B', 10_000);
    // Healthy on B too: its poll slows with A's.
    expect(await healthy(b)).toBe(1);
    expect(calls(simulator, LIST)).toBe(0);
  });

  it('answers a repeat at replica B as a duplicate of the message replica A took', async () => {
    const body = message('003548');
    expect((await deliver(a, body)).status).toBe(202);
    expect(await deliver(b, body)).toMatchObject({ status: 200, json: { duplicate: true } });
  });
});

describe('the change poll while webhooks are healthy', () => {
  let simulator: RunningSimulator;
  let gateway: StartedGateway;
  const polls = (): number => calls(simulator, LIST);

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    // Short intervals, so the suite sees each phase: the poll every 500 ms normally, every 3 s while healthy.
    gateway = await startGateway({
      simulator,
      env: { WEBHOOK_SIGNING_KEY: KEY, CACHE_FRESHNESS_MS: '1000', WEBHOOK_POLL_INTERVAL_MS: '3000', WEBHOOK_HEALTHY_MS: '1500' },
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await simulator.close();
  });

  it('polls every half of the freshness bound, slows while deliveries arrive, and resumes when they stop', async () => {
    await invoiceText(gateway, '003547');
    simulator.controls.resetCounters();
    await sleep(2_000);
    const before = polls();
    expect(before).toBeGreaterThanOrEqual(3);

    simulator.controls.resetCounters();
    for (let sent = 0; sent < 10; sent += 1) {
      expect((await deliver(gateway, message('003560'))).status).toBe(202);
      await sleep(300);
    }
    const whileHealthy = polls();
    expect(whileHealthy).toBeLessThanOrEqual(2);
    // Still served from the cache between the slow polls.
    const reads = calls(simulator, GET_ONE);
    await invoiceText(gateway, '003547');
    expect(calls(simulator, GET_ONE)).toBe(reads);

    await sleep(1_600);
    simulator.controls.resetCounters();
    await sleep(2_000);
    expect(polls()).toBeGreaterThanOrEqual(3);
  });

  it('reconciles an edit whose delivery was dropped with the poll', async () => {
    simulator.controls.subscribeWebhooks({ url: `${base(gateway)}/webhooks/visma`, signingKey: KEY });
    try {
      await invoiceText(gateway, '003561');
      simulator.controls.addFault({ route: WEBHOOK_ROUTE, kind: 'drop' });
      simulator.controls.editInvoice('003561', { invoiceText: 'never announced' });
      await seen(gateway, '003561', 'never announced', 10_000);
      expect(simulator.controls.webhookStats()).toMatchObject({ dropped: 1, delivered: 0 });
    } finally {
      simulator.controls.subscribeWebhooks(null);
    }
  });
});
