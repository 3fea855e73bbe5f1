import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Data flows one way: src/graphql → src/invoices → src/upstream-cache → src/visma (→ HTTP).
 * This reads the import statements of every file under src/ and fails on one against the flow.
 *
 * Decisions the rules encode:
 * - src/graphql reaches Visma only through the invoices service. It may import the service's
 *   index (never its loaders or paging), and from src/visma only `model.ts` (the domain types
 *   its resolvers render) and `errors.ts` (the classes `graphql/errors.ts` maps to codes).
 * - src/invoices talks to the `VismaApi` it is given (in production the upstream cache); it
 *   never builds or names a client or the cache, and knows nothing of GraphQL or HTTP serving.
 *   A dry run describes a write with the client's own request builders (`visma/requests.ts`).
 *   src/idempotency sits beside the cache: a helper the service calls.
 * - The composition root, the server and src/scale may import what they wire.
 * - src/visma traces through OpenTelemetry's API alone; the SDK and the exporter are the
 *   application's, built by src/tracing.ts only when tracing is on.
 */

const SRC = path.join(__dirname, '..', '..', 'src');

/** A module under src/, as its path without the extension (`visma/model`, `invoices/index`, `config`). */
type Target = { local: true; module: string } | { local: false; module: string };

interface Import {
  /** The importing file, relative to src/. */
  file: string;
  specifier: string;
  target: Target;
}

interface Rule {
  name: string;
  /** Whether the rule governs a file (relative to src/). */
  governs(file: string): boolean;
  /** True when importing this target breaks the rule. */
  breaks(target: Target): boolean;
}

/** GraphQL and its servers: the layers below src/graphql import none of them. */
const GRAPHQL_PACKAGES = /^(graphql|type-graphql|graphql-[\w-]+|@apollo\/[\w-]+|@graphql-tools\/[\w-]+|@as-integrations\/[\w-]+)(\/|$)/;

function layerOf(module: string): string {
  const [first = module] = module.split('/');
  return first;
}

function isGraphqlPackage(target: Target): boolean {
  return !target.local && GRAPHQL_PACKAGES.test(target.module);
}

function localOutside(target: Target, allowed: readonly string[]): boolean {
  return target.local && !allowed.some((prefix) => target.module === prefix || target.module.startsWith(`${prefix}/`));
}

const RULES: readonly Rule[] = [
  {
    name: 'src/visma is the bottom layer: it imports nothing else under src/, and no GraphQL package',
    governs: (file) => layerOf(file) === 'visma',
    breaks: (target) => localOutside(target, ['visma']) || isGraphqlPackage(target),
  },
  {
    name: "src/visma uses OpenTelemetry's API alone, never its SDK or an exporter",
    governs: (file) => layerOf(file) === 'visma',
    breaks: (target) => !target.local && target.module.startsWith('@opentelemetry/') && target.module !== '@opentelemetry/api',
  },
  {
    name: 'src/upstream-cache sits on src/visma alone (and the shared stable-json), and imports no GraphQL package',
    governs: (file) => layerOf(file) === 'upstream-cache',
    breaks: (target) => localOutside(target, ['upstream-cache', 'visma', 'stable-json']) || isGraphqlPackage(target),
  },
  {
    name: "src/invoices sits on the VismaApi it is given and src/idempotency: not GraphQL, the server, the cache or the Visma client's internals",
    governs: (file) => layerOf(file) === 'invoices',
    breaks: (target) =>
      // visma/requests: the requests the client sends, built without sending, which a dry run describes (write-plan.ts).
      localOutside(target, ['invoices', 'idempotency', 'visma/api', 'visma/model', 'visma/errors', 'visma/expansion', 'visma/requests']) ||
      isGraphqlPackage(target),
  },
  {
    name: 'src/graphql reaches Visma only through the invoices service (its index), with the domain types and error classes of src/visma',
    governs: (file) => layerOf(file) === 'graphql',
    breaks: (target) => localOutside(target, ['graphql', 'invoices/index', 'visma/model', 'visma/errors']),
  },
  {
    // A tool call is a GraphQL operation: budget, limits and masking hold only if nothing in src/mcp goes around Apollo.
    name: 'src/mcp runs operations through Apollo: it reaches neither the invoices service nor anything below it',
    governs: (file) => layerOf(file) === 'mcp',
    breaks: (target) => target.local && ['invoices', 'upstream-cache', 'visma', 'idempotency', 'scale'].includes(layerOf(target.module)),
  },
  {
    name: 'nothing outside src/simulator imports src/simulator (the gateway forks it by path)',
    governs: (file) => layerOf(file) !== 'simulator',
    breaks: (target) => target.local && layerOf(target.module) === 'simulator',
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier in a text: static and dynamic imports, `import type`, re-exports, require. Comments are skipped. */
function specifiersIn(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...code.matchAll(pattern)].map((match) => match[1] ?? '');
}

/** Where a specifier of `file` (relative to src/) points. */
function targetOf(file: string, specifier: string, exists: (candidate: string) => boolean): Target {
  if (!specifier.startsWith('.')) {
    const parts = specifier.split('/');
    return { local: false, module: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier) };
  }
  const resolved = path.posix.join(path.posix.dirname(file), specifier);
  const module = exists(`${resolved}.ts`) || !exists(`${resolved}/index.ts`) ? resolved : `${resolved}/index`;
  return { local: true, module };
}

function violations(imports: readonly Import[]): string[] {
  return imports.flatMap(({ file, specifier, target }) =>
    RULES.filter((rule) => rule.governs(file) && rule.breaks(target)).map((rule) => `${file} imports '${specifier}': ${rule.name}`),
  );
}

