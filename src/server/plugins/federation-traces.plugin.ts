import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import type { FederationConfig } from '../../config';
import { routerSecretCheck } from '../router-secret.middleware';

/**
 * Federated trace data (`extensions.ftv1`, asked for with `apollo-federation-include-trace: ftv1`)
 * times every field of an operation, which tells an outsider how the gateway and Visma behave.
 * FEDERATION_TRACES decides who gets it: `router`, a request that carries the router secret
 * (none when ROUTER_SECRET is unset); `all`, anyone who asks; `off`, nobody.
 *
 * Apollo installs its inline trace plugin on any subgraph unless the disabled one is present, so
 * that one always is, and the real plugin runs behind a per-request check. Errors in a trace are
 * masked: the router gets them in the response itself, already formatted.
 */
export function federationTracesPlugins<TContext extends BaseContext>(settings: FederationConfig): Array<ApolloServerPlugin<TContext>> {
  const disabled = ApolloServerPluginInlineTraceDisabled() as ApolloServerPlugin<TContext>;
  const inline = ApolloServerPluginInlineTrace({ includeErrors: { masked: true } }) as ApolloServerPlugin<TContext>;
  const fromRouter = routerSecretCheck(settings);
  if (settings.traces === 'off' || (settings.traces === 'router' && fromRouter === null)) {
    return [disabled];
  }
  const allowed = (headers: { get(name: string): string | undefined } | undefined): boolean =>
    settings.traces === 'all' || (fromRouter !== null && fromRouter(headers?.get(settings.routerSecretHeader)));
  return [
    disabled,
    {
      requestDidStart(requestContext) {
        if (!allowed(requestContext.request.http?.headers)) {
          return Promise.resolve();
        }
        return inline.requestDidStart?.(requestContext) ?? Promise.resolve();
      },
    },
  ];
}
