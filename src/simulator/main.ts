/**
 * The simulator as a program: reads the environment, starts, logs one line with its URL and,
 * when forked, tells the parent `{ type: 'listening', url }`. Exits cleanly on SIGTERM/SIGINT.
 */
import { DEMO_CLIENT, startSimulator, type SimulatorOptions } from './index';
import { checkSubscription } from './webhooks';

class ConfigError extends Error {}

function intVar(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, received "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, received ${value}`);
  return value;
}

function choiceVar<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[]): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const found = allowed.find((candidate) => candidate.toLowerCase() === raw.trim().toLowerCase());
  if (!found) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, received "${raw}"`);
  return found;
}

function clientFromEnv(env: NodeJS.ProcessEnv): { clientId: string; clientSecret: string; tenantIds: string[] } {
  const tenantIds = (env.SIMULATOR_TENANT_ID || DEMO_CLIENT.tenantId)
    .split(',')
    .map((tenantId) => tenantId.trim())
    .filter(Boolean);
  return {
    clientId: env.SIMULATOR_CLIENT_ID || DEMO_CLIENT.clientId,
    clientSecret: env.SIMULATOR_CLIENT_SECRET || DEMO_CLIENT.clientSecret,
    tenantIds,
  };
}

/** Either variable alone sets the rate limit; the other keeps Visma's default. */
function rateLimitFromEnv(env: NodeJS.ProcessEnv): SimulatorOptions['rateLimit'] {
  const limit = intVar(env, 'SIMULATOR_RATE_LIMIT', 1, 1_000_000_000);
  const window = intVar(env, 'SIMULATOR_RATE_WINDOW_SECONDS', 1, 31_536_000);
  if (limit === undefined && window === undefined) return undefined;
  return { limit: limit ?? 15_000, windowSeconds: window ?? 3600 };
}

function timeZoneFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const timeZone = env.SIMULATOR_TIME_ZONE;
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigError(`SIMULATOR_TIME_ZONE must be an IANA time zone such as Europe/Oslo, received "${timeZone}"`);
  }
  return timeZone;
}

function publicUrlFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const publicUrl = env.SIMULATOR_PUBLIC_URL;
  if (!publicUrl) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(publicUrl)) {
    throw new ConfigError(`SIMULATOR_PUBLIC_URL must be an absolute http(s) URL, received "${publicUrl}"`);
  }
  return publicUrl;
}

/** SIMULATOR_WEBHOOK_URL and _SIGNING_KEY together subscribe; _EVENTS and _HEADER are optional. */
function webhookFromEnv(env: NodeJS.ProcessEnv): SimulatorOptions['webhook'] {
  const url = env.SIMULATOR_WEBHOOK_URL;
  const signingKey = env.SIMULATOR_WEBHOOK_SIGNING_KEY;
  if (!url && !signingKey) return undefined;
  if (!url || !signingKey) throw new ConfigError('SIMULATOR_WEBHOOK_URL and SIMULATOR_WEBHOOK_SIGNING_KEY must be set together');
  const webhook: NonNullable<SimulatorOptions['webhook']> = { url, signingKey };
  if (env.SIMULATOR_WEBHOOK_EVENTS) webhook.events = env.SIMULATOR_WEBHOOK_EVENTS.split(',').map((event) => event.trim());
  if (env.SIMULATOR_WEBHOOK_HEADER) webhook.signatureHeader = env.SIMULATOR_WEBHOOK_HEADER.trim();
  try {
    checkSubscription(webhook);
  } catch (error) {
    // The key is never echoed: the message names the field only.
    throw new ConfigError(`SIMULATOR_WEBHOOK_*: ${error instanceof Error ? error.message : String(error)}`);
  }
  return webhook;
}

function setIfDefined<K extends keyof SimulatorOptions>(options: SimulatorOptions, key: K, value: SimulatorOptions[K] | undefined): void {
  if (value !== undefined) options[key] = value;
}

/** Environment to options; every message names the variable, the expected form and what was received. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): SimulatorOptions {
  const options: SimulatorOptions = {
    port: intVar(env, 'SIMULATOR_PORT', 0, 65535) ?? 4010,
    host: env.SIMULATOR_HOST || '127.0.0.1',
    clients: [clientFromEnv(env)],
  };
  setIfDefined(options, 'rateLimit', rateLimitFromEnv(env));
  setIfDefined(options, 'tokenLifetimeSeconds', intVar(env, 'SIMULATOR_TOKEN_LIFETIME_SECONDS', 1, 31_536_000));
  setIfDefined(options, 'invoiceCount', intVar(env, 'SIMULATOR_INVOICE_COUNT', 1, 100_000));
  setIfDefined(options, 'seed', intVar(env, 'SIMULATOR_SEED', -2_147_483_648, 4_294_967_295));
  setIfDefined(options, 'maxPageSize', intVar(env, 'SIMULATOR_MAX_PAGE_SIZE', 1, 100_000));
  setIfDefined(options, 'defaultPageSize', intVar(env, 'SIMULATOR_DEFAULT_PAGE_SIZE', 1, 100_000));
  setIfDefined(options, 'statusOnCreate', choiceVar(env, 'SIMULATOR_STATUS_ON_CREATE', ['Hold', 'Balanced'] as const));
  setIfDefined(options, 'numbering', choiceVar(env, 'SIMULATOR_NUMBERING', ['auto', 'manual'] as const));
  setIfDefined(options, 'unknownFields', choiceVar(env, 'SIMULATOR_UNKNOWN_FIELDS', ['reject', 'ignore'] as const));
  setIfDefined(options, 'timeZone', timeZoneFromEnv(env));
  setIfDefined(options, 'publicUrl', publicUrlFromEnv(env));
  setIfDefined(options, 'webhook', webhookFromEnv(env));
  return options;
}

async function main(): Promise<void> {
  let options: SimulatorOptions;
  try {
    options = optionsFromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`simulator: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const simulator = await startSimulator(options);
  process.stdout.write(`Visma simulator listening on ${simulator.url}\n`);
  if (process.send) process.send({ type: 'listening', url: simulator.url });
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // A forked child also goes when its parent does.
  process.on('disconnect', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`simulator: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
