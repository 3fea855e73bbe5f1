import type { InvoiceChange } from './changes';

/** A change as a replica hears it: `remote` when another replica learned of it. */
export interface FedChange extends InvoiceChange {
  remote: boolean;
}

/**
 * How the changes one replica learns of (its writes, webhook hints, its change polls: the cache's
 * `onChange`) reach the subscriptions of every replica. Without Redis the replica is the fleet
 * (`LocalChangeFeed`); with it, `RedisChangeFeed` (src/scale) carries them on a channel of
 * their own. A feed delivers what is published on it to its own listeners at once, whatever
 * becomes of the other replicas' copies.
 */
export interface ChangeFeed {
  /** Never throws and never waits: a change that cannot reach the other replicas is logged, not retried. */
  publish(change: InvoiceChange): void;
  /** Every change, this replica's and the others'; returns the unsubscribe. */
  subscribe(listener: (change: FedChange) => void): () => void;
  close(): Promise<void>;
}

/** One replica: what is published is heard here alone. */
export class LocalChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<(change: FedChange) => void>();

  publish(change: InvoiceChange): void {
    deliver(this.listeners, { ...change, remote: false });
  }

  subscribe(listener: (change: FedChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}

/** To each listener; one that throws does not keep the change from the others. */
export function deliver(listeners: Iterable<(change: FedChange) => void>, change: FedChange): void {
  for (const listener of listeners) {
    try {
      listener(change);
    } catch {
      // A listener's failure is its own (the hub logs its reads); the feed goes on.
    }
  }
}
