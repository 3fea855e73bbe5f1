import type { Environment } from '../../src/config';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { NO_POLL_DURING_SUITE, startGateway, type StartedGateway } from './helpers/start-gateway';
import { subscribeSse, type Received } from './helpers/subscription-clients';
import { metric, until } from './helpers/gateway-state';
import { startWebhookReplicas, type WebhookReplicas } from './helpers/webhook-replicas';

/**
 * The Visma calls the gateway makes on its own carry request ids an operator can follow
 * (docs/operations.md, "Logs"): a webhook delivery's read has the id of its POST, the events it
 * gives subscribers are logged under `changes:<that id>`, and each change poll tick has an id of
 * its own. Real sockets throughout: the simulator sends its webhooks to a gateway started with
 * `startGateway`, and the assertions read the gateway's JSON log lines.
 */

const KEY = 'request-ids-webhook-key-0123';
const INVOICE = `query Invoice($ref: ID!) { customerInvoice(referenceNumber: $ref) { referenceNumber invoiceText } }`;
const CHANGED = `subscription Changed($ref: ID) { invoiceChanged(filter: { referenceNumber: $ref }) { referenceNumber kind invoice { invoiceText } } }`;
const GET_ONE = 'GET /v1/customerinvoice/003547';
const LIST = 'GET /v1/customerinvoice';

type Line = Record<string, unknown>;

const base = (gateway: StartedGateway): string => gateway.url.replace(/\/graphql$/, '');

async function readInvoice(gateway: StartedGateway, ref: string): Promise<void> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: INVOICE, variables: { ref } }),
  });
  expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
}

/** The only subscriber to one invoice over SSE, with its own request id, once the gateway holds its subscription. */
async function subscriber(gateway: StartedGateway, ref: string, requestId: string): Promise<Received> {
  // An earlier test's subscription ends when the gateway sees its stream close.
  await until(async () => (await metric(gateway, 'graphql_subscriptions_active')) === 0, 'earlier subscriptions to end');
  const subscription = subscribeSse(gateway.url, { query: CHANGED, variables: { ref } }, { 'x-request-id': requestId });
  await until(async () => {
    if (subscription.error !== undefined || subscription.events.length > 0)
      throw new Error(`the subscription failed: ${JSON.stringify(subscription)}`);
    return (await metric(gateway, 'graphql_subscriptions_active')) > 0;
  }, 'the subscription to be held');
  return subscription;
}

/** A simulator of its own and a gateway in front of it; `stop` stops both. */
interface SimulatorAndGateway {
  simulator: RunningSimulator;
  gateway: StartedGateway;
  stop(): Promise<void>;
}

async function startSimulatorAndGateway(env: Environment): Promise<SimulatorAndGateway> {
  const simulator = await startSimulator({ port: 0 });
  let gateway: StartedGateway;
  try {
    gateway = await startGateway({ simulator, env });
  } catch (error) {
    await simulator.close();
    throw error;
  }
  return {
    simulator,
    gateway,
    stop: async () => {
      await gateway.stop();
      await simulator.close();
    },
  };
}

const visma = (gateway: StartedGateway, operation: string): Line[] =>
  gateway.logs.filter(
    (line) => line['component'] === 'visma-client' && line['msg'] === 'visma attempt answered' && line['operation'] === operation,
  );

const given = (gateway: StartedGateway): Line[] => gateway.logs.filter((line) => line['msg'] === 'invoice change given to a subscriber');

