import { readdirSync } from 'node:fs';
import { EXAMPLE_OPERATIONS, OPERATIONS_DIR, loadExampleTabs } from '../../src/server/playground/playground';
import { OpsGateway } from './helpers/ops-gateway';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the playground', () => {
  describe('when PLAYGROUND is on', () => {
    let gateway: OpsGateway;
    beforeAll(async () => {
      gateway = await OpsGateway.start({ env: { PLAYGROUND: 'true' } });
    });
    afterAll(() => gateway.stop());

    it('serves GraphiQL to a browser opening the GraphQL URL, loading only files beside it', async () => {
      const response = await fetch(gateway.url, { headers: BROWSER });
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
      expect(sources).toEqual([
        'data:,',
        'playground/graphiql.min.css',
        'playground/react.production.min.js',
        'playground/react-dom.production.min.js',
        'playground/graphiql.min.js',
        'playground/playground.js',
      ]);
      expect(html).not.toMatch(/https?:\/\//);
    });

    it.each([
      ['graphiql.min.css', 'text/css'],
      ['react.production.min.js', 'text/javascript'],
      ['react-dom.production.min.js', 'text/javascript'],
      ['graphiql.min.js', 'text/javascript'],
      ['playground.js', 'text/javascript'],
    ])('serves %s from its own dependencies', async (file, type) => {
      const response = await fetch(new URL(`playground/${file}`, gateway.url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(200);
    });

    it('answers 404 for any other file under playground/', async () => {
      expect((await fetch(new URL('playground/package.json', gateway.url))).status).toBe(404);
      expect((await fetch(new URL('playground/..%2Fpackage.json', gateway.url))).status).toBe(404);
    });

    it('opens with the example operations and their variables, the list first', async () => {
      const html = await (await fetch(gateway.url, { headers: BROWSER })).text();
      const config = /<script id="playground-config" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
      const tabs = (JSON.parse(config ?? 'null') as { tabs: Array<{ query: string; variables: string }> }).tabs;
      expect(tabs.map((tab) => /^(query|mutation) (\w+)/m.exec(tab.query)?.[2])).toEqual([
        'ListInvoices',
        'Invoice',
        'CreateInvoice',
        'UpdateInvoiceLines',
      ]);
      expect(JSON.parse(tabs[0]?.variables ?? '')).toEqual({ first: 5, filter: { status: 'OPEN' } });
    });

    it('still answers GraphQL GET requests and JSON clients at the same URL', async () => {
      const url = new URL(gateway.url);
      url.searchParams.set('query', '{ customerInvoices(first: 1) { totalCount } }');
      const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
      expect(response.status).toBe(200);
      expect(
        ((await response.json()) as { data: { customerInvoices: { totalCount: number } } }).data.customerInvoices.totalCount,
      ).toBeGreaterThan(0);
    });
  });

  describe('when PLAYGROUND is off', () => {
    it('gives a browser the short note instead', async () => {
      const gateway = await OpsGateway.start({ env: { PLAYGROUND: 'false' } });
      try {
        const html = await (await fetch(gateway.url, { headers: BROWSER })).text();
        expect(html).toContain('This is the GraphQL endpoint');
        expect(html).not.toContain('graphiql');
        expect((await fetch(new URL('playground/graphiql.min.js', gateway.url))).status).toBe(404);
      } finally {
        await gateway.stop();
      }
    });
  });
});

describe('loadExampleTabs', () => {
  it('covers every operation in operations/, each with its variables', () => {
    // Beside them, the trusted documents manifest built from them (npm run trusted-documents), which is no operation.
    const files = readdirSync(OPERATIONS_DIR)
      .filter((file) => file !== 'trusted-documents.json')
      .sort();
    expect(files).toEqual(EXAMPLE_OPERATIONS.flatMap((name) => [`${name}.graphql`, `${name}.variables.json`]).sort());
    expect(loadExampleTabs()).toHaveLength(EXAMPLE_OPERATIONS.length);
  });
});
