import { Router, type NextFunction, type Request, type Response } from 'express';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The example operations the playground opens with, one tab each, in this order. They are the
 * files in `operations/` (with `<name>.variables.json` beside each), the same documents codegen
 * types for the integration tests, so the examples cannot drift from the schema.
 */
export const EXAMPLE_OPERATIONS = ['list-invoices', 'invoice', 'create-invoice', 'update-invoice-lines'] as const;

/** `operations/` from both `src/server/playground` (tests) and `dist/server/playground` (the build). */
export const OPERATIONS_DIR = path.resolve(__dirname, '..', '..', '..', 'operations');

export interface PlaygroundTab {
  query: string;
  variables: string;
}

/**
 * The files the page loads, all from the gateway's own dependencies. The packages' export maps
 * hide their UMD builds, so each is found from its package.json.
 */
const ASSETS: Readonly<Record<string, { pkg: string; file: string; type: string }>> = {
  'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.production.min.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

/**
 * Starts GraphiQL on the page it is served from: the page's own URL is the GraphQL endpoint, so
 * it works behind a proxy that adds a path prefix. Served as a file rather than inline so the
 * page's Content-Security-Policy can forbid inline scripts.
 */
const BOOTSTRAP = `(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('playground-config').textContent);
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + window.location.pathname });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: config.tabs,
      // GraphiQL 4.1 fills the first tab's editors from these props, not from defaultTabs[0].
      query: config.tabs[0].query,
      variables: config.tabs[0].variables,
      defaultEditorToolsVisibility: 'variables',
      shouldPersistHeaders: false,
    }),
  );
})();
`;

/**
 * Everything the page may load comes from this origin; GraphiQL sets inline styles on its
 * elements (React style attributes) and draws icons as data: URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Reads the example operations and their variables; a missing file fails the start, not a browser. */
export function loadExampleTabs(dir: string = OPERATIONS_DIR): PlaygroundTab[] {
  return EXAMPLE_OPERATIONS.map((name) => {
    const query = readFileSync(path.join(dir, `${name}.graphql`), 'utf8');
    const variables = readFileSync(path.join(dir, `${name}.variables.json`), 'utf8');
    JSON.parse(variables);
    return { query: query.trimEnd(), variables: variables.trimEnd() };
  });
}

export interface PlaygroundOptions {
  /** The GraphQL path, such as `/graphql`: a browser asking for it gets the playground. */
  graphqlPath: string;
  tabs: readonly PlaygroundTab[];
}

/**
 * GraphiQL 4 served entirely by the gateway: the page at the GraphQL path (for browsers: a GET
 * that accepts HTML and carries no `query`), and its scripts and styles under `playground/`
 * beside it. Apollo's own landing page loads from Apollo's CDN and fails offline.
 */
export function playgroundRoutes(options: PlaygroundOptions): Router {
  const router = Router();
  const assetBase = `${path.posix.dirname(options.graphqlPath).replace(/\/$/, '')}/playground/`;
  const page = renderPage(options.tabs);
  const files = new Map(
    Object.entries(ASSETS).map(([name, asset]) => [
      name,
      { path: path.join(path.dirname(require.resolve(`${asset.pkg}/package.json`)), asset.file), type: asset.type },
    ]),
  );

  router.get(options.graphqlPath, (request: Request, response: Response, next: NextFunction) => {
    if (request.query['query'] !== undefined || request.accepts(['application/json', 'text/html']) !== 'text/html') {
      next();
      return;
    }
    response
      .status(200)
      .set({ 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' })
      .type('html')
      .send(page);
  });
  router.get(`${assetBase}playground.js`, (_request: Request, response: Response) => {
    response.status(200).set('x-content-type-options', 'nosniff').type('text/javascript').send(BOOTSTRAP);
  });
  router.get(`${assetBase}:file`, (request: Request, response: Response, next: NextFunction) => {
    const file = files.get(String(request.params['file']));
    if (file === undefined) {
      next();
      return;
    }
    response.set('x-content-type-options', 'nosniff').type(file.type).sendFile(file.path, { maxAge: '1h' });
  });
  return router;
}

function renderPage(tabs: readonly PlaygroundTab[]): string {
  // JSON inside a script element: "<" is escaped so no value can close the element.
  const config = JSON.stringify({ tabs }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Visma invoice gateway · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="playground/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the GraphQL playground…</div>
<script id="playground-config" type="application/json">${config}</script>
<script src="playground/react.production.min.js"></script>
<script src="playground/react-dom.production.min.js"></script>
<script src="playground/graphiql.min.js"></script>
<script src="playground/playground.js"></script>
</body>
</html>
`;
}
