import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, readRepoFile } from './markdown';

const CONTRACT = 'docs/visma-contract.md';
const SEARCHED = ['src', 'test', 'scripts', 'bench', 'docs', 'deploy', 'README.md'];
const SKIPPED = new Set(['node_modules', 'dist', 'results', 'generated', 'artifacts']);
const TEXT_FILE = /\.(ts|js|mjs|md|yaml|yml|graphql)$/;

function filesUnder(path: string): string[] {
  const absolute = join(REPO_ROOT, path);
  if (TEXT_FILE.test(path)) return [path];
  return readdirSync(absolute, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const child = relative(REPO_ROOT, join(absolute, entry.name));
    if (entry.isDirectory()) return filesUnder(child);
    return TEXT_FILE.test(entry.name) ? [child] : [];
  });
}

/** Section numbers the contract's headings define: `## 7.` is 7, `### 8.11` is 8.11. */
function contractSections(): Set<string> {
  const sections = new Set<string>();
  for (const line of readRepoFile(CONTRACT).split('\n')) {
    const heading = /^#{2,3} (\d+(?:\.\d+)?)[. ]/.exec(line);
    if (heading !== null) sections.add(heading[1]!);
  }
  return sections;
}

interface Reference {
  at: string;
  section: string;
}

/**
 * `CONTRACT §4`, `CONTRACT §2, §4`, `CONTRACT §2 and §4` anywhere; in the contract itself and in
 * the simulator's manual, which cites it as `§n`, every bare `§n` that is not an RFC's.
 */
function referencesIn(file: string): Reference[] {
  const references: Reference[] = [];
  const bare = file === CONTRACT || file === 'docs/simulator.md';
  readRepoFile(file)
    .split('\n')
    .forEach((text, index) => {
      const at = `${file}:${index + 1}`;
      for (const match of text.matchAll(/CONTRACT((?:[\s,]*(?:and\s+)?§\s*\d+(?:\.\d+)?)+)/g)) {
        for (const section of match[1]!.matchAll(/§\s*(\d+(?:\.\d+)?)/g)) references.push({ at, section: section[1]! });
      }
      if (!bare) return;
      for (const match of text.matchAll(/(RFC \d+ )?§(\d+(?:\.\d+)?)/g)) {
        if (match[1] === undefined && !text.slice(0, match.index).endsWith('CONTRACT ')) references.push({ at, section: match[2]! });
      }
    });
  return references;
}

describe('CONTRACT § references', () => {
  const sections = contractSections();
  const references = SEARCHED.flatMap(filesUnder).flatMap(referencesIn);

  it('are found in the code and the docs (the scan itself works)', () => {
    expect(references.length).toBeGreaterThan(50);
    expect(['0', '1', '2', '2.1', '2.2', '3', '4', '5', '5.1', '6', '7', '8', '8.1', '8.15', '9'].filter((n) => !sections.has(n))).toEqual(
      [],
    );
  });

  it(`each point to a numbered section of ${CONTRACT}`, () => {
    const dangling = references.filter(({ section }) => !sections.has(section)).map(({ at, section }) => `${at} §${section}`);
    expect(dangling).toEqual([]);
  });
});
