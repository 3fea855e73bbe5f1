import type { AttemptGuard, AttemptInfo } from '../seams';

/**
 * One guard from several; the first is outermost. `composeGuards(a, b)` runs `a` around `b`
 * around the attempt, so `a` may refuse before `b` is asked.
 */
export function composeGuards(...guards: AttemptGuard[]): AttemptGuard {
  return {
    run<T>(info: AttemptInfo, send: () => Promise<T>): Promise<T> {
      const chain = guards.reduceRight<() => Promise<T>>((next, guard) => () => guard.run(info, next), send);
      return chain();
    },
  };
}
