// bench/ is plain CommonJS outside the TypeScript build; its pure parts are checked here.
type Change = { sentAt: number; ackAt: number };
type Answer = { sentAt: number; receivedAt: number; invoices: { referenceNumber: string; invoiceText: string | null }[] };
interface ReplayWorkload {
  analyse(input: { changes: Map<string, Change[]>; seedText: Map<string, string | null>; answers: Answer[] }): {
    answers: number;
    observations: number;
    staleAnswers: number;
    staleInvoices: number;
    maxStalenessMs: number;
    p99StalenessMs: number;
    anomalies: string[];
  };
  operations(input: { count: number; invoices: string[]; customers: string[] }): { ops: { shape: string; body: string }[] };
  marker(version: number): string;
  zipf(n: number, s: number, random: () => number): () => number;
  prng(seed: number): () => number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped CommonJS module: the interface above is its type
const { analyse, operations, marker, zipf, prng } = require('../../bench/replay-workload') as ReplayWorkload;
const invoice = (referenceNumber: string, invoiceText: string | null) => ({ referenceNumber, invoiceText });

describe('the replay analysis', () => {
  const seedText = new Map<string, string | null>([
    ['000001', 'Consulting'],
    ['000002', null],
  ]);
  // 000001 changed to v1 (sent at 100, acknowledged at 102) and v2 (sent at 400, acknowledged at 401).
  const changes = new Map<string, Change[]>([
    [
      '000001',
      [
        { sentAt: 100, ackAt: 102 },
        { sentAt: 400, ackAt: 401 },
      ],
    ],
  ]);

  it('finds no staleness in answers that show the newest acknowledged change', () => {
    const report = analyse({
      changes,
      seedText,
      answers: [
        { sentAt: 50, receivedAt: 60, invoices: [invoice('000001', 'Consulting'), invoice('000002', null)] },
        { sentAt: 200, receivedAt: 210, invoices: [invoice('000001', marker(1))] },
        { sentAt: 500, receivedAt: 510, invoices: [invoice('000001', marker(2))] },
      ],
    });
    expect(report).toMatchObject({ answers: 3, observations: 4, staleAnswers: 0, maxStalenessMs: 0, anomalies: [] });
  });

  it('measures staleness from the first change an answer misses', () => {
    const report = analyse({
      changes,
      seedText,
      answers: [
        { sentAt: 1100, receivedAt: 1110, invoices: [invoice('000001', 'Consulting'), invoice('000002', null)] },
        { sentAt: 900, receivedAt: 910, invoices: [invoice('000001', marker(1))] },
      ],
    });
    expect(report).toMatchObject({ staleAnswers: 2, staleInvoices: 2, maxStalenessMs: 1000 });
  });

  it('does not count a change still unacknowledged when the request left', () => {
    const report = analyse({ changes, seedText, answers: [{ sentAt: 400.5, receivedAt: 420, invoices: [invoice('000001', marker(1))] }] });
    expect(report.staleAnswers).toBe(0);
  });

  it('reports answers that the change history cannot explain', () => {
    const report = analyse({
      changes,
      seedText,
      answers: [
        { sentAt: 50, receivedAt: 60, invoices: [invoice('000001', marker(1))] },
        { sentAt: 50, receivedAt: 60, invoices: [invoice('000002', 'Edited elsewhere')] },
      ],
    });
    expect(report.anomalies).toEqual([
      'invoice 000001 shows version 1 before it was made',
      'invoice 000002 shows "Edited elsewhere", neither its seed text nor a marker',
    ]);
  });
});

describe('the replay workload', () => {
  it('is the same sequence for the same seed, so every target replays the same operations', () => {
    const input = { count: 200, invoices: ['000001', '000002', '000003'], customers: ['10000', '10001'] };
    expect(operations(input).ops).toEqual(operations(input).ops);
  });

  it('draws Zipf ranks: with s = 1 over 500, rank 0 is about 14.7 % of the draws and rank 499 rare', () => {
    const rank = zipf(500, 1, prng(3));
    const counts = new Array<number>(500).fill(0);
    for (let i = 0; i < 100_000; i += 1) {
      const k = rank();
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect((counts[0] ?? 0) / 100_000).toBeCloseTo(1 / 6.7928, 2);
    expect(counts[499]).toBeLessThan(100);
  });
});
