export { createWebhookReceiver, WEBHOOK_BODY_LIMIT_BYTES, type HintTarget, type WebhookReceiver, type WebhookSettings } from './receiver';
export { MemoryLedger, RedisLedger, type MessageLedger, type RedisSetNx } from './ledger';
export { checkSignature, sign } from './signature';
export { readNotification, type Notification } from './notification';
export { webhookReceiver, webhookSigningKeys } from './wiring';
