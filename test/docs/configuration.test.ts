import { CONFIG_DEFAULTS, CONFIG_VARIABLES } from '../../src/config';
import { readRepoFile } from './markdown';

/** The rows of docs/configuration.md's variable table: name → default cell. */
function documentedVariables(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readRepoFile('docs/configuration.md').split('\n')) {
    const row = /^\| `([A-Z][A-Z0-9_]*)` \| ([^|]*) \|/.exec(line);
    if (row !== null) rows.set(row[1]!, row[2]!.trim());
  }
  return rows;
}

describe('docs/configuration.md', () => {
  const documented = documentedVariables();

  it('has a row for every variable the gateway reads, in the order config.ts lists them', () => {
    expect([...documented.keys()]).toEqual([...CONFIG_VARIABLES]);
  });

  it.each(Object.entries(CONFIG_DEFAULTS))('gives %s the default config.ts applies (%s)', (name, value) => {
    expect(documented.get(name)).toBe(`\`${value}\``);
  });

  it('says "none" or names the mode for every variable without a fixed default', () => {
    const withoutDefault = CONFIG_VARIABLES.filter((name) => !(name in CONFIG_DEFAULTS));
    const cells = withoutDefault.map((name) => documented.get(name));
    expect(
      cells.every((cell) => cell === 'none' || /^`(true|false)` on the embedded simulator, else `(true|false)`$/.test(cell ?? '')),
    ).toBe(true);
  });
});
