import { EventEmitter } from 'node:events';
import { createLogger, logProcessWarnings } from '../../src/logger';
import { startGateway, type StartedGateway } from './helpers/start-gateway';

/**
 * The process Node emits its warnings on. Jest gives each suite a copy of `process` whose event
 * listeners are its own, so a listener added to it never hears Node; a function made by the
 * host's Function constructor reads the host's global `process` instead.
 */
const hostProcess = (EventEmitter.constructor('return process') as () => NodeJS.Process)();

/** Fifteen aliased lists (the most aliases an operation may have), each with its customers' own lists. */
const FIFTEEN_LISTS = `query Fifteen($n: Int!) {
  ${Array.from(
    { length: 15 },
    (_, index) =>
      `list${index}: customerInvoices(first: $n, filter: { documentDate: { operator: GTE, value: "2024-01-${String(index + 1).padStart(2, '0')}" } }) {
    nodes { referenceNumber customer { name invoices(first: $n) { nodes { referenceNumber } } } }
  }`,
  ).join('\n  ')}
}`;

describe("Node's warnings", () => {
  let gateway: StartedGateway;
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };

  beforeAll(async () => {
    gateway = await startGateway({ simulatorOptions: { invoiceCount: 300, seed: 13 } });
    hostProcess.on('warning', onWarning);
  });

  afterAll(async () => {
    hostProcess.off('warning', onWarning);
    await gateway.stop();
  });

  it('do not happen when fifteen aliased lists run their Visma calls at once on one request', async () => {
    gateway.simulator.controls.resetCounters();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: FIFTEEN_LISTS, variables: { n: 3 } }),
    });
    const body = (await response.json()) as { data?: Record<string, { nodes: unknown[] }>; errors?: unknown[] };
    // Let a warning Node emitted during the request reach its listeners (it is emitted on the next tick).
    await new Promise((resolve) => setImmediate(resolve));

    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data ?? {})).toHaveLength(15);
    // The lists and their customers' lists really went to Visma, more of them at once than Node's default of 10 listeners.
    expect(gateway.simulator.controls.counters()['GET /v1/customerinvoice']?.total).toBeGreaterThan(15);
    expect(warnings.map((warning) => `${warning.name}: ${warning.message}`)).toEqual([]);
  });

  it('that do happen reach the log as one JSON line each, and not as text on stderr', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    const before = hostProcess.listeners('warning');
    const undo = logProcessWarnings(logger, hostProcess);
    try {
      // Node's printer (the listener it installs at start-up) is off while the log has warnings.
      expect(hostProcess.listeners('warning')).toHaveLength(1);
      hostProcess.emitWarning('listeners piled up', { type: 'MaxListenersExceededWarning', code: 'PROBE_WARNING' });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      undo();
    }

    expect(hostProcess.listeners('warning')).toEqual(before);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 40,
      msg: 'process warning',
      warning: { name: 'MaxListenersExceededWarning', message: 'listeners piled up', code: 'PROBE_WARNING' },
    });
  });
});
