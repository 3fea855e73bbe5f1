import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const vismaDir = join(root, 'src', 'visma');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or requires, dynamic imports and `import type` included. */
function importsIn(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((match) => match[1] as string);
}

describe('src/visma', () => {
  const files = sourceFiles(vismaDir);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((file) => [relative(root, file), file]))('%s imports neither graphql nor the simulator', (_name, file) => {
    const offending = importsIn(readFileSync(file, 'utf8')).filter(
      (specifier) =>
        specifier === 'graphql' ||
        specifier.startsWith('graphql/') ||
        specifier.includes('graphql') ||
        specifier.includes('simulator') ||
        specifier.includes('/loaders') ||
        specifier.includes('/server'),
    );
    expect(offending).toEqual([]);
  });

  it('recognises the import forms it checks', () => {
    const sample = "import x from 'a';\nimport type { Y } from \"b\";\nconst z = require('c');\nvoid import('d');\nimport 'e';";
    expect(importsIn(sample)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
