import NodeModule from 'node:module';
import path from 'node:path';

type Exports = Record<string | symbol, unknown>;

/**
 * type-graphql requires graphql-scalars' index for two scalars it re-exports (`GraphQLTimestamp`,
 * `GraphQLDateTimeISO`), and that index builds all of its sixty-odd scalars: 45–85 ms of a cold
 * start on one core, against 3 ms for the two files. The gateway uses none of them (its Date,
 * DateTime and Decimal are its own), so before type-graphql loads, main.ts puts in Node's module
 * cache, under the index's own path, exports that hold those two from their files and read any
 * other name from the real index, loaded then. Every name answers as before: the two scalars are
 * the very objects the index would give (the index requires the same files). If the package's
 * layout is not the one this expects, or something already loaded it, nothing is changed.
 * bench/README.md (Levers, cold start) has the measurements. main.ts imports this module for that.
 */
function leanGraphqlScalars(): void {
  let index: string;
  let lean: Exports;
  try {
    const typeGraphql = path.dirname(require.resolve('type-graphql'));
    index = require.resolve('graphql-scalars', { paths: [typeGraphql] });
    if (require.cache[index] !== undefined) return;
    const scalars = path.join(path.dirname(index), 'scalars');
    lean = {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file the package's exports map does not name
      GraphQLDateTimeISO: (require(path.join(scalars, 'iso-date', 'DateTimeISO.js')) as Exports)['GraphQLDateTimeISO'],
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file the package's exports map does not name
      GraphQLTimestamp: (require(path.join(scalars, 'Timestamp.js')) as Exports)['GraphQLTimestamp'],
    };
  } catch {
    return;
  }
  if (lean['GraphQLDateTimeISO'] === undefined || lean['GraphQLTimestamp'] === undefined) return;

  let full: Exports | undefined;
  const entry = new NodeModule(index);
  const loadFull = (): Exports => {
    if (full === undefined) {
      // The real index, by its own path, with this entry out of the way while it loads.
      delete require.cache[index];
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the whole package, on first use of another name
        full = require(index) as Exports;
      } finally {
        require.cache[index] = entry;
      }
    }
    return full;
  };
  const isLean = (key: string | symbol): boolean => Object.prototype.hasOwnProperty.call(lean, key);
  entry.filename = index;
  entry.loaded = true;
  entry.exports = new Proxy(lean, {
    get: (target, key) => (isLean(key) ? target[key] : loadFull()[key]),
    has: (_target, key) => isLean(key) || key in loadFull(),
    ownKeys: () => Reflect.ownKeys(loadFull()),
    getOwnPropertyDescriptor: (target, key) => {
      if (isLean(key)) return Reflect.getOwnPropertyDescriptor(target, key);
      const descriptor = Reflect.getOwnPropertyDescriptor(loadFull(), key);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
  });
  require.cache[index] = entry;
}

leanGraphqlScalars();
