/** One write's invalidation, as replicas tell each other about it. */
export interface Invalidation {
  /** The credential's cache scope: `cc:<tenant>`, or `pt:<SHA-256 of the token>`; never a token. */
  scope: string;
  /** The invoice written; absent when a create's number is not known. Lists are dropped either way. */
  referenceNumber?: string;
}

/**
 * How the gateway's own writes reach the caches of the other replicas. Each replica publishes
 * after every write and applies what the others publish; a replica never hears its own messages
 * (or ignores them harmlessly: applying one only drops entries).
 */
export interface InvalidationBus {
  /** Resolves once the message is out; rejects when it could not be sent (the write still stands). */
  publish(invalidation: Invalidation): Promise<void>;
  /** Registers the listener for messages from other replicas. */
  subscribe(listener: (invalidation: Invalidation) => void): void;
}

/**
 * Replicas in one process (tests): every cache connected to it hears the others' writes. Delivery
 * is synchronous, as a real bus's is before its publish resolves.
 */
export class LocalInvalidationHub {
  private readonly listeners = new Set<(invalidation: Invalidation) => void>();

  /** A bus for one replica: it does not hear its own messages. */
  connect(): InvalidationBus {
    let own: ((invalidation: Invalidation) => void) | undefined;
    return {
      publish: async (invalidation) => {
        for (const listener of this.listeners) if (listener !== own) listener(invalidation);
      },
      subscribe: (listener) => {
        own = listener;
        this.listeners.add(listener);
      },
    };
  }
}
