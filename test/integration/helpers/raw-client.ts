import net from 'node:net';

export interface RawExchange {
  /** Everything the server wrote before it closed the connection. */
  received: string;
  /** From the first byte sent to the close. */
  elapsedMs: number;
}

/**
 * A client on a raw socket: `script` writes to it as it likes (slowly, never finishing, not
 * HTTP at all), and the exchange ends when the server closes the connection, or fails after
 * `giveUpMs`.
 */
export function rawClient(port: number, script: (socket: net.Socket) => void, giveUpMs: number): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const started = Date.now();
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server still held the connection after ${giveUpMs} ms; it sent ${JSON.stringify(received)}`));
    }, giveUpMs);
    socket.on('connect', () => script(socket));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    // A write after the server hung up; the close below reports the outcome.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ received, elapsedMs: Date.now() - started });
    });
  });
}

/** Writes `text` one character every `everyMs` for as long as the socket is open, then stops. */
export function drip(socket: net.Socket, text: string, everyMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || at >= text.length) {
      clearInterval(timer);
      return;
    }
    socket.write(text[at]!);
    at += 1;
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}
