import { fork } from 'node:child_process';
import { join } from 'node:path';
import { optionsFromEnv } from '../../src/simulator/main';
import { call } from './support/harness';

describe('main', () => {
  describe('optionsFromEnv', () => {
    it('defaults to 127.0.0.1:4010 with the demo client', () => {
      expect(optionsFromEnv({})).toEqual({
        port: 4010,
        host: '127.0.0.1',
        clients: [{ clientId: 'demo-client', clientSecret: 'demo-secret', tenantIds: ['11111111-2222-3333-4444-555555555555'] }],
      });
    });

    it('reads every variable', () => {
      expect(
        optionsFromEnv({
          SIMULATOR_PORT: '0',
          SIMULATOR_HOST: '0.0.0.0',
          SIMULATOR_CLIENT_ID: 'id',
          SIMULATOR_CLIENT_SECRET: 'secret',
          SIMULATOR_TENANT_ID: 't1,t2',
          SIMULATOR_RATE_LIMIT: '100',
          SIMULATOR_RATE_WINDOW_SECONDS: '60',
          SIMULATOR_TOKEN_LIFETIME_SECONDS: '300',
          SIMULATOR_INVOICE_COUNT: '2000',
          SIMULATOR_SEED: '7',
          SIMULATOR_MAX_PAGE_SIZE: '500',
          SIMULATOR_DEFAULT_PAGE_SIZE: '50',
          SIMULATOR_STATUS_ON_CREATE: 'hold',
          SIMULATOR_NUMBERING: 'manual',
          SIMULATOR_UNKNOWN_FIELDS: 'ignore',
          SIMULATOR_PUBLIC_URL: 'https://api.example.test',
        }),
      ).toEqual({
        port: 0,
        host: '0.0.0.0',
        clients: [{ clientId: 'id', clientSecret: 'secret', tenantIds: ['t1', 't2'] }],
        rateLimit: { limit: 100, windowSeconds: 60 },
        tokenLifetimeSeconds: 300,
        invoiceCount: 2000,
        seed: 7,
        maxPageSize: 500,
        defaultPageSize: 50,
        statusOnCreate: 'Hold',
        numbering: 'manual',
        unknownFields: 'ignore',
        publicUrl: 'https://api.example.test',
      });
    });

    it.each([
      ['SIMULATOR_PORT', 'http', 'SIMULATOR_PORT must be an integer from 0 to 65535, received "http"'],
      ['SIMULATOR_PORT', '70000', 'SIMULATOR_PORT must be an integer from 0 to 65535, received 70000'],
      ['SIMULATOR_RATE_LIMIT', '0', 'SIMULATOR_RATE_LIMIT must be an integer from 1'],
      ['SIMULATOR_INVOICE_COUNT', '1.5', 'SIMULATOR_INVOICE_COUNT must be an integer'],
      ['SIMULATOR_STATUS_ON_CREATE', 'Open', 'SIMULATOR_STATUS_ON_CREATE must be one of Hold, Balanced, received "Open"'],
      ['SIMULATOR_NUMBERING', 'x', 'SIMULATOR_NUMBERING must be one of auto, manual'],
      ['SIMULATOR_PUBLIC_URL', 'api.example', 'SIMULATOR_PUBLIC_URL must be an absolute http(s) URL'],
    ])('names %s when its value %p is wrong', (name, value, message) => {
      expect(() => optionsFromEnv({ [name]: value })).toThrow(message);
    });
  });

  describe('as a forked child', () => {
    it('tells the parent its URL once listening and exits cleanly on SIGTERM', async () => {
      const child = fork(join(__dirname, '../../src/simulator/main.ts'), [], {
        execArgv: ['-r', join(__dirname, 'support/ts-register.js')],
        env: { ...process.env, SIMULATOR_PORT: '0', SIMULATOR_INVOICE_COUNT: '20' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const stdout: string[] = [];
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const message = await new Promise<{ type: string; url: string }>((resolve) =>
        child.once('message', (received) => resolve(received as { type: string; url: string })),
      );
      expect(message.type).toBe('listening');
      expect(message.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await call(message.url, 'GET', '/_simulator/health');
      expect(JSON.parse(health.text)).toMatchObject({ ok: true, invoices: 20 });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout.join('')).toBe(`Visma simulator listening on ${message.url}\n`);
    });

    it('exits non-zero with a message naming a bad variable', async () => {
      const child = fork(join(__dirname, '../../src/simulator/main.ts'), [], {
        execArgv: ['-r', join(__dirname, 'support/ts-register.js')],
        env: { ...process.env, SIMULATOR_PORT: 'abc' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const stderr: string[] = [];
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
      expect(code).toBe(2);
      expect(stderr.join('')).toContain('SIMULATOR_PORT must be an integer');
    });
  });
});
