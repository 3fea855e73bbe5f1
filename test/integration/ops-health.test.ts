import express from 'express';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../src/logger';
import { healthRoutes, type HealthOptions } from '../../src/server/health';
import { startSimulator } from '../../src/simulator/index';
import { ListInvoicesDocument } from '../generated/operations';
import { OpsGateway } from './helpers/ops-gateway';

describe('health and readiness', () => {
  describe('with a working upstream', () => {
    let gateway: OpsGateway;
    beforeAll(async () => {
      gateway = await OpsGateway.start();
    });
    afterAll(() => gateway.stop());

    it('answers /healthz with 200 without asking Visma', async () => {
      await gateway.control.resetCounters();
      const response = await fetch(gateway.at('/healthz'));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
      expect(await gateway.control.counters()).toEqual({});
    });

    it('answers /readyz with 200 once a Visma token can be obtained', async () => {
      const response = await fetch(gateway.at('/readyz'));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', visma: 'token obtained' });
      expect(response.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('with an upstream that refuses the credentials', () => {
    it('answers /readyz with 503 and does not echo the secret', async () => {
      const gateway = await OpsGateway.start({ env: { VISMA_CLIENT_SECRET: 'not-the-demo-secret-1234' } });
      try {
        const response = await fetch(gateway.at('/readyz'));
        const text = await response.text();
        expect(response.status).toBe(503);
        expect(JSON.parse(text)).toEqual({
          status: 'not ready',
          visma: expect.stringMatching(/^no token could be obtained \(Visma\w+Error\)$/),
        });
        expect(text).not.toContain('not-the-demo-secret-1234');
        expect(JSON.stringify(gateway.logs)).not.toContain('not-the-demo-secret-1234');
      } finally {
        await gateway.stop();
      }
    });
  });

  describe('with an upstream that is gone', () => {
    it('answers /readyz with 503 while /healthz stays 200', async () => {
      const simulator = await startSimulator({ port: 0 });
      const gateway = await OpsGateway.start({ simulator });
      try {
        await simulator.close();
        expect((await fetch(gateway.at('/readyz'))).status).toBe(503);
        expect((await fetch(gateway.at('/healthz'))).status).toBe(200);
      } finally {
        await gateway.stop();
      }
    });
  });

  describe('shutdown', () => {
    it('finishes a request in flight, reports not ready meanwhile, then stops accepting connections', async () => {
      const gateway = await OpsGateway.start();
      await gateway.control.addFault({ route: 'GET /v1/customerinvoice', kind: 'latency', latencyMs: 400 });
      const inFlight = gateway.run(ListInvoicesDocument, { first: 2 });
      // The request has reached the simulator (and waits there) before shutdown begins.
      await waitFor(async () => ((await gateway.control.counters())['GET /v1/customerinvoice']?.total ?? 0) > 0);
      const readyBefore = await fetch(gateway.at('/readyz'));
      expect(readyBefore.status).toBe(200);

      const stopped = gateway.beginShutdown();
      // New connections are refused or told "not ready": never 200 once shutdown has begun.
      const readyDuring = await fetch(gateway.at('/readyz')).then(
        (response) => response.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(readyDuring);
      const result = await inFlight;
      expect(result.errors).toBeUndefined();
      expect(result.data?.customerInvoices.nodes).toHaveLength(2);
      await stopped;
      await expect(fetch(gateway.at('/healthz'))).rejects.toThrow();
      await gateway.stop();
    });
  });
});

describe('healthRoutes', () => {
  /** The routes alone on 127.0.0.1:0, answering one GET. */
  async function get(path: string, options: Partial<HealthOptions>): Promise<{ status: number; body: unknown }> {
    const app = express().use(
      healthRoutes({ readiness: undefined, shuttingDown: () => false, logger: createLogger('silent'), ...options }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
      return { status: response.status, body: await response.json() };
    } finally {
      server.close();
    }
  }

  it('answers /readyz with 503 once shutdown has begun, without running the probe', async () => {
    let probed = false;
    const readiness = async (): Promise<void> => {
      probed = true;
    };
    expect(await get('/readyz', { readiness, shuttingDown: () => true })).toEqual({ status: 503, body: { status: 'shutting down' } });
    expect(probed).toBe(false);
  });

  it('answers /readyz with 200 and says so when there is nothing to check (passthrough mode)', async () => {
    expect(await get('/readyz', { readiness: undefined })).toEqual({
      status: 200,
      body: { status: 'ready', visma: 'not checked: passthrough mode, callers bring their own tokens' },
    });
  });

  it('gives the probe an abort signal and answers 503 when the probe rejects', async () => {
    let signal: AbortSignal | undefined;
    const readiness = async (given: AbortSignal): Promise<void> => {
      signal = given;
      throw new TypeError('boom');
    };
    expect(await get('/readyz', { readiness })).toEqual({
      status: 503,
      body: { status: 'not ready', visma: 'no token could be obtained (TypeError)' },
    });
    expect(signal).toBeInstanceOf(AbortSignal);
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met');
}
