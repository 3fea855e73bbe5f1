import { ErrorCode } from '../../src/graphql/errors';
import { readRepoFile } from './markdown';

describe('docs/api.md', () => {
  const documented = new Set(
    readRepoFile('docs/api.md')
      .split('\n')
      .map((line) => /^\| `([A-Z_]+)` \|/.exec(line)?.[1])
      .filter((code): code is string => code !== undefined),
  );

  it.each(Object.values(ErrorCode))('has a row in the error code table for %s', (code) => {
    expect(documented.has(code)).toBe(true);
  });

  it('documents no code the gateway does not have', () => {
    const known = new Set<string>(Object.values(ErrorCode));
    expect([...documented].filter((code) => !known.has(code))).toEqual([]);
  });
});