function importsOfSrc(): Import[] {
  const exists = (candidate: string): boolean => existsSync(path.join(SRC, candidate));
  return sourceFiles(SRC).flatMap((full) => {
    const file = path.relative(SRC, full).split(path.sep).join('/');
    return specifiersIn(readFileSync(full, 'utf8')).map((specifier) => ({ file, specifier, target: targetOf(file, specifier, exists) }));
  });
}

describe('the flow graphql → invoices → upstream-cache → visma', () => {
  const imports = importsOfSrc();

  it('reads the imports of every layer it governs', () => {
    const layers = new Set(imports.map((entry) => layerOf(entry.file)));
    for (const layer of ['graphql', 'invoices', 'upstream-cache', 'visma', 'server', 'simulator', 'mcp']) {
      expect(layers).toContain(layer);
    }
  });

  it('resolves every relative import to a file under src/', () => {
    const unresolved = imports.filter(
      ({ target }) => target.local && (target.module.startsWith('..') || !existsSync(path.join(SRC, `${target.module}.ts`))),
    );
    expect(unresolved).toEqual([]);
  });

  it('holds in src/: no import goes against the flow', () => {
    expect(violations(imports)).toEqual([]);
  });
});

describe('the flow check itself', () => {
  const exists = (candidate: string): boolean => ['invoices/index.ts', 'visma/client.ts', 'visma/model.ts'].includes(candidate);
  const check = (file: string, specifier: string): string[] => violations([{ file, specifier, target: targetOf(file, specifier, exists) }]);

  it('recognises every import form, and not an import quoted in a comment', () => {
    const sample = [
      "import x from 'a';",
      'import type { Y } from "b";',
      "const z = require('c');",
      "void import('d');",
      "import 'e';",
      "export { F } from 'f';",
      "// import g from 'g';",
      "/* import h from 'h'; */",
    ].join('\n');
    expect(specifiersIn(sample)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('resolves a folder import to its index', () => {
    expect(targetOf('graphql/errors.ts', '../invoices', exists)).toEqual({ local: true, module: 'invoices/index' });
    expect(targetOf('graphql/resolvers/x.ts', '../../visma/model', exists)).toEqual({ local: true, module: 'visma/model' });
    expect(targetOf('visma/client.ts', '@apollo/server/errors', exists)).toEqual({ local: false, module: '@apollo/server' });
  });

  it.each([
    ['visma/client.ts', '../invoices', 'src/visma is the bottom layer'],
    ['visma/mapping/time.ts', 'graphql', 'src/visma is the bottom layer'],
    ['visma/api.ts', '../upstream-cache/caching-visma-api', 'src/visma is the bottom layer'],
    ['visma/tracing.ts', '@opentelemetry/sdk-trace-base', "src/visma uses OpenTelemetry's API alone"],
    ['visma/client.ts', '@opentelemetry/exporter-trace-otlp-http', "src/visma uses OpenTelemetry's API alone"],
    ['upstream-cache/caching-visma-api.ts', '../invoices/invoices-service', 'src/upstream-cache sits on src/visma alone'],
    ['upstream-cache/coalescer.ts', '../idempotency', 'src/upstream-cache sits on src/visma alone'],
    ['invoices/invoices-service.ts', '../graphql/errors', 'src/invoices sits on the VismaApi'],
    ['invoices/invoices-service.ts', '../server/context', 'src/invoices sits on the VismaApi'],
    ['invoices/invoices-service.ts', 'type-graphql', 'src/invoices sits on the VismaApi'],
    ['invoices/invoices-service.ts', '../upstream-cache', 'src/invoices sits on the VismaApi'],
    ['invoices/invoices-service.ts', '../visma/client', 'src/invoices sits on the VismaApi'],
    ['graphql/resolvers/x.resolver.ts', '../../visma/client', 'src/graphql reaches Visma only'],
    ['graphql/resolvers/x.resolver.ts', '../../upstream-cache', 'src/graphql reaches Visma only'],
    ['graphql/resolvers/x.resolver.ts', '../../invoices/invoice-loader', 'src/graphql reaches Visma only'],
    ['graphql/errors.ts', '../idempotency/idempotent-create', 'src/graphql reaches Visma only'],
    ['graphql/context.ts', '../server/context', 'src/graphql reaches Visma only'],
    ['mcp/mcp-endpoint.ts', '../invoices', 'src/mcp runs operations through Apollo'],
    ['mcp/tools.ts', '../visma/client', 'src/mcp runs operations through Apollo'],
    ['server/create-server.ts', '../simulator/server', 'nothing outside src/simulator imports src/simulator'],
    ['main.ts', './simulator', 'nothing outside src/simulator imports src/simulator'],
  ])('refuses %s importing %s', (file, specifier, rule) => {
    expect(check(file, specifier)).toEqual([expect.stringContaining(rule)]);
  });

  it.each([
    ['graphql/errors.ts', '../invoices'],
    ['graphql/errors.ts', '../visma/errors'],
    ['graphql/resolvers/x.resolver.ts', '../../visma/model'],
    ['graphql/resolvers/x.resolver.ts', 'type-graphql'],
    ['invoices/invoices-service.ts', '../visma/api'],
    ['invoices/invoices-service.ts', '../idempotency'],
    ['upstream-cache/caching-visma-api.ts', '../visma/expansion'],
    ['server/context.ts', '../invoices'],
    ['compose.ts', './upstream-cache'],
    ['visma/tracing.ts', '@opentelemetry/api'],
    ['tracing.ts', '@opentelemetry/sdk-trace-base'],
    ['simulator/server.ts', './store'],
    ['mcp/mcp-endpoint.ts', '../graphql/context'],
    ['invoices/write-plan.ts', '../visma/requests'],
  ])('allows %s importing %s', (file, specifier) => {
    expect(check(file, specifier)).toEqual([]);
  });
});
