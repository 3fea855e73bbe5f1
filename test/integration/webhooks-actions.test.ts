import { startSimulator, type RunningSimulator } from '../../src/simulator/index';
import type { WebhookEvent } from '../../src/simulator/webhooks';
import { NO_POLL_DURING_SUITE, startGateway, type StartedGateway } from './helpers/start-gateway';
import { subscribeSse, type Received } from './helpers/subscription-clients';
import { metric, until } from './helpers/gateway-state';

/**
 * Visma's `Action Triggered` (an action button used on the document, such as Release) end to
 * end: the simulator sends it for a release, with `Status Changed` as a message of its own, and
 * the gateway maps it to ACTION_TRIGGERED (docs/webhooks.md, "Actions"). Real sockets: the
 * simulator's webhooks reach a gateway started with `startGateway`, a subscriber listens over SSE.
 */

const KEY = 'actions-webhook-key-0123456789';
const CHANGED = `subscription Changed($ref: ID) { invoiceChanged(filter: { referenceNumber: $ref }) { referenceNumber kind invoice { status } } }`;

const DELIVERED = 'graphql_subscription_deliveries_total{outcome="delivered"}';
const DUPLICATE = 'graphql_subscription_deliveries_total{outcome="duplicate"}';

type Change = { referenceNumber: string; kind: string; invoice: { status: string } };

const base = (gateway: StartedGateway): string => gateway.url.replace(/\/graphql$/, '');

/**
 * The only subscriber to one invoice the gateway holds nothing of, once the gateway holds its
 * subscription and its first read (under the subscription's request id) has answered: a change
 * made after that is one the subscriber has not seen.
 */
async function subscriber(gateway: StartedGateway, ref: string): Promise<Received> {
  await until(async () => (await metric(gateway, 'graphql_subscriptions_active')) === 0, 'earlier subscriptions to end');
  const requestId = `actions-subscriber-${ref}`;
  const subscription = subscribeSse(gateway.url, { query: CHANGED, variables: { ref } }, { 'x-request-id': requestId });
  await until(async () => {
    if (subscription.error !== undefined) throw new Error(`the subscription failed: ${JSON.stringify(subscription.error)}`);
    return (await metric(gateway, 'graphql_subscriptions_active')) === 1;
  }, 'the subscription to be held');
  await until(
    () => gateway.logs.some((line) => line['msg'] === 'visma attempt answered' && line['requestId'] === requestId),
    'the subscriber’s first read',
  );
  return subscription;
}

const changes = (subscription: Received): Change[] => subscription.events.map((event) => event.data?.['invoiceChanged'] as Change);

const accepted = (gateway: StartedGateway): unknown[] =>
  gateway.logs.filter((line) => line['msg'] === 'webhook accepted').map((line) => [line['referenceNumber'], line['change']]);

describe('an action on an invoice, through its webhooks', () => {
  let simulator: RunningSimulator;
  let gateway: StartedGateway;

  const subscribeWebhooks = (events: WebhookEvent[]): void =>
    simulator.controls.subscribeWebhooks({ url: `${base(gateway)}/webhooks/visma`, signingKey: KEY, events });

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    // No poll during the suite: whatever the gateway learns of a change made in Visma, a webhook told it.
    gateway = await startGateway({ simulator, env: { WEBHOOK_SIGNING_KEY: KEY, ...NO_POLL_DURING_SUITE } });
  });
  afterAll(async () => {
    await gateway.stop();
    await simulator.close();
  });
  beforeEach(() => {
    gateway.logs.length = 0;
  });

  /** A balanced invoice of the test's own, made at Visma before any webhook is subscribed to. */
  const balancedInvoice = async (): Promise<string> => {
    simulator.controls.subscribeWebhooks(null);
    const created = await gateway.visma.createInvoice({ customerNumber: '10000', lines: [{ description: 'To release', quantity: '1' }] });
    return created.referenceNumber;
  };

  it('gives a subscriber ACTION_TRIGGERED for a release made in Visma, from its Action Triggered message alone', async () => {
    const invoice = await balancedInvoice();
    subscribeWebhooks(['Action Triggered']);
    const subscription = await subscriber(gateway, invoice);
    try {
      // Another integration releases the invoice at Visma: the gateway hears of it by the webhook only.
      await gateway.visma.releaseInvoice(invoice);
      await subscription.until(() => subscription.events.length > 0, 30_000);
      expect(changes(subscription)).toEqual([{ referenceNumber: invoice, kind: 'ACTION_TRIGGERED', invoice: { status: 'OPEN' } }]);
      expect(accepted(gateway)).toEqual([[invoice, 'ACTION_TRIGGERED']]);
      expect(simulator.controls.webhookStats()).toMatchObject({ emitted: 1, delivered: 1 });
    } finally {
      subscription.dispose();
    }
  });

  it('gives a subscriber a release made through the gateway once, as STATUS_CHANGED, though Visma also sends Action Triggered and Status Changed for it', async () => {
    const invoice = await balancedInvoice();
    subscribeWebhooks(['Changed', 'Status Changed', 'Action Triggered']);
    const subscription = await subscriber(gateway, invoice);
    try {
      const delivered = await metric(gateway, DELIVERED);
      const duplicates = await metric(gateway, DUPLICATE);
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($ref: ID!) { releaseInvoice(referenceNumber: $ref) { result invoice { status } } }',
          variables: { ref: invoice },
        }),
      });
      expect(await response.json()).toEqual({ data: { releaseInvoice: { result: 'DONE', invoice: { status: 'OPEN' } } } });
      // Both messages taken as hints, and each brought the subscriber's hub to a state it had given already.
      await until(() => accepted(gateway).length === 2, 'both webhook messages');
      expect(accepted(gateway)).toEqual(
        expect.arrayContaining([
          [invoice, 'ACTION_TRIGGERED'],
          [invoice, 'STATUS_CHANGED'],
        ]),
      );
      await until(async () => (await metric(gateway, DUPLICATE)) > duplicates, 'the hints to reach the subscriber as the state it has');
      expect(await metric(gateway, DELIVERED)).toBe(delivered + 1);
      await subscription.until(() => subscription.events.length > 0, 30_000);
      expect(changes(subscription)).toEqual([{ referenceNumber: invoice, kind: 'STATUS_CHANGED', invoice: { status: 'OPEN' } }]);
    } finally {
      subscription.dispose();
    }
  });
});
