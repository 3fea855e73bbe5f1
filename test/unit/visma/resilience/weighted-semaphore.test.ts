import { VismaTimeoutError } from '../../../../src/visma/errors';
import { WeightedSemaphore, type Release, type SetTimer } from '../../../../src/visma/resilience';

/** A timer table the test fires by hand: fake time without jest's timer mocks. */
class ManualTimers {
  pending: Array<{ at: number; fire: () => void }> = [];
  now = 0;
  readonly setTimer: SetTimer = (ms, fire) => {
    const entry = { at: this.now + ms, fire };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((item) => item !== entry);
    };
  };
  advance(ms: number): void {
    this.now += ms;
    const due = this.pending.filter((item) => item.at <= this.now);
    this.pending = this.pending.filter((item) => item.at > this.now);
    due.forEach((item) => item.fire());
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WeightedSemaphore', () => {
  let timers: ManualTimers;
  let semaphore: WeightedSemaphore;
  /** Which takers hold their weight, by name, in the order they got it. */
  let holding: string[];
  let releases: Map<string, Release>;

  const take = (name: string, weight: number, limits: { deadline?: number; signal?: AbortSignal } = {}): Promise<void> =>
    semaphore.acquire(weight, { operation: `GET /${name}`, ...limits }).then((release) => {
      holding.push(name);
      releases.set(name, release);
    });
  const release = (name: string): void => {
    releases.get(name)?.();
    holding = holding.filter((held) => held !== name);
  };

  beforeEach(() => {
    timers = new ManualTimers();
    semaphore = new WeightedSemaphore({
      capacity: 2_000,
      what: 'room among 2000 invoices',
      now: () => timers.now,
      setTimer: timers.setTimer,
    });
    holding = [];
    releases = new Map();
  });

  it('lets takers in while their weights fit the capacity', async () => {
    void take('page-a', 1_000);
    void take('one', 1);
    void take('page-b', 999);
    await flush();
    expect(holding).toEqual(['page-a', 'one', 'page-b']);
    expect(semaphore.used).toBe(2_000);
  });

  it('holds a taker that does not fit until enough weight is released, in arrival order', async () => {
    void take('page-a', 1_000);
    void take('page-b', 1_000);
    void take('page-c', 1_000);
    void take('one', 1);
    await flush();
    expect(holding).toEqual(['page-a', 'page-b']);
    expect(semaphore.waiting).toBe(2);

    release('page-a');
    await flush();
    expect(holding).toEqual(['page-b', 'page-c']);
    // The light taker fits only once a page is back: it does not overtake the page before it.
    release('page-b');
    await flush();
    expect(holding).toEqual(['page-c', 'one']);
    expect(semaphore.used).toBe(1_001);
  });

  it('does not let light takers overtake a heavy one waiting at the head', async () => {
    void take('page-a', 1_500);
    void take('page-b', 1_000);
    await flush();
    expect(semaphore.tryAcquire(1)).toBeNull();
    void take('one', 1);
    await flush();
    expect(holding).toEqual(['page-a']);
    release('page-a');
    await flush();
    expect(holding).toEqual(['page-b', 'one']);
  });

  it('runs a taker heavier than the capacity alone instead of never', async () => {
    void take('one', 1);
    void take('huge', 5_000);
    void take('other', 1);
    await flush();
    expect(holding).toEqual(['one']);
    release('one');
    await flush();
    expect(holding).toEqual(['huge']);
    expect(semaphore.used).toBe(2_000);
    release('huge');
    await flush();
    expect(holding).toEqual(['other']);
    expect(semaphore.used).toBe(1);
  });

  it('gives up waiting at the deadline, holding nothing, and lets the ones behind it in', async () => {
    void take('page-a', 1_500);
    const late = take('page-b', 1_000, { deadline: 100 });
    void take('one', 1);
    await flush();
    expect(holding).toEqual(['page-a']);

    timers.advance(100);
    await expect(late).rejects.toThrow(
      new VismaTimeoutError('GET /page-b ran out of time while waiting for room among 2000 invoices', {
        operation: 'GET /page-b',
        outcome: 'not_applied',
      }),
    );
    await late.catch((error: VismaTimeoutError) => expect(error.outcome).toBe('not_applied'));
    await flush();
    expect(holding).toEqual(['page-a', 'one']);
    expect(semaphore.waiting).toBe(0);
    expect(semaphore.used).toBe(1_501);
  });

  it('gives up waiting when the caller aborts, and cancels its deadline timer', async () => {
    void take('page-a', 2_000);
    const controller = new AbortController();
    const aborted = take('page-b', 1_000, { deadline: 5_000, signal: controller.signal });
    await flush();
    expect(timers.pending).toHaveLength(1);

    controller.abort();
    await expect(aborted).rejects.toThrow('GET /page-b was aborted by the caller while waiting for room among 2000 invoices');
    expect(timers.pending).toHaveLength(0);
    expect(semaphore.waiting).toBe(0);
  });

  it('refuses at once a caller that has already aborted', async () => {
    void take('page-a', 2_000);
    await flush();
    await expect(take('page-b', 1, { signal: AbortSignal.abort() })).rejects.toThrow('was aborted by the caller');
    expect(semaphore.waiting).toBe(0);
  });

  it('takes back part of a weight as its holder needs less, letting waiters in, and never more than it holds', async () => {
    await take('page-a', 2_000);
    void take('one', 1);
    await flush();
    expect(holding).toEqual(['page-a']);

    releases.get('page-a')?.(600);
    await flush();
    expect(holding).toEqual(['page-a', 'one']);
    expect(semaphore.used).toBe(1_401);

    releases.get('page-a')?.(5_000);
    expect(semaphore.used).toBe(1);
    releases.get('page-a')?.();
    expect(semaphore.used).toBe(1);
  });

  describe('with goAhead (the bytes in flight)', () => {
    beforeEach(() => {
      semaphore = new WeightedSemaphore({
        capacity: 32,
        what: 'room among 32 bytes',
        now: () => timers.now,
        setTimer: timers.setTimer,
        goAhead: true,
      });
    });

    it('lets small takers go ahead of a large one that cannot start yet, as far as they leave it room', async () => {
      void take('large-a', 22);
      void take('large-b', 22);
      await flush();
      const early = semaphore.tryAcquire(1);
      expect(early).not.toBeNull();
      early?.();
      void take('poll', 4);
      void take('page', 5);
      // 22 for the head, and the 9 gone ahead: 2 more would leave it 1 short.
      void take('one-too-many', 2);
      await flush();
      expect(holding).toEqual(['large-a', 'poll', 'page']);
      expect(semaphore.used).toBe(31);

      // What went ahead leaves the head its room: it starts as soon as what it waited for is back.
      release('large-a');
      await flush();
      expect(holding).toEqual(['poll', 'page', 'large-b']);
      expect(semaphore.used).toBe(31);
      release('poll');
      await flush();
      expect(holding).toEqual(['page', 'large-b', 'one-too-many']);
    });

    it('starts a waiter behind the head once room it may take is given back', async () => {
      await take('large-a', 30);
      void take('large-b', 22);
      void take('poll', 5);
      await flush();
      expect(holding).toEqual(['large-a']);

      releases.get('large-a')?.(10);
      await flush();
      expect(holding).toEqual(['large-a', 'poll']);
      expect(semaphore.waiting).toBe(1);
    });

    it('lets nothing go ahead of a taker that needs the whole capacity', async () => {
      void take('large-a', 20);
      void take('whole', 32);
      await flush();
      expect(semaphore.tryAcquire(1)).toBeNull();
      release('large-a');
      await flush();
      expect(holding).toEqual(['whole']);
    });
  });

  it('takes back a release only once', async () => {
    await take('page-a', 1_000);
    const twice = releases.get('page-a');
    twice?.();
    twice?.();
    expect(semaphore.used).toBe(0);
  });
});
