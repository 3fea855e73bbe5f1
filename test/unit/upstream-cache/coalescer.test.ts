import { Coalescer } from '../../../src/upstream-cache';
import { FakeClock } from './fakes';

describe('Coalescer', () => {
  it('turns a start that throws into a rejection, and keeps nothing in flight', async () => {
    const coalescer = new Coalescer(new FakeClock());
    const run = coalescer.run(
      'k',
      0,
      () => true,
      () => {
        throw new Error('bad query');
      },
      {},
      'GET /x',
    );
    await expect(run).rejects.toThrow('bad query');
    expect(coalescer.size).toBe(0);
  });

  it('forgets a settled call, so the next caller starts a new one', async () => {
    const coalescer = new Coalescer(new FakeClock());
    let started = 0;
    const start = async (): Promise<number> => (started += 1);
    expect(await coalescer.run('k', 0, () => true, start, {}, 'GET /x')).toBe(1);
    expect(await coalescer.run('k', 0, () => true, start, {}, 'GET /x')).toBe(2);
    expect(coalescer.size).toBe(0);
  });

  it('starts a new call when canJoin refuses the one in flight, and keeps both answers apart', async () => {
    const coalescer = new Coalescer(new FakeClock());
    const resolvers: Array<(value: string) => void> = [];
    const start = (): Promise<string> => new Promise((resolve) => resolvers.push(resolve));
    const first = coalescer.run('k', 1, () => false, start, {}, 'GET /x');
    const second = coalescer.run('k', 2, (tag) => tag === 2, start, {}, 'GET /x');
    const third = coalescer.run('k', 2, (tag) => tag === 2, start, {}, 'GET /x');
    expect(resolvers).toHaveLength(2);
    resolvers[0]!('old');
    resolvers[1]!('new');
    expect([await first, await second, await third]).toEqual(['old', 'new', 'new']);
  });
});