describe('request ids of the Visma calls the gateway makes on its own', () => {
  describe('for a webhook delivery', () => {
    let started: SimulatorAndGateway;
    let simulator: RunningSimulator;
    let gateway: StartedGateway;

    beforeAll(async () => {
      started = await startSimulatorAndGateway({ WEBHOOK_SIGNING_KEY: KEY, ...NO_POLL_DURING_SUITE });
      ({ simulator, gateway } = started);
      simulator.controls.subscribeWebhooks({ url: `${base(gateway)}/webhooks/visma`, signingKey: KEY });
    });
    afterAll(() => started?.stop());

    it('reads the changed invoice under the id of the webhook POST, and logs the events it gives under changes:<that id>', async () => {
      await readInvoice(gateway, '003547');
      const subscription = await subscriber(gateway, '003547', 'ids-subscriber-1');
      try {
        gateway.logs.length = 0;
        simulator.controls.editInvoice('003547', { invoiceText: 'followed by its id' });
        await subscription.until(() => subscription.events.length > 0, 30_000);
        expect(subscription.events[0]?.data?.['invoiceChanged']).toMatchObject({
          kind: 'UPDATED',
          invoice: { invoiceText: 'followed by its id' },
        });
        await until(() => given(gateway).length > 0, 'the delivery line');

        // The receiver's line names the delivery's HTTP request (the simulator sends no X-Request-Id: a fresh UUID).
        const accepted = gateway.logs.filter((line) => line['msg'] === 'webhook accepted');
        expect(accepted).toHaveLength(1);
        expect(accepted[0]).toMatchObject({ component: 'webhooks', referenceNumber: '003547', change: 'UPDATED' });
        const delivery = accepted[0]?.['requestId'];
        expect(delivery).toMatch(/^[0-9a-f-]{36}$/);

        // The one Visma read it caused carries that id, in the log and upstream.
        expect(visma(gateway, GET_ONE).map((line) => line['requestId'])).toEqual([delivery]);
        // The event it gave: under the hub's read, named after the delivery, beside the subscription's own id.
        expect(given(gateway)).toEqual([
          expect.objectContaining({
            component: 'subscriptions',
            requestId: `changes:${String(delivery)}`,
            subscriptionRequestId: 'ids-subscriber-1',
            referenceNumber: '003547',
            kind: 'UPDATED',
          }),
        ]);
      } finally {
        subscription.dispose();
      }
    });

    it('names the events of a write after the write’s own request', async () => {
      const subscription = await subscriber(gateway, '003547', 'ids-subscriber-2');
      try {
        gateway.logs.length = 0;
        const response = await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'ids-release-1' },
          body: JSON.stringify({ query: 'mutation { releaseInvoice(referenceNumber: "003547") { result } }' }),
        });
        expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
        await until(() => given(gateway).length > 0, 'the delivery line');
        expect(given(gateway)[0]).toMatchObject({
          requestId: 'changes:ids-release-1',
          subscriptionRequestId: 'ids-subscriber-2',
          kind: 'STATUS_CHANGED',
        });
      } finally {
        subscription.dispose();
      }
    });
  });

  describe('across two replicas sharing Redis', () => {
    let fleet: WebhookReplicas;
    let a: StartedGateway;
    let b: StartedGateway;

    beforeAll(async () => {
      fleet = await startWebhookReplicas(KEY);
      ({ a, b } = fleet);
    }, 60_000);
    afterAll(() => fleet?.stop());

    it('names replica B’s read and event for a webhook that reached replica A after A’s delivery', async () => {
      await readInvoice(a, '003547');
      const subscription = await subscriber(b, '003547', 'ids-subscriber-b');
      try {
        // B holds nothing of the invoice: the subscriber's first read goes to Visma, under its own id.
        // The edit comes after it has answered, so where the subscriber starts from is the state before.
        await until(() => visma(b, GET_ONE).some((line) => line['requestId'] === 'ids-subscriber-b'), 'the subscriber’s first read');
        a.logs.length = 0;
        b.logs.length = 0;
        fleet.simulator.controls.editInvoice('003547', { invoiceText: 'followed across replicas' });
        await subscription.until(() => subscription.events.length > 0, 30_000);
        await until(() => given(b).length > 0, 'the delivery line on B');

        const delivery = a.logs.find((line) => line['msg'] === 'webhook accepted')?.['requestId'];
        expect(delivery).toMatch(/^[0-9a-f-]{36}$/);
        // B heard of the change from A over Redis, and read it from Visma itself, under A's delivery.
        expect(visma(b, GET_ONE).map((line) => line['requestId'])).toContain(`changes:${String(delivery)}`);
        expect(given(b)).toEqual([
          expect.objectContaining({ requestId: `changes:${String(delivery)}`, subscriptionRequestId: 'ids-subscriber-b', kind: 'UPDATED' }),
        ]);
      } finally {
        subscription.dispose();
      }
    });
  });

  describe('for the change poll', () => {
    let started: SimulatorAndGateway;
    let simulator: RunningSimulator;
    let gateway: StartedGateway;

    beforeAll(async () => {
      // No webhooks, and a poll every 500 ms (half of the smallest freshness bound), so ticks come quickly.
      started = await startSimulatorAndGateway({ CACHE_FRESHNESS_MS: '1000' });
      ({ simulator, gateway } = started);
    });
    afterAll(() => started?.stop());

    it('gives every tick an id of its own, and logs the events a tick finds under changes:<its id>', async () => {
      await readInvoice(gateway, '003547');
      const subscription = await subscriber(gateway, '003547', 'ids-subscriber-3');
      try {
        // The test asks for no list: every list call is a poll tick.
        await until(() => visma(gateway, LIST).length >= 2, 'two poll ticks');
        simulator.controls.editInvoice('003547', { invoiceText: 'found by a poll' });
        await until(() => given(gateway).length > 0, 'the delivery line');
        await until(() => visma(gateway, LIST).length >= 4, 'two more poll ticks');

        const ticks = visma(gateway, LIST).map((line) => line['requestId']);
        for (const id of ticks) expect(id).toEqual(expect.stringMatching(/^poll-[0-9a-f]{8}-\d+$/));
        expect(new Set(ticks).size).toBe(ticks.length);
        // The event names the tick that found the change.
        const [event] = given(gateway);
        expect(event).toMatchObject({ subscriptionRequestId: 'ids-subscriber-3', referenceNumber: '003547', kind: 'UPDATED' });
        expect(ticks.map((id) => `changes:${String(id)}`)).toContain(event?.['requestId']);
      } finally {
        subscription.dispose();
      }
    });
  });
});
