import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { REPO_ROOT, anchorsOf, documentationFiles, linksOf, readRepoFile } from './markdown';

const README_MAX_LINES = 350;

/** A link target with a scheme (`https:`, `file:`, `mailto:` …) or an absolute path leaves the repository. */
function leavesByForm(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/') || target.startsWith('//');
}

describe('the documentation', () => {
  const files = documentationFiles();

  it('has a README under 350 lines, so it stays the front door', () => {
    const lines = readRepoFile('README.md').split('\n').length;
    expect(lines).toBeLessThan(README_MAX_LINES);
  });

  it('starts every manual in docs/ with a title and then one paragraph saying what it is for', () => {
    const malformed = files
      .filter((file) => file.startsWith('docs/'))
      .filter((file) => {
        const blocks = readRepoFile(file)
          .split(/\n\s*\n/)
          .map((block) => block.trim())
          .filter((block) => block !== '');
        const [title, first] = blocks;
        return !/^# \S/.test(title ?? '') || title!.includes('\n') || first === undefined || /^([#|>`-]|\d+\.)/.test(first);
      });
    expect(malformed).toEqual([]);
  });

  describe.each(files)('%s', (file) => {
    const markdown = readRepoFile(file);
    const links = linksOf(markdown);

    it('links only inside the repository (web sources are cited as plain text)', () => {
      const leaving = links
        .filter(({ target }) => {
          if (leavesByForm(target)) return true;
          const path = target.split('#')[0]!;
          if (path === '') return false;
          const resolved = relative(REPO_ROOT, join(REPO_ROOT, dirname(file), decodeURIComponent(path)));
          return resolved === '..' || resolved.startsWith(`..${sep}`);
        })
        .map(({ line, target }) => `${file}:${line} ${target}`);
      expect(leaving).toEqual([]);
    });

    it('names nothing outside the repository: no ../shared, no shared/visma, no path of a machine', () => {
      const outside = markdown
        .split('\n')
        .map((text, index) => ({ line: index + 1, text }))
        .filter(({ text }) => /\.\.\/shared|shared\/visma|\/work\/|\/home\/|\/tmp\/|\/Users\//.test(text))
        .map(({ line, text }) => `${file}:${line} ${text.trim()}`);
      expect(outside).toEqual([]);
    });

    it('has every relative link resolve to a file or folder, and every anchor to a heading', () => {
      const broken = links
        .filter(({ target }) => !leavesByForm(target))
        .filter(({ target }) => {
          const [rawPath, anchor] = target.split('#') as [string, string | undefined];
          const path = rawPath === '' ? file : join(dirname(file), decodeURIComponent(rawPath));
          const absolute = join(REPO_ROOT, path);
          if (!existsSync(absolute)) return true;
          if (anchor === undefined || anchor === '') return false;
          if (!path.endsWith('.md') || statSync(absolute).isDirectory()) return false;
          return !anchorsOf(readRepoFile(path)).has(decodeURIComponent(anchor));
        })
        .map(({ line, target }) => `${file}:${line} ${target}`);
      expect(broken).toEqual([]);
    });
  });
});

describe('the Markdown reader the documentation tests use', () => {
  it('finds links outside code and ignores the ones inside it', () => {
    const markdown = [
      'See [a](docs/a.md#x) and `[b](not-a-link.md)`.',
      '```',
      '[c](in-a-fence.md)',
      '```',
      'And <https://example.com>.',
    ].join('\n');
    expect(linksOf(markdown)).toEqual([
      { line: 1, target: 'docs/a.md#x' },
      { line: 5, target: 'https://example.com' },
    ]);
  });

  it('makes the anchors GitHub makes, repeats numbered', () => {
    const markdown = ['# Tests', '## Controls (`/_simulator/…`: no auth, not counted)', '## Tests', '### 0. Sources'].join('\n');
    expect([...anchorsOf(markdown)]).toEqual(['tests', 'controls-_simulator-no-auth-not-counted', 'tests-1', '0-sources']);
  });
});
