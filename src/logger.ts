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
        // Webhook signing keys (docs/webhooks.md).
        'signingKey',
        'signingKeys',
        'token',
        '*.authorization',
        '*.accessToken',
        '*.clientSecret',
        '*.apiKey',
        '*.routerSecret',
        '*.signingKey',
        '*.signingKeys',
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

/**
 * Node's process warnings (a listener leak, a deprecation, an experimental feature) as JSON log
 * lines at warn, instead of the text Node prints to stderr, which log collectors reading JSON
 * lines would drop or mangle. Node's own printer is the listener it installs at start-up: it is
 * taken off while this is in place. Returns the undo, which puts the previous listeners back.
 */
export function logProcessWarnings(logger: Logger, target: NodeJS.EventEmitter = process): () => void {
  const previous = target.listeners('warning') as Array<(warning: Error) => void>;
  const onWarning = (warning: Error): void => {
    const { code } = warning as Error & { code?: unknown };
    logger.warn(
      { warning: { name: warning.name, message: warning.message, ...(typeof code === 'string' ? { code } : {}), stack: warning.stack } },
      'process warning',
    );
  };
  for (const listener of previous) target.off('warning', listener);
  target.on('warning', onWarning);
  return () => {
    target.off('warning', onWarning);
    for (const listener of previous) target.on('warning', listener);
  };
}
