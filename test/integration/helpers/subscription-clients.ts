import { setTimeout as sleep } from 'node:timers/promises';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';

/** What one subscription received, as a frontend's client saw it. */
export interface Received {
  events: Array<{
    data?: Record<string, unknown> | null;
    errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  }>;
  /** The error the stream ended with (a close event over WebSocket, an Error over SSE, or GraphQL errors). */
  error: unknown;
  completed: boolean;
  /** Stops the subscription. */
  dispose(): void;
  /** Waits until `check` holds, at most `timeoutMs`; false when it did not. */
  until(check: () => boolean, timeoutMs?: number): Promise<boolean>;
}

export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

function received(): Omit<Received, 'dispose'> & { dispose: () => void } {
  const state: Received = {
    events: [],
    error: undefined,
    completed: false,
    dispose: () => undefined,
    until: async (check, timeoutMs = 10_000) => {
      const end = Date.now() + timeoutMs;
      while (!check() && Date.now() < end) await sleep(20);
      return check();
    },
  };
  return state;
}

/** A graphql-ws client as Apollo Client's GraphQLWsLink makes one, over the `ws` package; never retries. */
export function wsClient(
  url: string,
  connectionParams?: Record<string, unknown>,
  headers?: Record<string, string>,
): WsClient & { closes: Array<{ code: number; reason: string }> } {
  const closes: Array<{ code: number; reason: string }> = [];
  const client = createWsClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl:
      headers === undefined
        ? WebSocket
        : class extends WebSocket {
            constructor(address: string, protocols?: string | string[]) {
              super(address, protocols, { headers });
            }
          },
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string | Buffer };
        closes.push({ code, reason: String(reason) });
      },
    },
  });
  return Object.assign(client, { closes });
}

export function subscribeWs(client: WsClient, operation: Operation): Received {
  const state = received();
  state.dispose = client.subscribe(operation, {
    next: (value) => state.events.push(value as Received['events'][number]),
    error: (error) => {
      state.error = error;
    },
    complete: () => {
      state.completed = true;
    },
  });
  return state;
}

/** graphql-sse's client in its default mode (a stream per subscription), as urql's or Apollo's SSE link uses it. */
export function subscribeSse(url: string, operation: Operation, headers: Record<string, string> = {}): Received {
  const state = received();
  const client = createSseClient({ url, headers, retryAttempts: 0 });
  const stop = client.subscribe(operation, {
    next: (value) => state.events.push(value as Received['events'][number]),
    error: (error) => {
      state.error = error;
    },
    complete: () => {
      state.completed = true;
    },
  });
  state.dispose = () => {
    stop();
    client.dispose();
  };
  return state;
}
