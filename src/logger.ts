import pino, { type DestinationStream, type Logger } from 'pino';
import type { VismaLogger } from './visma/seams';
import type { LogLevel } from './config';

export type { Logger } from 'pino';

/**
 * Structured JSON lines on stdout. Header and credential paths are redacted as a second line of
 * defence: no code logs them on purpose.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'visma-invoice-gateway' },
    redact: {
      paths: [
        'authorization',
        'headers.authorization',
        'req.headers.authorization',
        'accessToken',
        'clientSecret',
        'access_token',
        'client_secret',
        // Inbound credentials and the router's secret (docs/security.md), one level deep too.
        'headers["x-api-key"]',
        'req.headers["x-api-key"]',
        'headers["x-router-secret"]',
        'req.headers["x-router-secret"]',
        'apiKey',
        'routerSecret',
        'token',
        '*.authorization',
        '*.accessToken',
        '*.clientSecret',
        '*.apiKey',
        '*.routerSecret',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** Adapts pino to the Visma client's small logger seam (message first, fields second). */
export function toVismaLogger(logger: Logger): VismaLogger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
  };
}
