import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { ensureBuilt } from './helpers/gateway-process';

interface Measured {
  estimate: number;
  heap: number;
}

/**
 * The estimate against V8, measured in a process of its own (helpers/cache-footprint-probe.js):
 * heap growth while caches hold what a workload read, against the bytes they report.
 */
describe('the upstream cache’s size estimate, measured against the heap', () => {
  let simulator: RunningSimulator;
  let measured: { lists: Measured; singles: Measured; customers: Measured };

  beforeAll(async () => {
    ensureBuilt();
    simulator = await startSimulator({ port: 0, invoiceCount: 1_000 });
    const probe = path.join(__dirname, 'helpers', 'cache-footprint-probe.js');
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', probe, simulator.url], { timeout: 150_000 });
    measured = JSON.parse(stdout) as typeof measured;
  }, 180_000);

  afterAll(() => simulator?.close());

  // The estimate may err high (the bound then holds less than it says), never low by more than 30 %.
  const honest = ({ estimate, heap }: Measured): void => {
    expect(estimate / heap).toBeGreaterThan(0.7);
    expect(estimate / heap).toBeLessThan(1.5);
  };

  it('counts list pages of fully read invoices within 30 % of what they hold', () => {
    expect(measured.lists.heap).toBeGreaterThan(10 * 1024 * 1024);
    honest(measured.lists);
  });

  it('counts single invoices within 30 % of what they hold', () => {
    expect(measured.singles.heap).toBeGreaterThan(4 * 1024 * 1024);
    honest(measured.singles);
  });

  it('counts customers within 30 % of what they hold', () => {
    expect(measured.customers.heap).toBeGreaterThan(1024 * 1024);
    honest(measured.customers);
  });
});
