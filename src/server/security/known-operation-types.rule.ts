import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';

/**
 * Refuses an operation whose root type the schema lacks (a schema built without one of them).
 * graphql-js 16 lets such a document through validation and fails at execution with a plain
 * error, which the gateway would mask as INTERNAL_SERVER_ERROR; graphql-js 17 adds this very
 * check as `KnownOperationTypesRule`. Here it is a validation error (GRAPHQL_VALIDATION_FAILED).
 */
export function knownOperationTypesRule(context: ValidationContext): ASTVisitor {
  const schema = context.getSchema();
  return {
    OperationDefinition(node) {
      if (schema.getRootType(node.operation) === undefined) {
        context.reportError(
          new GraphQLError(`This schema has no ${node.operation} type: the gateway serves queries, mutations and subscriptions.`, {
            nodes: node,
          }),
        );
      }
    },
  };
}
