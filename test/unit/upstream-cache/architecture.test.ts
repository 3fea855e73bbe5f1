import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsIn(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((match) => match[1] as string);
}

describe('src/upstream-cache', () => {
  const cacheFiles = sourceFiles(join(root, 'src', 'upstream-cache'));

  it.each(cacheFiles.map((file) => [relative(root, file), file]))(
    '%s sits between the Visma client and the server: no graphql, loaders, server or simulator',
    (_name, file) => {
      const offending = importsIn(readFileSync(file, 'utf8')).filter((specifier) =>
        ['graphql', 'simulator', '/loaders', '/server', '/idempotency'].some((part) => specifier.includes(part)),
      );
      expect(offending).toEqual([]);
    },
  );

  it('is not imported by src/visma', () => {
    const offending = sourceFiles(join(root, 'src', 'visma')).filter((file) =>
      importsIn(readFileSync(file, 'utf8')).some((specifier) => specifier.includes('upstream-cache')),
    );
    expect(offending).toEqual([]);
  });
});
