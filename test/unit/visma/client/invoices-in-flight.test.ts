import { VismaNotFoundError, VismaTimeoutError } from '../../../../src/visma/errors';
import {
  FakeClock,
  FakeUpstream,
  caught,
  clientFor,
  deferred,
  invoiceBody,
  ok,
  type RecordedRequest,
  type Reply,
} from '../helpers/fake-upstream';

/** Answers each API request only when the test settles it, so calls can be held in flight. */
function heldUpstream(): { upstream: FakeUpstream; answer: (index: number, reply: Reply) => void } {
  const replies: Array<ReturnType<typeof deferred<Reply>>> = [];
  const slot = (index: number): ReturnType<typeof deferred<Reply>> => (replies[index] ??= deferred<Reply>());
  const upstream = new FakeUpstream((_request: RecordedRequest, index: number) => slot(index).promise);
  return { upstream, answer: (index, reply) => slot(index).settle(reply) };
}

const page = ok([invoiceBody('1'), invoiceBody('2')]);

/** Lets the client's awaits (token, attempt, body, mapping) run to their next wait. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('VismaClient', () => {
  describe('invoices in flight (maxInvoicesInFlight)', () => {
    it('sends a page only once the pages before it are read and mapped, when together they exceed the budget', async () => {
      const { upstream, answer } = heldUpstream();
      const client = clientFor(upstream, new FakeClock(), { maxInvoicesInFlight: 1_500 });

      const first = client.listInvoices({ pageNumber: 1, pageSize: 1_000 });
      const second = client.listInvoices({ pageNumber: 2, pageSize: 1_000 });
      await settle();
      expect(upstream.apiRequests.map((request) => request.target)).toEqual(['/v1/customerinvoice?pageNumber=1&pageSize=1000']);

      answer(0, page);
      await expect(first).resolves.toMatchObject({ invoices: [{ referenceNumber: '1' }, { referenceNumber: '2' }] });
      await settle();
      expect(upstream.apiRequests.map((request) => request.target)).toEqual([
        '/v1/customerinvoice?pageNumber=1&pageSize=1000',
        '/v1/customerinvoice?pageNumber=2&pageSize=1000',
      ]);
      answer(1, page);
      await expect(second).resolves.toMatchObject({ totalCount: 1 });
    });

    it('lets single reads run beside a page while they fit, each weighing one invoice', async () => {
      const { upstream, answer } = heldUpstream();
      const client = clientFor(upstream, new FakeClock(), { maxInvoicesInFlight: 1_002 });

      const list = client.listInvoices({ pageNumber: 1, pageSize: 1_000 });
      const invoice = client.getInvoice('000123');
      const customer = client.getCustomer('10000');
      const third = client.getInvoice('000124');
      await settle();
      expect(upstream.apiRequests.map((request) => request.target)).toEqual([
        '/v1/customerinvoice?pageNumber=1&pageSize=1000',
        '/v1/customerinvoice/000123',
        '/v1/customer/10000',
      ]);

      answer(1, ok());
      await expect(invoice).resolves.toMatchObject({ referenceNumber: '000123' });
      await settle();
      expect(upstream.apiRequests.at(-1)?.target).toBe('/v1/customerinvoice/000124');
      answer(0, page);
      answer(2, { status: 404, body: { message: 'Customer not found' } });
      answer(3, ok(invoiceBody('000124')));
      await Promise.all([list, caught(customer), third]);
    });

    it('runs a page larger than the budget alone', async () => {
      const { upstream, answer } = heldUpstream();
      const client = clientFor(upstream, new FakeClock(), { maxInvoicesInFlight: 500 });

      const single = client.getInvoice('000123');
      const big = client.listInvoices({ pageNumber: 1, pageSize: 1_000 });
      await settle();
      expect(upstream.apiRequests).toHaveLength(1);

      answer(0, ok());
      await single;
      await settle();
      expect(upstream.apiRequests.at(-1)?.target).toBe('/v1/customerinvoice?pageNumber=1&pageSize=1000');
      answer(1, page);
      await expect(big).resolves.toMatchObject({ totalCount: 1 });
    });

    it('gives the weight back when the read fails', async () => {
      const { upstream, answer } = heldUpstream();
      const client = clientFor(upstream, new FakeClock(), { maxInvoicesInFlight: 1_000 });

      const missing = caught(client.listInvoices({ pageNumber: 1, pageSize: 1_000 }));
      const next = client.listInvoices({ pageNumber: 2, pageSize: 1_000 });
      await settle();
      answer(0, { status: 404, body: { message: 'Not found' } });
      expect(await missing).toBeInstanceOf(VismaNotFoundError);
      await settle();
      expect(upstream.apiRequests).toHaveLength(2);
      answer(1, page);
      await expect(next).resolves.toMatchObject({ totalCount: 1 });
    });

    it('stops waiting when the caller aborts, having sent nothing', async () => {
      const { upstream, answer } = heldUpstream();
      const client = clientFor(upstream, new FakeClock(), { maxInvoicesInFlight: 1_000 });
      const controller = new AbortController();

      const first = client.listInvoices({ pageNumber: 1, pageSize: 1_000 });
      const waiting = caught(client.listInvoices({ pageNumber: 2, pageSize: 1_000 }, { signal: controller.signal }));
      await settle();
      controller.abort();

      const error = await waiting;
      expect(error).toBeInstanceOf(VismaTimeoutError);
      expect(error).toMatchObject({ outcome: 'not_applied' });
      expect(error.message).toBe(
        'GET /v1/customerinvoice was aborted by the caller while waiting for room among 1000 invoices in flight from Visma',
      );
      answer(0, page);
      await first;
      expect(upstream.apiRequests).toHaveLength(1);
    });

    it('stops waiting at the call deadline, having sent nothing', async () => {
      const { upstream, answer } = heldUpstream();
      const clock = new FakeClock(Date.now());
      const client = clientFor(upstream, clock, { maxInvoicesInFlight: 1_000 });

      const first = client.listInvoices({ pageNumber: 1, pageSize: 1_000 });
      const error = await caught(client.listInvoices({ pageNumber: 2, pageSize: 1_000 }, { deadline: clock.now() + 20 }));

      expect(error).toBeInstanceOf(VismaTimeoutError);
      expect(error.message).toBe('GET /v1/customerinvoice ran out of time while waiting for room among 1000 invoices in flight from Visma');
      answer(0, page);
      await first;
      expect(upstream.apiRequests).toHaveLength(1);
    });
  });
});
