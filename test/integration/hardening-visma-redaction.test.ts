import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_CLIENT, startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { startGateway } from './helpers/start-gateway';

/** One secret for each character that a form, a URL or JSON spells differently, and one with all of them. */
const SECRETS = [
  'cs-4c1e9a+7d2b5f8e0a3c6',
  'cs-4c1e9a/7d2b5f8e0a3c6',
  'cs-4c1e9a=7d2b5f8e0a3c6',
  'cs-4c1e9a&7d2b5f8e0a3c6',
  'cs-4c1e9a%7d2b5f8e0a3c6',
  'cs-4c1e9a 7d2b5f8e0a3c6',
  'cs-+4c/1e=9a&7d%2b 5f8e',
];

const lowerCaseEscapes = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());

/** How Visma Connect (or a proxy in front of it) might quote the token request back in its error. */
interface Echo {
  name: string;
  answer: (form: string) => { status: number; type: string; body: string };
}

const ECHOES: Echo[] = [
  { name: 'the form as it was posted', answer: (form) => ({ status: 400, type: 'text/plain', body: `Bad request: ${form}` }) },
  {
    name: 'the form in an OAuth error',
    answer: (form) => ({
      status: 400,
      type: 'application/json',
      body: JSON.stringify({ error: 'invalid_client', error_description: `client authentication failed for ${form}` }),
    }),
  },
  {
    name: 'the decoded fields',
    answer: (form) => ({
      status: 401,
      type: 'application/json',
      body: JSON.stringify({ error: 'invalid_client', error_description: JSON.stringify(Object.fromEntries(new URLSearchParams(form))) }),
    }),
  },
  { name: 'the form with lower-case escapes', answer: (form) => ({ status: 400, type: 'text/plain', body: lowerCaseEscapes(form) }) },
  {
    name: 'the form as a .NET JSON encoder escapes it',
    answer: (form) => ({
      status: 400,
      type: 'application/json',
      body: `{"message":"${form.replace(/[^a-z0-9_-]/gi, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`)}"}`,
    }),
  },
  {
    name: 'a Basic header made of the credentials',
    answer: (form) => {
      const fields = new URLSearchParams(form);
      const basic = Buffer.from(`${fields.get('client_id')}:${fields.get('client_secret')}`).toString('base64');
      return { status: 400, type: 'text/plain', body: `invalid_client; expected Authorization: Basic ${basic}` };
    },
  },
  {
    name: 'the form cut where the gateway shortens quoted text (300 characters)',
    answer: (form) => {
      const start = form.indexOf('client_secret=') + 'client_secret='.length;
      return { status: 400, type: 'text/plain', body: `${'x'.repeat(Math.max(0, 300 - 6 - start))}${form}` };
    },
  },
  { name: 'the form in a 500', answer: (form) => ({ status: 500, type: 'text/plain', body: `Internal error while handling ${form}` }) },
];

/** A token endpoint that answers every request with the echo the test chose, of the form it was posted. */
async function startEchoingTokenEndpoint(): Promise<{ url: string; forms: string[]; echo: Echo; close(): Promise<void> }> {
  const endpoint = {
    url: '',
    forms: [] as string[],
    echo: ECHOES[0]!,
    close: (): Promise<void> => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = Buffer.concat(chunks).toString();
      endpoint.forms.push(form);
      const { status, type, body } = endpoint.echo.answer(form);
      response.writeHead(status, { 'content-type': type }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/connect/token`;
  return endpoint;
}

/** Every way the secret could be written where the test looks: as it is, form- and percent-encoded in either case, base64. */
function spellingsOf(secret: string): string[] {
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const percent = encodeURIComponent(secret);
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    form,
    lowerCaseEscapes(form),
    percent,
    lowerCaseEscapes(percent),
    form.replace(/\+/g, '%20'),
    Buffer.from(secret).toString('base64'),
    Buffer.from(`${DEMO_CLIENT.clientId}:${secret}`).toString('base64'),
    Buffer.from(`${DEMO_CLIENT.clientId}:${form}`).toString('base64'),
    // The part of the secret the 300-character cut would have kept.
    secret.slice(0, Math.ceil(secret.length / 2)),
    form.slice(0, Math.ceil(form.length / 2)),
  ];
}

describe('the client secret in Visma Connect errors that quote the token request', () => {
  let simulator: RunningSimulator;
  let endpoint: Awaited<ReturnType<typeof startEchoingTokenEndpoint>>;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, invoiceCount: 5 });
    endpoint = await startEchoingTokenEndpoint();
  });

  afterAll(async () => {
    await endpoint.close();
    await simulator.close();
  });

  it.each(SECRETS)('never reaches the log or a response in any spelling: %j', async (secret) => {
    const gateway = await startGateway({
      simulator,
      env: { LOG_LEVEL: 'trace', VISMA_TOKEN_URL: endpoint.url, VISMA_CLIENT_SECRET: secret },
    });
    const responses: string[] = [];
    const codes: unknown[] = [];
    try {
      for (const echo of ECHOES) {
        endpoint.echo = echo;
        const response = await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ customerInvoice(referenceNumber: "000001") { referenceNumber } }' }),
        });
        const text = await response.text();
        responses.push(text);
        codes.push((JSON.parse(text) as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors?.[0]?.extensions?.code);
      }
    } finally {
      await gateway.stop();
    }

    // The gateway really posted this secret, and the echoes of it really reached the log.
    expect(new URLSearchParams(endpoint.forms.at(-1)).get('client_secret')).toBe(secret);
    expect(new Set(codes)).toEqual(new Set(['UNAUTHENTICATED', 'UPSTREAM_UNAVAILABLE']));
    const log = gateway.logLines.join('');
    expect(log).toContain('grant_type=client_credentials');
    expect(log).toContain('client_secret=[redacted]');
    expect(log).toMatch(/Basic \S*\[redacted\]/);

    const where = { log, responses: responses.join('\n') };
    const leaks = Object.entries(where).flatMap(([place, text]) =>
      spellingsOf(secret)
        .filter((spelling) => text.includes(spelling))
        .map((spelling) => `${place}: ${spelling}`),
    );
    expect(leaks).toEqual([]);
  });
});
