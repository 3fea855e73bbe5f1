import { createHmac, timingSafeEqual } from 'node:crypto';

/** SHA-256 digests are 32 bytes; a signature of any other length cannot match. */
const DIGEST_BYTES = 32;

export type SignatureCheck = 'valid' | 'missing' | 'invalid';

/**
 * Visma's signature (CONTRACT §10): HMAC-SHA256 of the message's UTF-8 bytes under the
 * subscription's signing key, base64-encoded, in a header. Checked over the raw body, before
 * anything parses it, against every key given (the current one and, during a rotation, the
 * previous one). Each comparison is constant-time, and every key is always tried, so the time
 * taken says nothing about which key or how much of the signature matched.
 */
export function checkSignature(rawBody: Buffer, header: string | undefined, keys: readonly string[]): SignatureCheck {
  if (header === undefined || header.trim() === '') return 'missing';
  // A `sha256=` prefix, as some senders write it, is tolerated.
  const sent = Buffer.from(header.trim().replace(/^sha256=/i, ''), 'base64');
  let valid = false;
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(rawBody).digest();
    // The length is no secret (every signature has 32 bytes); the bytes are compared in constant time.
    if (sent.length === DIGEST_BYTES && timingSafeEqual(sent, expected)) valid = true;
  }
  return valid ? 'valid' : 'invalid';
}

/** The signature a sender makes: for tests and the embedded simulator's contract test. */
export function sign(rawBody: Buffer | string, key: string): string {
  return createHmac('sha256', key).update(rawBody).digest('base64');
}
