import express, { type Request, type Response, type Router } from 'express';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ErrorCode } from '../graphql/errors';
import { sendErrors } from '../server/http/send-errors';
import { requestIdOf } from '../server/request-id';
import type { InvoiceChangeKind } from '../upstream-cache';
import type { MessageLedger } from './ledger';
import { readNotification } from './notification';
import { HintQueue } from './queue';
import { checkSignature } from './signature';

/** A thin notification is a few hundred bytes; 64 kB leaves room for any a sender adds, and no more. */
export const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

export interface WebhookSettings {
  /** WEBHOOK_PATH. */
  path: string;
  /** WEBHOOK_SIGNING_KEY first, WEBHOOK_SIGNING_KEY_PREVIOUS second when set. Secret: never logged. */
  signingKeys: readonly string[];
  /** WEBHOOK_SIGNATURE_HEADER, lower case. */
  signatureHeader: string;
  /** WEBHOOK_TOLERANCE_SECONDS in ms: how far a message's timestamp may be from this replica's clock. */
  toleranceMs: number;
  /** WEBHOOK_QUEUE_MAX. */
  queueMax: number;
  /** The tenant whose invoices the gateway serves; a message naming another is acknowledged and ignored. Null: any. */
  tenantId: string | null;
}

/** What the receiver acts on: the upstream cache (CachingVismaApi). */
export interface HintTarget {
  hint(referenceNumber: string, kinds: readonly InvoiceChangeKind[], options: { requestId?: string; read?: boolean }): Promise<void>;
  webhookDelivered(): void;
  webhooksHealthy(): boolean;
}

export type DeliveryOutcome = 'accepted' | 'duplicate' | 'ignored' | 'unsigned' | 'bad_signature' | 'stale' | 'bad_payload' | 'too_large';

export interface WebhookReceiver {
  router: Router;
  /** Resolves once the hints taken so far have been applied (tests, shutdown). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `POST <WEBHOOK_PATH>`: Visma's webhooks in (docs/webhooks.md). Not behind the inbound API
 * authentication: the signature is the sender's proof. In order: the body is read raw (at most
 * 64 kB), its signature checked against the signing keys, then it is parsed and its timestamp
 * checked against the tolerance, then its id against the ledger of messages already taken. A
 * message that passes is answered 202 at once; its hint (read the invoice again, update the
 * cache, tell the other replicas, report the change) runs afterwards from a bounded queue.
 */
export function createWebhookReceiver(deps: {
  settings: WebhookSettings;
  target: HintTarget;
  ledger: MessageLedger;
  logger: Logger;
  registry: Registry;
  now: () => number;
}): WebhookReceiver {
  const { settings, target, ledger, now } = deps;
  const log = deps.logger.child({ component: 'webhooks' });
  const metrics = receiverMetrics(deps.registry, target);
  const queue = new HintQueue({
    maxPending: settings.queueMax,
    concurrency: 4,
    // The read a delivery causes carries the delivery's own request id (docs/webhooks.md, "Request ids").
    run: (referenceNumber, kinds, read, requestId) => target.hint(referenceNumber, kinds, { requestId, read }),
    onDepth: (depth) => metrics.depth.set(depth),
    onOverflow: () => {
      metrics.overflow.inc();
      log.warn({ queueMax: settings.queueMax }, 'webhooks: the hint queue is full; this hint evicts its invoice instead of reading it');
    },
    warn: (fields, message) => log.warn(fields, message),
  });

  const refuse = (request: Request, response: Response, outcome: DeliveryOutcome, status: number, code: string, message: string): void => {
    metrics.deliveries.labels(outcome).inc();
    const requestId = requestIdOf(response);
    log.info({ requestId, outcome, status }, 'webhook refused');
    sendErrors(request, response, status, [{ message, extensions: { code, requestId } }]);
  };

  const receive = async (request: Request, response: Response): Promise<void> => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const header = request.get(settings.signatureHeader);
    const signature = checkSignature(raw, header, settings.signingKeys);
    if (signature === 'missing') {
      refuse(
        request,
        response,
        'unsigned',
        401,
        ErrorCode.WEBHOOK_SIGNATURE_MISSING,
        `The message has no signature in ${settings.signatureHeader}.`,
      );
      return;
    }
    if (signature === 'invalid') {
      refuse(request, response, 'bad_signature', 401, ErrorCode.WEBHOOK_SIGNATURE_INVALID, 'The message signature does not match.');
      return;
    }
    const notification = readNotification(raw);
    if ('problem' in notification) {
      refuse(request, response, 'bad_payload', 400, ErrorCode.WEBHOOK_PAYLOAD_INVALID, notification.problem);
      return;
    }
    const skewMs = Math.abs(now() - notification.timestampMs);
    if (skewMs > settings.toleranceMs) {
      refuse(
        request,
        response,
        'stale',
        400,
        ErrorCode.WEBHOOK_STALE,
        `The message's timestamp is ${Math.round(skewMs / 1000)} s from the gateway's clock; at most ${settings.toleranceMs / 1000} s is accepted.`,
      );
      return;
    }
    // Signed and fresh: the channel works, whatever the message is about.
    target.webhookDelivered();
    // Without an id, the body itself names the message: a repeat is byte for byte the same.
    const id = notification.id ?? `body:${createHash('sha256').update(raw).digest('hex')}`;
    // Twice the tolerance: a copy older than that is refused as stale before it gets here.
    if (!(await ledger.firstSeen(id, 2 * settings.toleranceMs))) {
      metrics.deliveries.labels('duplicate').inc();
      log.debug({ requestId: requestIdOf(response), messageId: notification.id }, 'webhook duplicate');
      response.status(200).json({ accepted: true, duplicate: true });
      return;
    }
    if (
      notification.kind === 'other' ||
      (settings.tenantId !== null && notification.tenantId !== undefined && notification.tenantId !== settings.tenantId)
    ) {
      metrics.deliveries.labels('ignored').inc();
      log.debug(
        { requestId: requestIdOf(response), what: notification.kind === 'other' ? notification.what : 'another tenant' },
        'webhook ignored',
      );
      response.status(202).json({ accepted: true, ignored: true });
      return;
    }
    metrics.deliveries.labels('accepted').inc();
    response.status(202).json({ accepted: true });
    const requestId = requestIdOf(response);
    const readBy = queue.add(notification.referenceNumber, notification.change, requestId);
    log.debug(
      {
        requestId,
        messageId: notification.id,
        referenceNumber: notification.referenceNumber,
        change: notification.change,
        // Joined a hint already waiting for the invoice: that delivery's id names the one read.
        ...(readBy !== undefined && readBy !== requestId ? { readBy } : {}),
      },
      'webhook accepted',
    );
  };

