import path from 'node:path';
import { createLogger } from '../../../src/logger';
import {
  EMBEDDED_CLIENT_ID,
  EMBEDDED_TENANT_ID,
  startEmbeddedSimulator,
  withoutSnapshotBlob,
} from '../../../src/server/embedded-simulator';

const fixture = (name: string): string => path.join(__dirname, 'fixtures', name);

function capture(): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return {
    logger: createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }),
    lines,
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('startEmbeddedSimulator', () => {
  it('forks the program in the company time zone, waits for its URL, and hands out fresh client credentials', async () => {
    const { logger, lines } = capture();
    const simulator = await startEmbeddedSimulator({ timeZone: 'Europe/Oslo', entry: fixture('listening-child.js'), logger });
    try {
      expect(simulator).toMatchObject({ url: 'http://127.0.0.1:4999', clientId: EMBEDDED_CLIENT_ID, tenantId: EMBEDDED_TENANT_ID });
      expect(simulator.clientSecret).toMatch(/^[A-Za-z0-9_-]{32}$/);
      await until(() => lines.some((line) => String(line['msg']).startsWith('port=')));
      const relayed = lines.find((line) => String(line['msg']).startsWith('port='));
      expect(relayed).toMatchObject({
        component: 'embedded-simulator',
        msg: `port=0 host=127.0.0.1 client=${EMBEDDED_CLIENT_ID} tenant=${EMBEDDED_TENANT_ID} zone=Europe/Oslo secretLength=32`,
      });
    } finally {
      await simulator.stop();
    }
    expect(lines.some((line) => line['msg'] === 'stopping')).toBe(true);
  });

  it('makes a different secret each time', async () => {
    const { logger } = capture();
    const first = await startEmbeddedSimulator({ timeZone: 'Europe/Oslo', entry: fixture('listening-child.js'), logger });
    const second = await startEmbeddedSimulator({ timeZone: 'Europe/Oslo', entry: fixture('listening-child.js'), logger });
    await Promise.all([first.stop(), second.stop()]);
    expect(first.clientSecret).not.toBe(second.clientSecret);
  });

  it('fails when the program exits before it is ready', async () => {
    const { logger } = capture();
    await expect(startEmbeddedSimulator({ timeZone: 'Europe/Oslo', entry: fixture('crashing-child.js'), logger })).rejects.toThrow(
      'The embedded simulator exited before it was ready (code 3, signal null).',
    );
  });

  it('fails and kills the program when it never reports a URL', async () => {
    const { logger } = capture();
    await expect(
      startEmbeddedSimulator({ timeZone: 'Europe/Oslo', entry: fixture('silent-child.js'), logger, startTimeoutMs: 300 }),
    ).rejects.toThrow('The embedded simulator did not report its URL within 300 ms.');
  });

  it('tells the user to build when the program is missing', async () => {
    const { logger } = capture();
    await expect(startEmbeddedSimulator({ timeZone: 'Europe/Oslo', entry: fixture('missing.js'), logger })).rejects.toThrow(
      `The embedded simulator was not found at ${fixture('missing.js')}; run "npm run build" first.`,
    );
  });
});

describe('withoutSnapshotBlob', () => {
  it('drops the startup snapshot from the options the simulator inherits, in both spellings, and keeps the rest', () => {
    expect(withoutSnapshotBlob(['--max-old-space-size=384', '--snapshot-blob', 'dist/gateway.blob', '--enable-source-maps'])).toEqual([
      '--max-old-space-size=384',
      '--enable-source-maps',
    ]);
    expect(withoutSnapshotBlob(['--snapshot-blob=dist/gateway.blob', '--inspect'])).toEqual(['--inspect']);
    expect(withoutSnapshotBlob([])).toEqual([]);
  });
});
