import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits for a condition on a gateway's state (a metric, a log line, an event received). The bound
 * only ends a test that would otherwise hang: a test waits for what must happen, never for time,
 * so a loaded machine makes it slower, not red.
 */
export async function until(check: () => boolean | Promise<boolean>, what: string, boundMs = 30_000): Promise<void> {
  const end = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`still waiting for ${what} after ${boundMs} ms`);
    await sleep(20);
  }
}

/** One series of a gateway's /metrics (its name with any labels, as exposed), 0 while it has no sample. */
export async function metric(gateway: { url: string }, series: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', gateway.url))).text();
  const line = text.split('\n').find((each) => each.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
