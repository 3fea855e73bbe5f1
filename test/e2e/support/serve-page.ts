import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A page served on an origin of its own; `close` stops its server. */
export interface ServedPage {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * One HTML page on an origin of its own, as a frontend team would host a web app: a node:http server
 * on 127.0.0.1, on another port than the gateway's. `html` writes the page for each request (given
 * its URL, for query parameters); `scripts` serves JavaScript files beside it, by path.
 */
export async function servePage(html: (url: URL) => string, scripts: Record<string, string> = {}): Promise<ServedPage> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://page');
    const script = scripts[url.pathname];
    if (script !== undefined) {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(script);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html(url));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
