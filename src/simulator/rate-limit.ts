/**
 * Visma's "4-fixed-window" policy: N calls per window for each (tenant, client) pair
 * (CONTRACT §7, DOC-RL). A window opens with the first counted call and lasts windowSeconds.
 */
export const RATE_LIMIT_POLICY = '4-fixed-window';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window resets, never below 1 while a window is open. */
  resetSeconds: number;
}

interface Window {
  startMs: number;
  used: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly config: () => { limit: number; windowSeconds: number }) {}

  take(key: string, nowMs: number): RateDecision {
    const { limit, windowSeconds } = this.config();
    const windowMs = windowSeconds * 1000;
    let window = this.windows.get(key);
    if (!window || nowMs >= window.startMs + windowMs) {
      window = { startMs: nowMs, used: 0 };
      this.windows.set(key, window);
    }
    const resetSeconds = Math.max(1, Math.ceil((window.startMs + windowMs - nowMs) / 1000));
    if (window.used >= limit) return { allowed: false, limit, remaining: 0, resetSeconds };
    window.used += 1;
    return { allowed: true, limit, remaining: limit - window.used, resetSeconds };
  }

  reset(): void {
    this.windows.clear();
  }
}
