import net from 'node:net';
import { startGateway, type StartedGateway } from './helpers/start-gateway';

/** What a raw socket receives for `request` before the gateway closes it. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
  });
}

function bodyOf(received: string): unknown {
  const body = received.slice(received.indexOf('\r\n\r\n') + 4);
  return JSON.parse(body || 'null');
}

const REFUSED = { errors: [{ message: expect.any(String), extensions: { code: 'BAD_REQUEST', requestId: expect.any(String) } }] };

describe("requests Node's parser refuses, answered like every other refusal: JSON, a code, the request id", () => {
  let gateway: StartedGateway;

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(() => gateway.stop());

  it('answers headers over 16 kB with 431', async () => {
    const received = await exchange(
      gateway.listening.port,
      `POST /graphql HTTP/1.1\r\nhost: localhost\r\nx-pad: ${'x'.repeat(20_000)}\r\ncontent-length: 2\r\n\r\n{}`,
    );
    expect(received).toMatch(/^HTTP\/1\.1 431 /);
    expect(received).toMatch(/\r\ncontent-type: application\/json/i);
    expect(bodyOf(received)).toEqual(REFUSED);
  });

  it('answers a malformed request line with 400', async () => {
    const received = await exchange(gateway.listening.port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    const body = bodyOf(received) as typeof REFUSED;
    expect(body).toEqual(REFUSED);
    // The id in the body is the one in the header, so a client can quote either.
    expect(received).toContain(`x-request-id: ${body.errors[0]?.extensions.requestId as string}`);
  });
});
