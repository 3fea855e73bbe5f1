/**
 * The texts of a top-level JSON array's elements, found without parsing them, or null when the
 * text is not a single array (a wrapped list, an object, broken nesting, an unterminated string).
 *
 * Why: `JSON.parse` of a page of 1000 invoices builds all 1000 wire objects before the first is
 * mapped, and they outlive several young-generation collections, so they are promoted and the
 * old generation grows by a page's worth per request in flight. Parsing one element at a time
 * lets each invoice's wire object die young. The element texts are slices of the body (no copy).
 *
 * Only the nesting is checked here; each element's own syntax is left to `JSON.parse`, so a
 * caller must treat a failed element parse as "not JSON" exactly as a failed whole parse.
 */
export function jsonArrayElements(text: string): string[] | null {
  const end = text.length;
  let i = skipWhitespace(text, 0);
  if (text.charCodeAt(i) !== OPEN_ARRAY) return null;
  i = skipWhitespace(text, i + 1);
  const elements: string[] = [];
  if (text.charCodeAt(i) === CLOSE_ARRAY) return skipWhitespace(text, i + 1) === end ? elements : null;
  for (;;) {
    const start = i;
    let depth = 0;
    for (; i < end; i += 1) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = closingQuote(text, i + 1);
        if (i < 0) return null;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        depth += 1;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (depth === 0) break;
        depth -= 1;
      } else if (c === COMMA && depth === 0) {
        break;
      }
    }
    if (i >= end || i === start) return null;
    elements.push(text.slice(start, i));
    const c = text.charCodeAt(i);
    if (c === CLOSE_ARRAY) return skipWhitespace(text, i + 1) === end ? elements : null;
    if (c !== COMMA) return null;
    i = skipWhitespace(text, i + 1);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

// The index of the quote that ends a string whose content starts at `from`, or -1. indexOf does
// the scanning (most of a Visma body is string content); a quote after an odd run of backslashes
// is escaped.
function closingQuote(text: string, from: number): number {
  let at = text.indexOf('"', from);
  while (at >= 0) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}

// JSON's whitespace (RFC 8259 §2): space, tab, line feed, carriage return.
function skipWhitespace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
    i += 1;
  }
}
