import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type * as GraphqlJit from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

export interface JitExecutorOptions {
  /** Compiled operations kept; the least recently compiled goes first. Defaults to 1_000. */
  maxCompiled?: number;
  /**
   * Load graphql-jit only after the first operation has been answered (graphql-js runs until
   * then): loading it costs about 45 ms, which the cold start to a first answer would otherwise
   * pay. Defaults to true; false loads it before the first operation.
   */
  deferLoad?: boolean;
}

type Jit = typeof GraphqlJit;

/**
 * Serves a fixed schema to Apollo through its gateway hook, the one place Apollo Server 5 lets
 * another executor run a validated operation: graphql-jit compiles each operation once into
 * plain JavaScript and runs that instead of graphql-js's interpreter (measured: bench/README.md,
 * "Levers"). Parsing, validation, plugins, formatError and the HTTP layer stay Apollo's.
 *
 * Apollo has already parsed and validated the document and caches it by its hash, so the
 * compiled form is cached by the same hash and operation name. An operation graphql-jit cannot
 * compile runs on graphql-js, as it did before.
 */
export function jitGateway(schema: GraphQLSchema, options: JitExecutorOptions = {}): Gateway {
  const executor = jitExecutor(schema, options);
  return {
    onSchemaLoadOrUpdate(callback) {
      // The schema never changes, so Apollo hears of it once, before load() as it expects.
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: () => Promise.resolve({ executor }),
    stop: () => Promise.resolve(),
  };
}

function jitExecutor(schema: GraphQLSchema, options: JitExecutorOptions): Executor {
  const maxCompiled = options.maxCompiled ?? 1_000;
  const compiled = new Map<string, GraphqlJit.CompiledQuery | null>();
  let jit: Jit | undefined;
  let loading: Promise<void> | undefined;
  const load = (): Promise<void> => {
    // Should it ever fail to load, graphql-js simply goes on answering.
    loading ??= import('graphql-jit').then(
      (module) => {
        jit = module;
      },
      () => undefined,
    );
    return loading;
  };
  return async (request) => {
    if (jit === undefined && options.deferLoad === false) {
      await load();
    }
    const interpreted = (): Promise<ExecutionResult> | ExecutionResult =>
      execute({
        schema,
        document: request.document,
        contextValue: request.context,
        variableValues: request.request.variables,
        // The name the client sent, as Apollo passes it to graphql-js without this hook.
        operationName: request.request.operationName,
      });
    // No operation resolved (an unknown operationName): graphql-js's error is the answer Apollo expects.
    if (jit === undefined || (request.operation as OperationDefinitionNode | undefined) === undefined) {
      // setImmediate: after this answer has been written, not while its upstream call is awaited.
      const answered = await interpreted();
      if (loading === undefined && jit === undefined) {
        setImmediate(() => void load());
      }
      return answered;
    }
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    // Apollo resolved the operation, so its name (null for a lone anonymous one) selects it alone.
    let query = compiled.get(key);
    if (query === undefined) {
      const result = jit.compileQuery(schema, request.document, request.operationName ?? undefined);
      query = jit.isCompiledQuery(result) ? result : null;
      if (compiled.size >= maxCompiled) {
        compiled.delete(compiled.keys().next().value as string);
      }
      compiled.set(key, query);
    }
    if (query === null) {
      return interpreted();
    }
    const result = await query.query(undefined, request.context, request.request.variables);
    if (!('data' in result)) {
      // Only variables that fail to coerce leave no data, before any resolver ran. graphql-js
      // reports them with the variable's node, which Apollo needs to answer 400 BAD_USER_INPUT.
      return interpreted();
    }
    return result.errors === undefined
      ? result
      : { ...result, errors: result.errors.map((error) => asGraphQLJsError(error, request.document)) };
  };
}

/**
 * graphql-jit's errors are GraphQLErrors by prototype only: no `extensions` object when the cause
 * has none (Apollo's error formatting reads `extensions.code` and would fail), and locations
 * without the source positions Apollo rebuilds them from. They become graphql-js's own, with
 * the same message, path, locations, cause and extensions.
 */
function asGraphQLJsError(error: GraphQLError, document: DocumentNode): GraphQLError {
  const source = document.loc?.source;
  const positions =
    source === undefined || error.locations === undefined ? undefined : error.locations.map((location) => offsetOf(source.body, location));
  return new GraphQLError(error.message, {
    ...(source === undefined ? {} : { source }),
    ...(positions === undefined ? {} : { positions }),
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.originalError == null ? {} : { originalError: error.originalError }),
    ...(error.extensions === undefined ? {} : { extensions: error.extensions }),
  });
}

/** The character offset of a 1-based line and column in `body` (graphql-js's getLocation, reversed). */
function offsetOf(body: string, location: { line: number; column: number }): number {
  const lineBreak = /\r\n|[\n\r]/g;
  let lineStart = 0;
  for (let line = 1; line < location.line; line += 1) {
    const match = lineBreak.exec(body);
    if (match === null) {
      break;
    }
    lineStart = match.index + match[0].length;
  }
  return lineStart + location.column - 1;
}
