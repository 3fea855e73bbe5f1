import { ApolloServer, type GraphQLResponse } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { jitGateway } from '../../../src/server/jit-executor';

class Refused extends Error {}

const schema = makeExecutableSchema({
  typeDefs: /* GraphQL */ `
    type Line {
      number: Int!
      text: String
    }
    type Invoice {
      number: ID!
      amount: Float
      lines: [Line!]!
      broken: String
      coded: String
    }
    type Query {
      invoice(number: ID!, first: Int!): Invoice
    }
  `,
  resolvers: {
    Query: {
      invoice: (_root: unknown, args: { number: string; first: number }) =>
        args.number === 'none'
          ? null
          : {
              number: args.number,
              amount: 12.5,
              lines: Array.from({ length: args.first }, (_, i) => ({ number: i + 1, text: i === 0 ? null : `line ${i + 1}` })),
            },
    },
    Invoice: {
      broken: () => {
        throw new Refused('not for you');
      },
      coded: () => {
        throw new GraphQLError('no such thing', { extensions: { code: 'NOT_FOUND' } });
      },
    },
  },
});

const QUERY = `query Invoice($n: ID!, $first: Int!) {
  invoice(number: $n, first: $first) { number amount lines { number text } }
}`;
const FAILING = `query Failing($n: ID!) {
  invoice(number: $n, first: 1) {
    number
    broken
    coded
  }
}`;

/** What formatError was handed, beside what it formatted. */
interface Seen {
  formatted: GraphQLFormattedError;
  cause: unknown;
}

async function serverWith(kind: 'graphql-js' | 'jit', seen: Seen[] = [], deferLoad = false): Promise<ApolloServer> {
  const formatError = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    seen.push({ formatted, cause: unwrapResolverError(error) });
    return formatted;
  };
  const server =
    kind === 'jit'
      ? new ApolloServer({ gateway: jitGateway(schema, { deferLoad }), formatError })
      : new ApolloServer({ schema, formatError });
  await server.start();
  return server;
}

function single(response: GraphQLResponse): unknown {
  if (response.body.kind !== 'single') {
    throw new Error('expected a single result');
  }
  return { status: response.http.status, result: response.body.singleResult };
}

describe('jitGateway', () => {
  let reference: ApolloServer;
  let jit: ApolloServer;
  const referenceSeen: Seen[] = [];
  const jitSeen: Seen[] = [];

  beforeAll(async () => {
    reference = await serverWith('graphql-js', referenceSeen);
    jit = await serverWith('jit', jitSeen);
  });

  afterAll(async () => {
    await Promise.all([reference.stop(), jit.stop()]);
  });

  beforeEach(() => {
    referenceSeen.length = 0;
    jitSeen.length = 0;
  });

  it.each<[string, string, Record<string, unknown>, string | undefined]>([
    ['a nested list', QUERY, { n: '7', first: 3 }, undefined],
    ['a null answer', QUERY, { n: 'none', first: 1 }, undefined],
    ['resolver errors, a plain Error and a coded GraphQLError', FAILING, { n: '7' }, undefined],
    ['a missing variable', QUERY, { n: '7' }, undefined],
    ['a variable of the wrong type', QUERY, { n: '7', first: 'three' }, undefined],
    ['the operation the client named', `${QUERY}\nquery Other { __typename }`, { n: '7', first: 1 }, 'Other'],
    ['an operation name the document does not have', QUERY, { n: '7', first: 1 }, 'Missing'],
  ])('answers %s exactly as graphql-js does, status included', async (_name, query, variables, operationName) => {
    for (let run = 0; run < 2; run += 1) {
      const expected = single(await reference.executeOperation({ query, variables, operationName }));
      expect(single(await jit.executeOperation({ query, variables, operationName }))).toEqual(expected);
    }
  });

  it('hands formatError the resolver error itself, with path, locations and extensions', async () => {
    await reference.executeOperation({ query: FAILING, variables: { n: '7' } });
    await jit.executeOperation({ query: FAILING, variables: { n: '7' } });
    expect(jitSeen).toHaveLength(2);
    expect(jitSeen[0]?.cause).toBeInstanceOf(Refused);
    expect(jitSeen[0]?.formatted).toEqual({
      message: 'not for you',
      locations: [{ line: 4, column: 5 }],
      path: ['invoice', 'broken'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(jitSeen[1]?.formatted.extensions?.['code']).toBe('NOT_FOUND');
    expect(jitSeen.map((s) => s.formatted)).toEqual(referenceSeen.map((s) => s.formatted));
  });

  it('answers the first operations on graphql-js while graphql-jit loads, the same answer either way', async () => {
    const deferred = await serverWith('jit', [], true);
    try {
      const expected = single(await reference.executeOperation({ query: QUERY, variables: { n: '3', first: 2 } }));
      expect(single(await deferred.executeOperation({ query: QUERY, variables: { n: '3', first: 2 } }))).toEqual(expected);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(single(await deferred.executeOperation({ query: QUERY, variables: { n: '3', first: 2 } }))).toEqual(expected);
    } finally {
      await deferred.stop();
    }
  });
});
