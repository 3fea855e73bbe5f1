import { Kind, isUnionType, type GraphQLFieldResolver, type GraphQLSchema, type ValueNode } from 'graphql';
import { badUserInput, type InputProblem } from '../../graphql/errors';

/**
 * Checks `_entities(representations:)` before @apollo/subgraph resolves them. Its resolver
 * throws a plain Error for a `__typename` the schema lacks (masked as INTERNAL_SERVER_ERROR),
 * and a representation without its key reaches the reference resolver and fails on a non-null
 * field. The router always sends a known type and its key; anyone else reaching `/graphql`
 * (no ROUTER_SECRET) can send anything, so a malformed representation is BAD_USER_INPUT,
 * naming it, and nothing is resolved or sent to Visma. Found by the fuzz test, as was the
 * unhandled rejection below.
 */
export function guardEntityRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()['_entities'];
  const entity = schema.getType('_Entity');
  if (field === undefined || !isUnionType(entity)) {
    return schema;
  }
  const keys = new Map(entity.getTypes().map((type) => [type.name, keyFieldsOf(type.astNode?.directives ?? [])]));
  const resolve: GraphQLFieldResolver<unknown, unknown> | undefined = field.resolve;
  if (resolve === undefined) {
    return schema;
  }
  field.resolve = (source, args: Record<string, unknown>, context, info) => {
    const problems = problemsOf(args['representations'], keys);
    if (problems.length > 0) {
      throw badUserInput(problems);
    }
    // @apollo/subgraph maps all representations in one pass: when a reference resolver throws for
    // one of them, the loads already started for the others are abandoned and reject unhandled.
    // One at a time, each failure stays with its own entry (an error at `_entities.<i>`).
    const representations = args['representations'] as unknown[];
    return representations.map((representation) => {
      try {
        const [entity] = resolve(source, { ...args, representations: [representation] }, context, info) as unknown[];
        return entity;
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the resolver's own error, passed on unchanged
        return Promise.reject(error);
      }
    });
  };
  return schema;
}

function problemsOf(representations: unknown, keys: ReadonlyMap<string, readonly string[]>): InputProblem[] {
  const list = Array.isArray(representations) ? representations : [representations];
  const problems: InputProblem[] = [];
  list.forEach((representation: unknown, index) => {
    const at = `representations[${index}]`;
    if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
      problems.push({ field: at, message: 'must be an object with __typename and the key fields of an entity' });
      return;
    }
    const fields = representation as Record<string, unknown>;
    const typeName = fields['__typename'];
    const keyFields = typeof typeName === 'string' ? keys.get(typeName) : undefined;
    if (typeof typeName !== 'string' || keyFields === undefined) {
      problems.push({ field: `${at}.__typename`, message: `must name an entity of this subgraph (${[...keys.keys()].join(', ')})` });
      return;
    }
    for (const key of keyFields) {
      const value = fields[key];
      if (typeof value !== 'string' && typeof value !== 'number') {
        problems.push({ field: `${at}.${key}`, message: `is the key of ${typeName} and must be given` });
      }
    }
  });
  return problems;
}

/** The field names of each `@key(fields: "a b")` (this subgraph's keys are flat). */
function keyFieldsOf(
  directives: ReadonlyArray<{ name: { value: string }; arguments?: ReadonlyArray<{ name: { value: string }; value: ValueNode }> }>,
): string[] {
  const fields = new Set<string>();
  for (const directive of directives) {
    if (directive.name.value !== 'key') continue;
    const argument = directive.arguments?.find((candidate) => candidate.name.value === 'fields');
    if (argument?.value.kind === Kind.STRING) {
      for (const name of argument.value.value.split(/\s+/).filter((part) => /^\w+$/.test(part))) {
        fields.add(name);
      }
    }
  }
  return [...fields];
}
