import { sha256Hex } from '../../../src/server/auth/inbound-auth';
import { NO_POLL_DURING_SUITE, startGateway, type StartedGateway } from './start-gateway';

/**
 * A gateway that serves only a request from the router with an API key: AUTH_REQUIRED with one key
 * (by its SHA-256) and a ROUTER_SECRET, on the shipped defaults otherwise, with no poll during the
 * suite. `fromRouter` is the headers of a request through the router without the key, `withKey`
 * with it; `start` starts the gateway.
 */
export function guardedGateway(
  apiKey: string,
  routerSecret: string,
): { fromRouter: Record<string, string>; withKey: Record<string, string>; start(): Promise<StartedGateway> } {
  const fromRouter = { 'x-router-secret': routerSecret };
  return {
    fromRouter,
    withKey: { ...fromRouter, 'x-api-key': apiKey },
    start: () =>
      startGateway({
        env: { AUTH_REQUIRED: 'true', AUTH_API_KEY_SHA256: sha256Hex(apiKey), ROUTER_SECRET: routerSecret, ...NO_POLL_DURING_SUITE },
      }),
  };
}
