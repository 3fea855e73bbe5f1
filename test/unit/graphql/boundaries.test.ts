import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '..', '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((match) => match[1] ?? '');
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  return specifier.startsWith('.') && path.resolve(path.dirname(file), specifier).startsWith(path.join(SRC, folder));
}

describe('module boundaries', () => {
  it.each(['graphql', 'loaders', 'server'])('nothing under src/%s imports the simulator', (folder) => {
    const offending = sourceFiles(path.join(SRC, folder)).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => resolvesInto(file, specifier, 'simulator'))
        .map((specifier) => `${path.relative(SRC, file)} -> ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('src/main.ts does not import the simulator either (it forks it by path)', () => {
    const main = path.join(SRC, 'main.ts');
    expect(importsOf(main).filter((specifier) => resolvesInto(main, specifier, 'simulator'))).toEqual([]);
  });

  it('the loaders do not depend on the GraphQL layer or the server', () => {
    const offending = sourceFiles(path.join(SRC, 'loaders')).flatMap((file) =>
      importsOf(file).filter(
        (specifier) => specifier === 'graphql' || resolvesInto(file, specifier, 'graphql') || resolvesInto(file, specifier, 'server'),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('the GraphQL layer does not depend on the server', () => {
    const offending = sourceFiles(path.join(SRC, 'graphql')).flatMap((file) =>
      importsOf(file).filter((specifier) => resolvesInto(file, specifier, 'server')),
    );
    expect(offending).toEqual([]);
  });
});
