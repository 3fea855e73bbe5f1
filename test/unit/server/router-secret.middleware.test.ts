import express from 'express';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { routerSecretMiddleware, type RouterSecretSettings } from '../../../src/server/router-secret.middleware';

const SECRET = 'a-router-secret-of-some-length';

/** An express app with only the middleware in front of a handler that answers 200, on loopback. */
async function serve(settings: RouterSecretSettings): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use((_request, response, next) => {
    response.locals['requestId'] = 'req-1';
    next();
  });
  app.use('/graphql', routerSecretMiddleware(settings), (_request, response) => void response.json({ data: { ok: true } }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('routerSecretMiddleware', () => {
  it('lets everything through when no secret is configured', async () => {
    const server = await serve({ routerSecret: null, routerSecretHeader: 'x-router-secret' });
    try {
      expect((await fetch(server.url)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  describe('with a secret', () => {
    let server: { url: string; close: () => Promise<void> };

    beforeAll(async () => {
      server = await serve({ routerSecret: SECRET, routerSecretHeader: 'x-gateway-secret' });
    });

    afterAll(() => server.close());

    it('passes a request carrying the secret in the configured header, whatever its case', async () => {
      expect((await fetch(server.url, { headers: { 'X-Gateway-Secret': SECRET } })).status).toBe(200);
    });

    it.each([
      ['no header', {}],
      ['an empty value', { 'x-gateway-secret': '' }],
      ['a prefix of the secret', { 'x-gateway-secret': SECRET.slice(0, -1) }],
      ['the secret with more after it', { 'x-gateway-secret': `${SECRET}!` }],
      ['the secret in the default header name instead', { 'x-router-secret': SECRET }],
    ])(
      'refuses %s with 401 UNAUTHENTICATED and the request id, never echoing the secret',
      async (_case, headers: Record<string, string>) => {
        const response = await fetch(server.url, { headers });
        const text = await response.text();
        expect(response.status).toBe(401);
        expect(JSON.parse(text)).toEqual({
          errors: [
            {
              message: expect.stringContaining('router secret header is missing or wrong'),
              extensions: { code: 'UNAUTHENTICATED', requestId: 'req-1' },
            },
          ],
        });
        expect(text).not.toContain(SECRET);
      },
    );
  });
});
