import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';

/**
 * Resolves when the upstream can serve requests and rejects (with the reason) when not. For
 * the gateway that is "a Visma token can be obtained": from Visma Connect with the configured
 * client credentials, or from the embedded simulator, which also proves the simulator answers.
 */
export type ReadinessProbe = (signal: AbortSignal) => Promise<void>;

/** A readiness check that takes longer than this counts as failed: probes have short timeouts too. */
export const READINESS_TIMEOUT_MS = 5_000;

export interface HealthOptions {
  /** Undefined when there is nothing to check (passthrough mode: every caller brings its own token). */
  readiness: ReadinessProbe | undefined;
  /** True once shutdown has begun: readiness fails so load balancers stop sending new requests. */
  shuttingDown: () => boolean;
  logger: Logger;
}

/**
 * `/healthz` (liveness: the process serves HTTP) and `/readyz` (readiness: the upstream is
 * usable). Liveness never looks at Visma, so an outage upstream does not get the gateway
 * restarted; readiness does, so it is taken out of rotation instead. Answers are small JSON
 * documents without secrets or upstream bodies.
 */
export function healthRoutes(options: HealthOptions): Router {
  const router = Router();
  router.get('/healthz', (_request: Request, response: Response) => {
    response.status(200).set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_request: Request, response: Response) => {
    response.set('cache-control', 'no-store');
    if (options.shuttingDown()) {
      response.status(503).json({ status: 'shutting down' });
      return;
    }
    if (options.readiness === undefined) {
      response.status(200).json({ status: 'ready', visma: 'not checked: passthrough mode, callers bring their own tokens' });
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), READINESS_TIMEOUT_MS);
    try {
      await options.readiness(controller.signal);
      response.status(200).json({ status: 'ready', visma: 'token obtained' });
    } catch (error) {
      const reason = error instanceof Error ? error.name : 'Error';
      options.logger.warn({ err: error }, 'readiness check failed: no Visma token could be obtained');
      response.status(503).json({ status: 'not ready', visma: `no token could be obtained (${reason})` });
    } finally {
      clearTimeout(timer);
    }
  });
  return router;
}
