import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import type { GatewayContext } from '../../graphql/context';
import { ErrorCode } from '../../graphql/errors';
import { OperationEstimates, type OperationEstimate } from './operation-cost';

/** What one operation may cost (docs/security.md, "Operation budget"); each is a setting. */
export interface OperationBudget {
  /** MAX_OPERATION_COST: values in the response, lists counted at their size. */
  maxCost: number;
  /** MAX_UPSTREAM_CALLS_PER_OPERATION: Visma calls one operation may cause. */
  maxUpstreamCalls: number;
  /** MAX_ENTITY_REPRESENTATIONS: representations in one operation's `_entities`. */
  maxEntityRepresentations: number;
  /** MAX_NODE_IDS: ids in one operation's `node` and `nodes` fields. */
  maxNodeIds: number;
  /** MAX_INVOICES_PER_OPERATION: invoices one operation may read and answer with. */
  maxInvoices: number;
}

export interface OperationBudgetOptions {
  budget: OperationBudget;
  /** MAX_PAGE_SIZE. */
  maxPageSize: number;
  /** Visma's page-size cap as the gateway last saw it (the invoices service learns it). */
  upstreamPageSize: () => number;
}

/**
 * Refuses an operation over its budget once its variables are known and before anything runs:
 * Apollo's validation rules see only the document, so a `first` passed as a variable (or left to
 * its default) would weigh nothing there. The refusal is one error naming the limit, with HTTP
 * 400; nothing is sent to Visma. What the estimate cannot foresee is enforced as the calls are
 * made, by the request's invoices service (src/invoices/request-budget.ts).
 */
export function operationBudgetPlugin(options: OperationBudgetOptions): ApolloServerPlugin<GatewayContext> {
  const fragmentsOf = fragmentTable();
  // The walk once per document and variant of its variables, not per request (bench/README.md, "Levers").
  const estimates = new OperationEstimates();
  const listener: GraphQLRequestListener<GatewayContext> = {
    didResolveOperation({ schema, document, operation, request }) {
      // No operation resolved: graphql-js refuses the request itself, before any call.
      if (operation === undefined) return Promise.resolve();
      const estimate = estimates.estimate(schema, fragmentsOf(document), operation, request.variables, {
        maxPageSize: options.maxPageSize,
        upstreamPageSize: options.upstreamPageSize(),
      });
      const refusal = estimate === null ? null : refusalOf(estimate, options.budget);
      // A rejection is how Apollo takes a refusal from this hook: it answers with the error and stops.
      return refusal === null ? Promise.resolve() : Promise.reject(refusal);
    },
  };
  return {
    // The listener keeps no state of its own, so every request shares it.
    requestDidStart: () => Promise.resolve(listener),
  };
}

/**
 * The first limit the estimate is over, in this order: the entity and node caps (the batch is
 * too large, whatever it selects), the upstream budget, the invoices, then the cost.
 */
export function refusalOf(estimate: OperationEstimate, budget: OperationBudget): GraphQLError | null {
  if (estimate.entityRepresentations > budget.maxEntityRepresentations) {
    return refused(
      ErrorCode.ENTITY_LIMIT_EXCEEDED,
      `_entities was sent ${estimate.entityRepresentations} representations; one operation may have at most ${budget.maxEntityRepresentations} (MAX_ENTITY_REPRESENTATIONS). Send them in smaller batches.`,
      { representations: estimate.entityRepresentations, limit: budget.maxEntityRepresentations },
    );
  }
  if (estimate.nodeIds > budget.maxNodeIds) {
    return refused(
      ErrorCode.NODE_LIMIT_EXCEEDED,
      `node and nodes were sent ${estimate.nodeIds} ids; one operation may have at most ${budget.maxNodeIds} (MAX_NODE_IDS). Send them in smaller batches.`,
      { ids: estimate.nodeIds, limit: budget.maxNodeIds },
    );
  }
  if (estimate.upstreamCalls > budget.maxUpstreamCalls) {
    return refused(
      ErrorCode.UPSTREAM_BUDGET_EXCEEDED,
      `This operation may make ${estimate.upstreamCalls} calls to Visma; one operation may make at most ${budget.maxUpstreamCalls} (MAX_UPSTREAM_CALLS_PER_OPERATION). Ask for fewer pages, look-ups or customer fields.`,
      { upstreamCalls: estimate.upstreamCalls, limit: budget.maxUpstreamCalls },
    );
  }
  if (estimate.invoices > budget.maxInvoices) {
    return refused(
      ErrorCode.RESPONSE_TOO_LARGE,
      `This operation may read ${estimate.invoices} invoices; one operation may read at most ${budget.maxInvoices} (MAX_INVOICES_PER_OPERATION). Ask for smaller pages or fewer nested lists.`,
      { invoices: estimate.invoices, limit: budget.maxInvoices },
    );
  }
  if (estimate.cost > budget.maxCost) {
    return refused(
      ErrorCode.COST_LIMIT_EXCEEDED,
      `Operation cost ${estimate.cost} is over the limit of ${budget.maxCost} (MAX_OPERATION_COST): every value in the answer counts 1, each list at its first (lines at 10). Select fewer fields or smaller pages.`,
      { cost: estimate.cost, limit: budget.maxCost },
    );
  }
  return null;
}

function refused(code: ErrorCode, message: string, extensions: Record<string, number>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });
}

/** Apollo keeps one parsed document per query text, so the fragments are looked up once per document. */
function fragmentTable(): (document: DocumentNode) => Readonly<Record<string, FragmentDefinitionNode>> {
  const tables = new WeakMap<DocumentNode, Record<string, FragmentDefinitionNode>>();
  return (document) => {
    let table = tables.get(document);
    if (table === undefined) {
      table = {};
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) table[definition.name.value] = definition;
      }
      tables.set(document, table);
    }
    return table;
  };
}
