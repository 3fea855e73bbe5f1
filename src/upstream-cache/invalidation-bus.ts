/**
 * What replicas tell each other: one write's invalidation, or what a change poll made for the
 * whole fleet found.
 */
export interface Invalidation {
  /** The credential's cache scope: `cc:<tenant>`, or `pt:<SHA-256 of the token>`; never a token. */
  scope: string;
  /** The invoice written; absent when a create's number is not known. Lists are dropped either way. */
  referenceNumber?: string;
  /** Set when a replica polled Visma's change list for the fleet (see `InvalidationBus.claimPoll`). */
  poll?: FleetPoll;
  /** A verified webhook told of this change: every replica counts webhooks as healthy (docs/webhooks.md). */
  webhook?: boolean;
  /** The change moved the invoice in or out of no list: only the copies holding it are evicted. */
  listsUnaffected?: boolean;
}

/**
 * One change poll's findings. Times travel as ages ("so long before publishing"), turned back
 * into times by each receiver on its own clock, so replicas' clocks never have to agree.
 */
export interface FleetPoll {
  /** How long before publishing the poll was sent: the receiver's copies are as fresh as Visma was then. */
  startedAgoMs: number;
  /** How far back (before publishing) the poll asked for changes: it saw none older. */
  windowAgoMs: number;
  /** Invoices changed in that window. */
  changed: string[];
  /** More changes than one page: every copy of the scope is to be dropped. */
  overflow: boolean;
}

/** `lead`: this replica polls for the fleet now; `follow`: another one does; `unavailable`: poll alone. */
export type PollClaim = 'lead' | 'follow' | 'unavailable';

/**
 * How the gateway's own writes, and one replica's change polls, reach the caches of the other
 * replicas. Each replica publishes after every write and every poll and applies what the others
 * publish; a replica never hears its own messages (or ignores them harmlessly: applying one only
 * drops entries).
 */
export interface InvalidationBus {
  /** Resolves once the message is out; rejects when it could not be sent (the write still stands). */
  publish(invalidation: Invalidation): Promise<void>;
  /**
   * Registers the listener for messages from other replicas, and `onGap` for the moments when
   * messages may have been lost (the channel dropped, or came back): whatever the cache holds on
   * the strength of messages can no longer be trusted then.
   */
  subscribe(listener: (invalidation: Invalidation) => void, onGap?: () => void): void;
  /**
   * Optional: a lease so one replica per interval polls Visma's change list for the fleet and
   * publishes what it found, instead of every replica spending a call on it.
   */
  claimPoll?(scope: string, leaseMs: number): Promise<PollClaim>;
}

/**
 * Replicas in one process (tests): every cache connected to it hears the others' messages.
 * Delivery is synchronous, as a real bus's is before its publish resolves. With `now`, it also
 * hands out poll leases, one holder per scope until the lease ends.
 */
export class LocalInvalidationHub {
  private readonly listeners = new Set<(invalidation: Invalidation) => void>();
  private readonly gaps = new Set<() => void>();
  private readonly leases = new Map<string, number>();

  constructor(private readonly now?: () => number) {}

  /** A bus for one replica: it does not hear its own messages. */
  connect(): InvalidationBus {
    let own: ((invalidation: Invalidation) => void) | undefined;
    const bus: InvalidationBus = {
      publish: (invalidation) => {
        for (const listener of this.listeners) if (listener !== own) listener(structuredClone(invalidation));
        return Promise.resolve();
      },
      subscribe: (listener, onGap) => {
        own = listener;
        this.listeners.add(listener);
        if (onGap !== undefined) this.gaps.add(onGap);
      },
    };
    const now = this.now;
    if (now !== undefined) {
      bus.claimPoll = (scope, leaseMs) => {
        const held = this.leases.get(scope);
        if (held !== undefined && held > now()) return Promise.resolve('follow');
        this.leases.set(scope, now() + leaseMs);
        return Promise.resolve('lead');
      };
    }
    return bus;
  }

  /** Tells every replica that messages may have been lost. */
  gap(): void {
    for (const onGap of this.gaps) onGap();
  }
}
