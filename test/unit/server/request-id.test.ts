import type { NextFunction, Request, Response } from 'express';
import { requestIdMiddleware } from '../../../src/server/request-id';
import { isPlainRequestId } from '../../../src/visma/request-id';
import { FakeClock, FakeUpstream, clientFor, ok } from '../visma/helpers/fake-upstream';

/** The id the gateway gives a request that arrived with `offered` as its X-Request-Id. */
function idFor(offered: string): string {
  const locals: Record<string, unknown> = {};
  const request = { get: (name: string) => (name.toLowerCase() === 'x-request-id' ? offered : undefined) } as unknown as Request;
  const response = { locals, setHeader: () => undefined } as unknown as Response;
  const next: NextFunction = () => undefined;
  requestIdMiddleware(request, response, next);
  return locals['requestId'] as string;
}

/** The X-Request-Id the Visma client sends for a call that carries `requestId`. */
async function sentUpstream(requestId: string): Promise<string | undefined> {
  const upstream = new FakeUpstream(() => ok());
  await clientFor(upstream, new FakeClock()).getInvoice('000123', { requestId });
  return upstream.apiRequests[0]?.headers['X-Request-Id'];
}

describe('request ids', () => {
  const cases: Array<[string, string]> = [
    ['a plain id', 'req-7.a_b:c'],
    ['a UUID', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['128 characters', 'a'.repeat(128)],
    ['129 characters', 'a'.repeat(129)],
    ['a space', 'bad id'],
    ['a slash', 'a/b'],
    ['a line break', 'bad\r\nid'],
    ['a quote', 'say"hi"'],
  ];

  it.each(cases)('are judged alike by the gateway and the Visma client: %s', async (_name, id) => {
    const kept = idFor(id) === id;
    expect(kept).toBe(isPlainRequestId(id));
    expect((await sentUpstream(id)) === id).toBe(kept);
  });

  it('gives a request whose offered id is refused a fresh UUID', () => {
    expect(idFor('bad id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
