import { VismaRateLimitedError, VismaTimeoutError, VismaUnavailableError, type VismaError } from '../../../../src/visma/errors';
import type { AttemptInfo } from '../../../../src/visma/seams';
import { CLIENT_SECRET, FakeClock, FakeUpstream, caught, clientFor, ok, type Reply } from '../helpers/fake-upstream';

const created: Reply = { status: 201, headers: { Location: 'https://visma.test/v1/customerinvoice/000200' } };
const draft = { customerNumber: '10000', lines: [] };

/** Answers each API request with the next reply of the script (the last one repeats). */
function scripted(...replies: Reply[]): FakeUpstream {
  return new FakeUpstream((_request, index) => replies[Math.min(index, replies.length - 1)] as Reply);
}

describe('VismaClient', () => {
  describe('retries', () => {
    it('retries a GET after a 503 and returns the answer that follows', async () => {
      const upstream = scripted({ status: 503 }, ok());

      await expect(clientFor(upstream, new FakeClock()).getInvoice('000123')).resolves.toMatchObject({
        referenceNumber: '000123',
      });
      expect(upstream.apiRequests).toHaveLength(2);
    });

    it.each([408, 429, 500, 502, 503, 504])('retries a GET after a %i', async (status) => {
      const upstream = scripted({ status }, ok());

      await clientFor(upstream, new FakeClock()).getInvoice('000123');

      expect(upstream.apiRequests).toHaveLength(2);
    });

    it.each([400, 403, 404, 409, 412, 501])('does not retry a GET after a %i', async (status) => {
      const upstream = scripted({ status }, ok());

      await caught(clientFor(upstream, new FakeClock()).getInvoice('000123'));

      expect(upstream.apiRequests).toHaveLength(1);
    });

    it.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE'])('retries a GET after a connection error (%s)', async (code) => {
      const upstream = scripted({ fail: code }, ok());

      await clientFor(upstream, new FakeClock()).getInvoice('000123');

      expect(upstream.apiRequests).toHaveLength(2);
    });

    it('retries a GET after an attempt timed out', async () => {
      const upstream = scripted('hang', ok());

      await clientFor(upstream, new FakeClock(), { attemptTimeoutMs: 5 }).getInvoice('000123');

      expect(upstream.apiRequests).toHaveLength(2);
    });

    it('stops after three attempts and reports the last failure', async () => {
      const upstream = scripted({ status: 503 });

      const error = await caught(clientFor(upstream, new FakeClock()).getInvoice('000123'));

      expect(error).toBeInstanceOf(VismaUnavailableError);
      expect((error as VismaError).status).toBe(503);
      expect(upstream.apiRequests).toHaveLength(3);
    });

    it('honours maxAttempts', async () => {
      const upstream = scripted({ status: 503 });

      await caught(clientFor(upstream, new FakeClock(), { maxAttempts: 1 }).getInvoice('000123'));

      expect(upstream.apiRequests).toHaveLength(1);
    });

    it('waits with full jitter: a random share of an exponentially growing window', async () => {
      const clock = new FakeClock();
      const randoms = [0.5, 0.25];
      const upstream = scripted({ status: 503 });

      await caught(
        clientFor(upstream, clock, {
          retryBaseDelayMs: 200,
          retryMaxDelayMs: 5_000,
          random: () => randoms.shift() ?? 0,
        }).getInvoice('000123'),
      );

      // Retry 1: 0.5 of a 200 ms window; retry 2: 0.25 of a 400 ms window.
      expect(clock.sleeps).toEqual([100, 100]);
    });

    it('keeps every jittered wait within the capped window', async () => {
      const clock = new FakeClock();
      const upstream = scripted({ status: 503 });

      await caught(
        clientFor(upstream, clock, {
          maxAttempts: 6,
          retryBaseDelayMs: 300,
          retryMaxDelayMs: 1_000,
          random: () => 0.999_999,
          deadlineMs: 600_000,
        }).getInvoice('000123'),
      );

      expect(clock.sleeps).toEqual([299, 599, 999, 999, 999]);
    });

    it('waits as long as Retry-After says when that fits the deadline', async () => {
      const clock = new FakeClock();
      const upstream = scripted({ status: 429, headers: { 'Retry-After': '2' } }, ok());

      await clientFor(upstream, clock).getInvoice('000123');

      expect(clock.sleeps).toEqual([2_000]);
      expect(upstream.apiRequests).toHaveLength(2);
    });

    it('gives up at once with the wait Visma asked for when Retry-After does not fit the deadline', async () => {
      const clock = new FakeClock();
      const upstream = scripted({ status: 429, headers: { 'Retry-After': '3600' } }, ok());

      const error = await caught(clientFor(upstream, clock).getInvoice('000123'));

      expect(error).toBeInstanceOf(VismaRateLimitedError);
      expect((error as VismaRateLimitedError).retryAfterSeconds).toBe(3600);
      expect(clock.sleeps).toEqual([]);
      expect(upstream.apiRequests).toHaveLength(1);
    });

    it("does not start a retry whose wait would pass the caller's deadline", async () => {
      const clock = new FakeClock();
      const upstream = scripted({ status: 503 }, ok());

      await caught(clientFor(upstream, clock, { random: () => 0.9 }).getInvoice('000123', { deadline: clock.time + 100 }));

      expect(clock.sleeps).toEqual([]);
      expect(upstream.apiRequests).toHaveLength(1);
    });

    it("waits past the default budget when the caller's own deadline allows it", async () => {
      const clock = new FakeClock();
      const upstream = scripted({ status: 429, headers: { 'Retry-After': '30' } }, ok());

      await clientFor(upstream, clock, { deadlineMs: 1_000 }).getInvoice('000123', { deadline: clock.time + 60_000 });

      expect(clock.sleeps).toEqual([30_000]);
    });

    it('logs each retry with the operation and never a credential', async () => {
      const lines: unknown[] = [];
      const logger = { debug: (...args: unknown[]) => void lines.push(args), warn: (...args: unknown[]) => void lines.push(args) };
      const upstream = scripted({ status: 503 }, ok());

      await clientFor(upstream, new FakeClock(), { logger }).getInvoice('000123');

      const text = JSON.stringify(lines);
      expect(text).toContain('visma retry');
      expect(text).toContain('GET /v1/customerinvoice/000123');
      expect(text).not.toContain('token-1');
      expect(text).not.toContain(CLIENT_SECRET);
    });

    it('treats a deadline weeks away as a deadline, not as an overflowing timer', async () => {
      const clock = new FakeClock();
      // A token answer that takes a few real milliseconds, during which an overflowed timer would fire.
      const upstream: FakeUpstream = new FakeUpstream(
        () => ok(),
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return upstream.issueToken(3600);
        },
      );

      await expect(clientFor(upstream, clock).getInvoice('000123', { deadline: clock.time + 40 * 24 * 3600_000 })).resolves.toMatchObject({
        referenceNumber: '000123',
      });
    });

    it('fails without sending when the deadline has already passed', async () => {
      const clock = new FakeClock();
      const upstream = scripted(ok());

      const error = await caught(clientFor(upstream, clock).getInvoice('000123', { deadline: clock.time - 1 }));

      expect(error).toBeInstanceOf(VismaTimeoutError);
      expect(upstream.apiRequests).toHaveLength(0);
    });

    it("stops when the caller's signal aborts", async () => {
      const upstream = scripted('hang');
      const controller = new AbortController();

      const call = clientFor(upstream, new FakeClock()).getInvoice('000123', { signal: controller.signal });
      setImmediate(() => controller.abort());
      const error = await caught(call);

      expect(error).toBeInstanceOf(VismaTimeoutError);
      expect(error.message).toContain('aborted by the caller');
      expect(upstream.apiRequests).toHaveLength(1);
    });

    it('does not retry a POST after a 503', async () => {
      const upstream = scripted({ status: 503 }, created);

      const error = await caught(clientFor(upstream, new FakeClock()).createInvoice(draft));

      expect(error).toBeInstanceOf(VismaUnavailableError);
      expect(upstream.apiRequests).toHaveLength(1);
    });

    it('does not retry a POST after a timeout, and says the outcome is unknown', async () => {
      const upstream = scripted('hang', created);

      const error = (await caught(clientFor(upstream, new FakeClock(), { attemptTimeoutMs: 5 }).createInvoice(draft))) as VismaError;

      expect(error).toBeInstanceOf(VismaTimeoutError);
      expect(error.outcome).toBe('unknown');
      expect(error.requestSent).toBe(true);
      expect(error.message).toContain('may or may not have applied it');
      expect(upstream.apiRequests).toHaveLength(1);
    });

    it('does not retry a POST after a connection reset, and says the outcome is unknown', async () => {
      const upstream = scripted({ fail: 'ECONNRESET' }, created);

      const error = (await caught(clientFor(upstream, new FakeClock()).createInvoice(draft))) as VismaError;

      expect(error).toBeInstanceOf(VismaUnavailableError);
      expect(error.outcome).toBe('unknown');
      expect(upstream.apiRequests).toHaveLength(1);
    });

    it('says a POST that could not connect was not applied', async () => {
      const upstream = scripted({ fail: 'ECONNREFUSED' }, created);

      const error = (await caught(clientFor(upstream, new FakeClock()).createInvoice(draft))) as VismaError;

      expect(error.outcome).toBe('not_applied');
      expect(error.requestSent).toBe(false);
      expect(upstream.apiRequests).toHaveLength(1);
    });

    it.each<[string, Reply]>([
      ['a 503', { status: 503 }],
      ['a timeout', 'hang'],
      ['a connection reset', { fail: 'ECONNRESET' }],
    ])('does not retry a PUT after %s', async (_case, reply) => {
      const upstream = scripted(reply, { status: 204 });

      await caught(
        clientFor(upstream, new FakeClock(), { attemptTimeoutMs: 5 }).updateInvoice('000123', {
          lineChanges: [{ operation: 'Insert', line: { description: 'x' } }],
        }),
      );

      expect(upstream.apiRequests).toHaveLength(1);
    });

    it('does not retry a release after a 503', async () => {
      const upstream = scripted({ status: 503 }, ok({ actionId: 'a', actionResult: 'Done' }));

      await caught(clientFor(upstream, new FakeClock()).releaseInvoice('000123'));

      expect(upstream.apiRequests).toHaveLength(1);
    });
  });

  describe('seams', () => {
    it('runs every attempt through the attempt guard', async () => {
      const seen: AttemptInfo[] = [];
      const upstream = scripted({ status: 503 }, ok());

      await clientFor(upstream, new FakeClock(), {
        attemptGuard: { run: (info, send) => (seen.push(info), send()) },
      }).getInvoice('000123');

      expect(seen).toEqual([
        { operation: 'GET /v1/customerinvoice/000123', method: 'GET', attempt: 1, idempotent: true, deadline: expect.any(Number) },
        { operation: 'GET /v1/customerinvoice/000123', method: 'GET', attempt: 2, idempotent: true, deadline: expect.any(Number) },
      ]);
    });

    it('lets an open circuit refuse an attempt before anything is sent', async () => {
      const upstream = scripted(ok());
      const open = new VismaUnavailableError('circuit open', { outcome: 'not_applied' });

      const error = await caught(
        clientFor(upstream, new FakeClock(), { attemptGuard: { run: () => Promise.reject(open) } }).getInvoice('000123'),
      );

      expect(error).toBe(open);
      expect(upstream.apiRequests).toHaveLength(0);
    });

    it('retries only while the retry budget allows', async () => {
      const upstream = scripted({ status: 503 }, ok());
      const recorded: number[] = [];

      await caught(
        clientFor(upstream, new FakeClock(), {
          retryBudget: { tryAcquireRetry: () => false, recordAttempt: (info) => void recorded.push(info.attempt) },
        }).getInvoice('000123'),
      );

      expect(upstream.apiRequests).toHaveLength(1);
      expect(recorded).toEqual([1]);
    });
  });

  describe('close', () => {
    it('aborts a running call and refuses new ones', async () => {
      const upstream = scripted('hang');
      const client = clientFor(upstream, new FakeClock());

      const running = client.getInvoice('000123');
      setImmediate(() => client.close());
      const error = (await caught(running)) as VismaError;
      const later = (await caught(client.getInvoice('000124'))) as VismaError;

      expect(error).toBeInstanceOf(VismaUnavailableError);
      expect(later).toBeInstanceOf(VismaUnavailableError);
      expect(later.outcome).toBe('not_applied');
      expect(upstream.apiRequests).toHaveLength(1);
    });
  });
});
