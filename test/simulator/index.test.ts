import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CLIENT, startSimulator } from '../../src/simulator';

const SOURCE = join(__dirname, '../../src/simulator');

describe('simulator package', () => {
  it('imports only its own files and Node built-ins, so it stays a separate program', () => {
    const offending: string[] = [];
    for (const file of readdirSync(SOURCE).filter((name) => name.endsWith('.ts'))) {
      const text = readFileSync(join(SOURCE, file), 'utf8');
      for (const match of text.matchAll(/from '([^']+)'/g)) {
        const target = match[1] ?? '';
        if (!target.startsWith('./') && !target.startsWith('node:')) offending.push(`${file} -> ${target}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('starts on an ephemeral loopback port and closes', async () => {
    const sim = await startSimulator({ invoiceCount: 5 });
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.port).toBeGreaterThan(0);
    await sim.close();
  });

  it('refuses invalid options with a message naming the option', async () => {
    await expect(startSimulator({ invoiceCount: 0 })).rejects.toThrow('invoiceCount must be an integer from 1 to 100000, received 0');
    await expect(startSimulator({ statusOnCreate: 'Open' as 'Hold' })).rejects.toThrow('statusOnCreate must be one of Hold, Balanced');
    await expect(startSimulator({ clients: [{ clientId: 'x', clientSecret: '', tenantIds: ['t'] }] })).rejects.toThrow(
      'every client needs',
    );
  });

  it('exports the demo client', () => {
    expect(DEMO_CLIENT).toEqual({ clientId: 'demo-client', clientSecret: 'demo-secret', tenantId: '11111111-2222-3333-4444-555555555555' });
  });
});
