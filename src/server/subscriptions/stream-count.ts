/**
 * The WebSockets and SSE streams of one replica, under MAX_SUBSCRIPTIONS: a stream without a
 * subscription still holds a socket and its buffers, so a client cannot open them without bound
 * and subscribe later.
 */
export class StreamCount {
  private count = 0;

  constructor(readonly max: number) {}

  get size(): number {
    return this.count;
  }

  /** Takes a place; false when there is none. */
  open(): boolean {
    if (this.count >= this.max) return false;
    this.count += 1;
    return true;
  }

  close(): void {
    this.count = Math.max(0, this.count - 1);
  }
}
