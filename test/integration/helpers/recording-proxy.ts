import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query. */
  target: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * A real HTTP hop between the gateway and the simulator that writes down each request's method,
 * target and headers and passes it on unchanged: how a test sees what the gateway sends to Visma
 * (the simulator itself ignores headers it does not need, such as `traceparent`).
 */
export class RecordingProxy {
  readonly requests: ProxiedRequest[] = [];
  private readonly server: http.Server;
  url = '';

  private constructor(upstream: string) {
    const target = new URL(upstream);
    this.server = http.createServer((request, response) => {
      this.requests.push({ method: request.method ?? '', target: request.url ?? '', headers: request.headers });
      const forwarded = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on('error', () => response.destroy());
      request.pipe(forwarded);
    });
  }

  static async start(upstream: string): Promise<RecordingProxy> {
    const proxy = new RecordingProxy(upstream);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
