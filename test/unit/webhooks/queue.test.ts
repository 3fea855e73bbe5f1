import { HintQueue } from '../../../src/webhooks/queue';
import type { InvoiceChangeKind } from '../../../src/upstream-cache';

interface Run {
  referenceNumber: string;
  kinds: readonly InvoiceChangeKind[];
  read: boolean;
  requestId: string;
  finish: () => void;
}

/** A queue whose runs wait until the test finishes them, one read at a time. */
function queue(maxPending = 10): { queue: HintQueue; runs: Run[] } {
  const runs: Run[] = [];
  const hints = new HintQueue({
    maxPending,
    concurrency: 1,
    run: (referenceNumber, kinds, read, requestId) =>
      new Promise<void>((resolve) => runs.push({ referenceNumber, kinds, read, requestId, finish: resolve })),
  });
  return { queue: hints, runs };
}

describe('the webhook hint queue', () => {
  it('runs a hint under the id of the delivery that brought it', () => {
    const { queue: hints, runs } = queue();
    expect(hints.add('003547', 'UPDATED', 'delivery-1')).toBe('delivery-1');
    expect(runs).toEqual([expect.objectContaining({ referenceNumber: '003547', kinds: ['UPDATED'], read: true, requestId: 'delivery-1' })]);
  });

  it('gives a hint that joins one waiting for its invoice the waiting one’s id, and reads once for both', async () => {
    const { queue: hints, runs } = queue();
    hints.add('000001', 'UPDATED', 'delivery-1');
    // 000001 is being read (the one read at a time): 003547's hints wait, and the second joins the first.
    expect(hints.add('003547', 'ACTION_TRIGGERED', 'delivery-2')).toBe('delivery-2');
    expect(hints.add('003547', 'STATUS_CHANGED', 'delivery-3')).toBe('delivery-2');
    runs[0]?.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs.slice(1)).toEqual([
      expect.objectContaining({
        referenceNumber: '003547',
        kinds: ['ACTION_TRIGGERED', 'STATUS_CHANGED'],
        read: true,
        requestId: 'delivery-2',
      }),
    ]);
  });

  it('applies a hint past the bound without its read, under its own delivery’s id', () => {
    const { queue: hints, runs } = queue(1);
    hints.add('000001', 'UPDATED', 'delivery-1');
    hints.add('000002', 'UPDATED', 'delivery-2');
    expect(hints.add('000003', 'UPDATED', 'delivery-3')).toBe('delivery-3');
    expect(runs.map(({ referenceNumber, read, requestId }) => [referenceNumber, read, requestId])).toEqual([
      ['000001', true, 'delivery-1'],
      ['000003', false, 'delivery-3'],
    ]);
  });
});
