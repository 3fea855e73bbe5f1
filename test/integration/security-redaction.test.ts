import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256Hex } from '../../src/server/auth/inbound-auth';
import { DEMO_CLIENT, startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { JwksServer } from './helpers/jwks-server';
import { startGateway, type StartedGateway } from './helpers/start-gateway';

const CLIENT_SECRET = 'cs-7f3a91d2c4e8b6051a9f-client-secret';
const API_KEY = 'ak-0c9e7d5b3a1f2e4d6c8b-api-key';
const ROUTER_SECRET = 'rs-5e2b8c1d9f0a7e3c6b4d-router-secret';

/**
 * Forwards token requests to the simulator and remembers every access token it hands out,
 * so the test knows the gateway's Visma tokens without reaching into either program.
 */
async function startTokenRecorder(target: string): Promise<{ url: string; tokens: string[]; close(): Promise<void> }> {
  const tokens: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void fetch(`${target}/connect/token`, {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
        body: Buffer.concat(chunks),
      }).then(async (upstream) => {
        const text = await upstream.text();
        const token = (JSON.parse(text) as { access_token?: string }).access_token;
        if (token !== undefined) {
          tokens.push(token);
        }
        response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/connect/token`,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('secrets in logs', () => {
  let simulator: RunningSimulator;
  let recorder: Awaited<ReturnType<typeof startTokenRecorder>>;
  let jwks: JwksServer;
  let gateway: StartedGateway;
  let log: string[] = [];
  const responses: string[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({
      port: 0,
      invoiceCount: 20,
      clients: [{ clientId: DEMO_CLIENT.clientId, clientSecret: CLIENT_SECRET, tenantIds: [DEMO_CLIENT.tenantId] }],
    });
    recorder = await startTokenRecorder(simulator.url);
    jwks = await JwksServer.start();
    gateway = await startGateway({
      simulator,
      env: {
        LOG_LEVEL: 'trace',
        VISMA_TOKEN_URL: recorder.url,
        VISMA_CLIENT_SECRET: CLIENT_SECRET,
        AUTH_REQUIRED: 'true',
        AUTH_API_KEY_SHA256: sha256Hex(API_KEY),
        ROUTER_SECRET,
        ...jwks.env(),
      },
    });
    log = gateway.logLines;
  });

  afterAll(async () => {
    await gateway.stop();
    await jwks.close();
    await recorder.close();
    await simulator.close();
  });

  async function post(query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<void> {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-router-secret': ROUTER_SECRET, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    responses.push(await response.text());
  }

  it('never writes the client secret, Visma tokens, JWTs, API keys or the router secret, whatever happens', async () => {
    const jwt = await jwks.sign(Date.now(), { subject: 'redaction-suite' });
    const expiredJwt = await jwks.sign(Date.now() - 7_200_000);
    const withJwt = { authorization: `Bearer ${jwt}` };
    const withKey = { 'x-api-key': API_KEY };
    const list = 'query List($first: Int) { customerInvoices(first: $first) { nodes { referenceNumber customer { name email } } } }';
    const create = 'mutation Create($input: CreateInvoiceInput!) { createInvoice(input: $input) { referenceNumber } }';

    await post(list, { first: 5 }, withJwt);
    await post(list, { first: 5 }, withKey);
    // Visma revokes the token: a 401, a fresh token, the call repeated.
    simulator.controls.revokeTokens();
    await post(list, { first: 3 }, withKey);
    // Upstream failures of every shape, logged as warnings.
    for (const fault of [
      { kind: 'status' as const, status: 500, body: 'plain' as const },
      { kind: 'status' as const, status: 503, body: 'json' as const },
      { kind: 'malformed' as const },
      { kind: 'reset' as const },
      { kind: 'rateLimited' as const, retryAfterSeconds: 120 },
    ]) {
      simulator.controls.addFault({ route: '*', times: 4, ...fault });
      await post(list, { first: 2 }, withJwt);
      simulator.controls.clearFaults();
    }
    // Visma refuses the input (400 with its message), and a wrong customer.
    await post(create, { input: { customerNumber: 'NO-SUCH', lines: [{ description: 'x', quantity: '1', unitPrice: '1' }] } }, withJwt);
    // Refused callers: the secrets appear in the request, and must not in the log.
    await post(list, {}, { authorization: `Bearer ${expiredJwt}` });
    await post(list, {}, { 'x-api-key': `${API_KEY}-wrong`, authorization: `Bearer ${jwt}` });
    await post(list, {}, { authorization: `Basic ${Buffer.from(`${DEMO_CLIENT.clientId}:${CLIENT_SECRET}`).toString('base64')}` });
    // Secrets smuggled into the operation itself.
    await post(`{ ${API_KEY.replace(/-/g, '_')} }`, { secret: CLIENT_SECRET }, withKey);

    const whole = log.join('');
    // The run did log what it should: callers, Visma failures, refusals.
    expect(whole).toContain('"msg":"caller authenticated"');
    expect(whole).toContain('"msg":"Visma call failed"');
    expect(whole).toContain('"msg":"request refused: not authenticated"');
    expect(recorder.tokens.length).toBeGreaterThanOrEqual(2);

    const secrets = {
      clientSecret: CLIENT_SECRET,
      apiKey: API_KEY,
      routerSecret: ROUTER_SECRET,
      jwt,
      jwtSignature: jwt.split('.')[2]!,
      expiredJwt,
      ...Object.fromEntries(recorder.tokens.map((token, index) => [`vismaToken${index}`, token])),
    };
    const leaked = Object.entries(secrets).filter(([, secret]) => whole.includes(secret));
    expect(leaked.map(([name]) => name)).toEqual([]);
    const inResponses = Object.entries(secrets).filter(
      ([name, secret]) => name !== 'clientSecret' && name !== 'apiKey' && responses.join('').includes(secret),
    );
    expect(inResponses.map(([name]) => name)).toEqual([]);
  });
});
