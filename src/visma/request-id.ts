/**
 * What a request id may be: short and plain (letters, digits and `._:-`), so it travels as an
 * HTTP header and cannot smuggle anything into a log line. The gateway keeps a caller's
 * `X-Request-Id` only when it is one (src/server/request-id.ts), and the client sends one to
 * Visma only when it is one.
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function isPlainRequestId(id: unknown): id is string {
  return typeof id === 'string' && REQUEST_ID_PATTERN.test(id);
}
