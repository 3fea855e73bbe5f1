/*
 * When a call may be repeated, and how long to wait before it is.
 *
 * Only safe requests are repeated: GETs and the token request (RFC 9110 9.2.1). A POST (create,
 * release) and a PUT are never repeated blindly: a PUT with line Inserts adds lines again, and a
 * POST that timed out may already have created the invoice (RFC 9110 9.2.2).
 */

/** Statuses worth another attempt: the server says "not now", not "no". */
export function isRetryableStatus(status: number): boolean {
  // 501 Not Implemented and 505 HTTP Version Not Supported will not change on a retry.
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015): a
 * uniformly random wait between 0 and min(cap, base * 2^(retry - 1)). Spreading the waits over
 * the whole window keeps many clients that failed together from retrying together.
 */
export function fullJitterDelay(retry: number, baseMs: number, capMs: number, random: () => number): number {
  const window = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * window);
}

/**
 * `Retry-After` as whole seconds from now: delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
