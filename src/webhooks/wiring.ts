import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config';
import { MemoryLedger, RedisLedger, type RedisSetNx } from './ledger';
import { createWebhookReceiver, type HintTarget, type WebhookReceiver } from './receiver';

/** Message ids one replica remembers at most: a minute of 1,000 messages a second within the tolerance is far more than Visma sends. */
const MAX_REMEMBERED_IDS = 100_000;

/**
 * The keys the receiver checks: WEBHOOK_SIGNING_KEY (and the previous one) when set; in demo mode
 * without one, a random key made for this process, which the embedded simulator is given and
 * which never leaves the two of them (never logged). Empty: no receiver.
 */
export function webhookSigningKeys(config: Config, demo: boolean): readonly string[] {
  if (config.webhooks.signingKeys.length > 0) return config.webhooks.signingKeys;
  return demo ? [randomBytes(32).toString('base64url')] : [];
}

/** The receiver over the cache, deduplicating across replicas through Redis when there is one. */
export function webhookReceiver(parts: {
  config: Config;
  signingKeys: readonly string[];
  target: HintTarget;
  redis: RedisSetNx | undefined;
  tenantId: string | null;
  logger: Logger;
  registry: Registry;
  now: () => number;
}): WebhookReceiver {
  const { config, logger } = parts;
  const local = new MemoryLedger(MAX_REMEMBERED_IDS, parts.now);
  const ledger =
    parts.redis === undefined ? local : new RedisLedger(parts.redis, local, (message) => logger.warn({ component: 'webhooks' }, message));
  return createWebhookReceiver({
    settings: {
      path: config.webhooks.path,
      signingKeys: parts.signingKeys,
      signatureHeader: config.webhooks.signatureHeader,
      toleranceMs: config.webhooks.toleranceMs,
      queueMax: config.webhooks.queueMax,
      tenantId: parts.tenantId,
    },
    target: parts.target,
    ledger,
    logger,
    registry: parts.registry,
    now: parts.now,
  });
}
