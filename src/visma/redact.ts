/**
 * Secrets come back from upstream in the spelling they were sent in, not only as written: Visma
 * Connect's error may quote the token request's form (`+` for a space, `%2B` for a `+`, in either
 * case of hex), a .NET JSON encoder writes `\u002B`, and a Basic header or a logged body may be
 * base64. Redaction therefore matches each secret in all of these spellings, mixed within one
 * occurrence, rather than only character for character.
 */

/** Shorter secrets are not redacted: four characters would match ordinary text. */
export const MIN_REDACTED_LENGTH = 4;
/** A base64 fragment shorter than this is too likely to occur by chance to be worth removing. */
const MIN_BASE64_FRAGMENT = 8;
const REDACTED = '[redacted]';

/** Replaces every occurrence of each secret (of a useful length), in any spelling, by `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_REDACTED_LENGTH) {
      result = result.replace(secretPattern(secret), REDACTED);
    }
  }
  return result;
}

const patterns = new Map<string, RegExp>();
/** Secrets change slowly (the client secret, one token an hour): a few patterns cover them. */
const MAX_CACHED_PATTERNS = 16;

function secretPattern(secret: string): RegExp {
  let pattern = patterns.get(secret);
  if (pattern === undefined) {
    const base64 = [...new Set(base64Fragments(secret))].map(escapeRegExp);
    pattern = new RegExp([textPattern(secret), ...base64].join('|'), 'g');
    if (patterns.size >= MAX_CACHED_PATTERNS) patterns.clear();
    patterns.set(secret, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

/**
 * The secret with each character in any of its text spellings: as itself, percent-encoded in
 * upper or lower case hex (also with the `%` encoded again as `%25`), JSON-escaped (`\u00XX`,
 * `\/`, `\"`, `\\`), and a space as the form encoding's `+`.
 */
function textPattern(secret: string): string {
  return [...secret].map(characterPattern).join('');
}

function characterPattern(character: string): string {
  const spellings = [escapeRegExp(character)];
  const bytes = Buffer.from(character, 'utf8');
  spellings.push([...bytes].map((byte) => `%(?:25)?${hexPattern(byte, 2)}`).join(''));
  const code = character.codePointAt(0) ?? 0;
  if (code <= 0xffff) {
    spellings.push(`\\\\u${hexPattern(code, 4)}`);
  } else {
    const high = character.charCodeAt(0);
    const low = character.charCodeAt(1);
    spellings.push(`\\\\u${hexPattern(high, 4)}\\\\u${hexPattern(low, 4)}`);
  }
  if (character === '/' || character === '"' || character === '\\') spellings.push(`\\\\${escapeRegExp(character)}`);
  if (character === ' ') spellings.push('\\+');
  return `(?:${spellings.join('|')})`;
}

/** A number as hex digits, each in either case. */
function hexPattern(value: number, digits: number): string {
  return [...value.toString(16).padStart(digits, '0')]
    .map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit))
    .join('');
}

/**
 * The parts of a base64 text that the secret alone determines, wherever it starts within the
 * encoded bytes (three alignments), in both alphabets: of the secret, and of its form-encoded and
 * percent-encoded spellings (a Basic header form-encodes the secret before base64, RFC 6749 2.3.1).
 */
function base64Fragments(secret: string): string[] {
  const sources = [secret, new URLSearchParams({ s: secret }).toString().slice(2), encodeURIComponent(secret)];
  const fragments: string[] = [];
  for (const source of sources) {
    const bytes = Buffer.from(source, 'utf8');
    for (let offset = 0; offset < 3; offset += 1) {
      const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
      // Characters before `start` mix the padding bytes in, and the last ones the bytes after the secret.
      const start = Math.ceil((offset * 8) / 6);
      const end = Math.floor(((offset + bytes.length) * 8) / 6);
      const fragment = encoded.slice(start, end);
      if (fragment.length >= MIN_BASE64_FRAGMENT) {
        fragments.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
      }
    }
  }
  return fragments;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