  const router = express.Router();
  router.post(
    settings.path,
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT_BYTES }),
    (request: Request, response: Response, next: express.NextFunction) => {
      receive(request, response).catch(next);
    },
  );
  // Before the app's error handler: a body over the limit is the receiver's own refusal, counted.
  router.use(settings.path, (error: unknown, request: Request, response: Response, next: express.NextFunction) => {
    const status = (error as { status?: unknown }).status;
    if (status === 413) {
      refuse(request, response, 'too_large', 413, 'BAD_REQUEST', `The message is larger than ${WEBHOOK_BODY_LIMIT_BYTES} bytes.`);
      return;
    }
    next(error);
  });
  return { router, settled: () => queue.settled(), close: () => queue.close() };
}

function receiverMetrics(registry: Registry, target: HintTarget) {
  const deliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook messages received, by outcome: accepted, duplicate, ignored (not an invoice change, or another tenant), and the refusals unsigned, bad_signature, stale, bad_payload, too_large.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const depth = new Gauge({
    name: 'webhook_queue_depth',
    help: 'Invoices waiting to be read again after a webhook; bounded by WEBHOOK_QUEUE_MAX.',
    registers: [registry],
  });
  const overflow = new Counter({
    name: 'webhook_queue_overflow_total',
    help: 'Webhook hints applied without a read because WEBHOOK_QUEUE_MAX invoices were waiting (the invoice is evicted instead).',
    registers: [registry],
  });
  new Gauge({
    name: 'webhook_healthy',
    help: '1 while a verified webhook arrived within WEBHOOK_HEALTHY_MS (the change poll runs every WEBHOOK_POLL_INTERVAL_MS), else 0.',
    registers: [registry],
    collect() {
      this.set(target.webhooksHealthy() ? 1 : 0);
    },
  });
  return { deliveries, depth, overflow };
}
