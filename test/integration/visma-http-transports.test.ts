/**
 * The client's HTTP transports (src/visma/http.ts) against a real node:http server on loopback:
 * each must give sendAttempt the same answer and the same failure reasons, so the retry policy
 * and the write outcome do not depend on which library sends.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  AttemptFailure,
  HTTP_TRANSPORTS,
  createHttpTransport,
  sendAttempt,
  type BodyLimits,
  type BodySink,
  type PooledFetch,
} from '../../src/visma/http';
import { JsonArraySplitter } from '../../src/visma/json-array';
import { realTimer, WeightedSemaphore } from '../../src/visma/resilience/weighted-semaphore';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface Upstream {
  url: string;
  paths: string[];
  openSockets: Set<Socket>;
  /** Connections accepted so far. */
  opened(): number;
  close(): Promise<void>;
}

async function upstream(handler: Handler): Promise<Upstream> {
  const paths: string[] = [];
  const openSockets = new Set<Socket>();
  let opened = 0;
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  server.on('connection', (socket: Socket) => {
    opened += 1;
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    openSockets,
    opened: () => opened,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function bodyLimits(maxBytes = 1_048_576, inFlightBytes = 4 * 1_048_576): BodyLimits {
  return {
    maxBytes,
    inFlight: new WeightedSemaphore({ capacity: inFlightBytes, what: 'room for bodies', now: Date.now, setTimer: realTimer }),
  };
}

function limits(timeoutMs = 5_000, bodies: BodyLimits = bodyLimits()) {
  return {
    attemptEndsAt: Date.now() + timeoutMs,
    deadline: Date.now() + 60_000,
    callerSignal: undefined,
    closeSignal: new AbortController().signal,
    now: Date.now,
    bodies,
  };
}

async function failure(promise: Promise<unknown>): Promise<AttemptFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AttemptFailure) return error;
    throw error;
  }
  throw new Error('expected the attempt to fail, but it was answered');
}

describe.each(HTTP_TRANSPORTS)('the %s transport', (transport) => {
  let server: Upstream | undefined;
  let pooled: PooledFetch;

  beforeEach(() => {
    pooled = createHttpTransport(transport, 4);
  });

  afterEach(async () => {
    pooled.close();
    await server?.close();
    server = undefined;
  });

  it('gives the status, the whole UTF-8 body, and headers by any case of their name', async () => {
    server = await upstream((req, res) => {
      res.setHeader('X-RateLimit-Remaining', '41');
      res.setHeader('Vary', ['Accept', 'Authorization']);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, name: 'Bjørn Ærø' }));
    });

    const response = await sendAttempt(
      pooled.fetch,
      { method: 'GET', url: `${server.url}/v1/x`, headers: { Authorization: 'Bearer t' } },
      limits(),
    );

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ method: 'GET', auth: 'Bearer t', name: 'Bjørn Ærø' });
    expect(response.headers.get('x-ratelimit-remaining')).toBe('41');
    expect(response.headers.get('X-RateLimit-Remaining')).toBe('41');
    expect(response.headers.get('vary')).toBe('Accept, Authorization');
    expect(response.headers.get('etag')).toBeNull();
  });

  it('sends a JSON body with its method', async () => {
    const received: string[] = [];
    server = await upstream((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        received.push(`${req.method} ${req.headers['content-type']} ${body}`);
        res.writeHead(201, { location: '/v1/customerinvoice/000123' }).end();
      });
    });

    const response = await sendAttempt(
      pooled.fetch,
      { method: 'POST', url: `${server.url}/v2/customerinvoice`, headers: { 'Content-Type': 'application/json' }, body: '{"a":"å"}' },
      limits(),
    );

    expect(response).toMatchObject({ status: 201, body: '' });
    expect(response.headers.get('location')).toBe('/v1/customerinvoice/000123');
    expect(received).toEqual(['POST application/json {"a":"å"}']);
  });

  it('answers a redirect as it is, without following it (the bearer token stays with Visma)', async () => {
    server = await upstream((req, res) => {
      if (req.url === '/elsewhere') res.writeHead(200).end('followed');
      else res.writeHead(302, { location: '/elsewhere' }).end();
    });

    const response = await sendAttempt(
      pooled.fetch,
      { method: 'GET', url: `${server.url}/v1/x`, headers: { Authorization: 'Bearer t' } },
      limits(),
    );

    expect(response.status).toBe(302);
    // node-fetch resolves Location against the request URL, undici gives it as sent; the client reads either.
    expect(new URL(response.headers.get('location') ?? '', server.url).pathname).toBe('/elsewhere');
    expect(server.paths).toEqual(['/v1/x']);
  });

  it('reports a refused connection as refused, and not sent', async () => {
    server = await upstream(() => undefined);
    const url = server.url;
    await server.close();
    server = undefined;

    const error = await failure(
      sendAttempt(pooled.fetch, { method: 'POST', url: `${url}/v2/customerinvoice`, headers: {}, body: '{}' }, limits()),
    );

    expect(error).toMatchObject({ reason: 'refused', sent: false, code: 'ECONNREFUSED' });
  });

  it('ends a body that never finishes at the attempt timeout, as sent', async () => {
    server = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"referenceNumber":');
    });

    const error = await failure(sendAttempt(pooled.fetch, { method: 'GET', url: `${server.url}/v1/x`, headers: {} }, limits(200)));

    expect(error).toMatchObject({ reason: 'attempt_timeout', sent: true });
  });

  it('reports a connection dropped before the answer as lost, and sent', async () => {
    server = await upstream((req) => req.socket.destroy());

    const error = await failure(
      sendAttempt(pooled.fetch, { method: 'POST', url: `${server.url}/v2/customerinvoice`, headers: {}, body: '{}' }, limits()),
    );

    expect(error).toMatchObject({ reason: 'lost', sent: true });
  });

  it('keeps connections for the next calls (ten calls in a row open at most two), and close() ends them', async () => {
    server = await upstream((_req, res) => res.writeHead(200).end('{}'));
    const target = { method: 'GET' as const, url: `${server.url}/v1/x`, headers: {} };

    for (let i = 0; i < 10; i += 1) await sendAttempt(pooled.fetch, target, limits());
    expect(server.opened()).toBeGreaterThan(0);
    expect(server.opened()).toBeLessThanOrEqual(2);

    pooled.close();
    const deadline = Date.now() + 2_000;
    while (server.openSockets.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.openSockets.size).toBe(0);
  });

  describe('the answer size bound', () => {
    const KIB = 1024;

    /** An answer of `bytes` bytes, in 16 KiB writes, with or without a Content-Length; how much of it left the server. */
    function answerOf(bytes: number, declare: boolean): { handler: Handler; sent: () => number } {
      let sent = 0;
      const handler: Handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...(declare ? { 'content-length': String(bytes) } : {}) });
        const write = (): void => {
          while (sent < bytes) {
            const size = Math.min(16 * KIB, bytes - sent);
            sent += size;
            if (!res.write('x'.repeat(size))) {
              res.once('drain', write);
              return;
            }
          }
          res.end();
        };
        res.on('close', () => res.removeAllListeners('drain'));
        write();
      };
      return { handler, sent: () => sent };
    }

    it.each([
      ['declares its length', true],
      ['is sent without a length (chunked)', false],
    ])('reads an answer at the bound whole when it %s, and gives its bytes back', async (_how, declare) => {
      const answer = answerOf(256 * KIB, declare);
      server = await upstream(answer.handler);
      const bodies = bodyLimits(256 * KIB, 256 * KIB);

      const response = await sendAttempt(pooled.fetch, { method: 'GET', url: `${server.url}/v1/x`, headers: {} }, limits(5_000, bodies));

      expect(response.body).toHaveLength(256 * KIB);
      expect(bodies.inFlight.used).toBe(0);
    });

    it.each([
      ['refuses an answer whose Content-Length is over the bound without reading its body', true],
      ['cuts off an answer without a length (chunked) where it crosses the bound', false],
    ])('%s', async (_name, declare) => {
      const answer = answerOf(64 * 1024 * KIB, declare);
      server = await upstream(answer.handler);
      const bodies = bodyLimits(256 * KIB);

      const error = await failure(
        sendAttempt(pooled.fetch, { method: 'GET', url: `${server.url}/v1/x`, headers: {} }, limits(5_000, bodies)),
      );

      expect(error).toMatchObject({ reason: 'too_large', sent: true, limitBytes: 256 * KIB });
      expect(bodies.inFlight.used).toBe(0);
      // What the server got out before the connection closed: socket buffers, not the 64 MiB.
      expect(answer.sent()).toBeLessThan(16 * 1024 * KIB);
    });

    it('holds a body back while the bytes in flight are taken, and reads it once they are given back', async () => {
      server = await upstream(answerOf(200 * KIB, true).handler);
      const bodies = bodyLimits(256 * KIB, 256 * KIB);
      const held = bodies.inFlight.tryAcquire(100 * KIB);
      expect(held).not.toBeNull();

      let settled = false;
      const reading = sendAttempt(pooled.fetch, { method: 'GET', url: `${server.url}/v1/x`, headers: {} }, limits(5_000, bodies)).finally(
        () => (settled = true),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(settled).toBe(false);
      expect(bodies.inFlight.waiting).toBe(1);

      held?.();
      expect((await reading).body).toHaveLength(200 * KIB);
      expect(bodies.inFlight.used).toBe(0);
    });

    it('gives a sink’s bytes back as it consumes them, keeping those it holds, so a small answer waiting for room is read while a page still arrives', async () => {
      const elements = Array.from({ length: 20 }, (_, n) => JSON.stringify({ n, pad: 'x'.repeat(1_000) }));
      const page = Buffer.from(`[${elements.join(',')}]`, 'utf8');
      const comma = page.indexOf(',{"n":15,');
      // The server stops nine bytes into the sixteenth element until the small answer has been read.
      const pause = comma + 10;
      let resume = (): void => undefined;
      const resumed = new Promise<void>((resolve) => (resume = resolve));
      server = await upstream((req, res) => {
        if (req.url === '/small') {
          res.writeHead(200, { 'content-length': '2' }).end('{}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(page.length) });
        res.write(page.subarray(0, pause));
        void resumed.then(() => res.end(page.subarray(pause)));
      });
      const bodies = bodyLimits(page.length, page.length);
      const seen: string[] = [];
      const splitter = new JsonArraySplitter((element) => seen.push(element));
      let taken = 0;
      let tookFirstPart = (): void => undefined;
      const firstPart = new Promise<void>((resolve) => (tookFirstPart = resolve));
      const sink: BodySink = {
        write(chunk) {
          splitter.write(chunk);
          taken += chunk.length;
          if (taken === pause) tookFirstPart();
        },
        get held() {
          return splitter.held;
        },
        end: () => ({ value: splitter.end() }),
      };

      const reading = sendAttempt(
        pooled.fetch,
        { method: 'GET', url: `${server.url}/page`, headers: {}, sink: () => sink },
        limits(5_000, bodies),
      );
      await firstPart;
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toHaveLength(15);
      // What may still arrive, and the nine bytes of the element it holds; the page's whole length was taken at first.
      expect(bodies.inFlight.used).toBe(page.length - pause + 9);

      const small = await sendAttempt(pooled.fetch, { method: 'GET', url: `${server.url}/small`, headers: {} }, limits(5_000, bodies));
      expect(small.body).toBe('{}');
      resume();
      expect((await reading).decoded).toBe('array');
      expect(seen.map((element) => JSON.parse(element) as unknown)).toEqual(JSON.parse(page.toString('utf8')));
      expect(bodies.inFlight.used).toBe(0);
    });

    it('gives up waiting for room at the attempt timeout, as an attempt timeout', async () => {
      server = await upstream(answerOf(200 * KIB, true).handler);
      const bodies = bodyLimits(256 * KIB, 256 * KIB);
      const held = bodies.inFlight.tryAcquire(100 * KIB);

      const error = await failure(
        sendAttempt(pooled.fetch, { method: 'GET', url: `${server.url}/v1/x`, headers: {} }, limits(300, bodies)),
      );

      expect(error).toMatchObject({ reason: 'attempt_timeout', sent: true });
      expect(bodies.inFlight.waiting).toBe(0);
      held?.();
      expect(bodies.inFlight.used).toBe(0);
    });

    it('drops a UTF-8 byte order mark, as Response.text() does', async () => {
      server = await upstream((_req, res) => res.writeHead(200).end(Buffer.from('\ufeff{"a":"æ"}', 'utf8')));

      const response = await sendAttempt(pooled.fetch, { method: 'GET', url: `${server.url}/v1/x`, headers: {} }, limits());

      expect(JSON.parse(response.body)).toEqual({ a: 'æ' });
    });
  });
});
