/**
 * A top-level JSON array's elements, found as its bytes arrive and handed on one at a time as
 * text, without parsing them (`onElement`); or the verdict that the bytes are not a single array
 * (a wrapped list, an object, an empty body) or are broken (bad nesting, an unterminated string,
 * text after the array).
 *
 * Why: a page of 1000 invoices is about 10 MB of JSON. Read whole, it is held as bytes, then as
 * text, then as 1000 wire objects, then as the mapped invoices, and those outlive several
 * young-generation collections, so the old generation grows by a page's worth per page in flight.
 * Split as it arrives, only the element being read is held as text and as a wire object, each
 * dies young, and the body is never whole in memory (bench/README.md, "Levers": the read path).
 *
 * Only the nesting is checked here; each element's own syntax is left to `JSON.parse`, so a
 * caller must treat an element that fails to parse as "the body is not JSON", exactly as a failed
 * whole parse. The scan works on bytes: every byte it looks for (quote, backslash, brackets,
 * braces, comma, whitespace) is ASCII, and no byte of a multi-byte UTF-8 sequence is ASCII, so a
 * chunk boundary anywhere (inside a character, a string or an escape) changes nothing. An
 * element is decoded once complete, so no character is split.
 */
export class JsonArraySplitter {
  private phase: Phase = Phase.BeforeArray;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The pieces of the element being read that came in earlier chunks. */
  private pieces: Buffer[] = [];
  private piecesBytes = 0;

  constructor(private readonly onElement: (text: string) => void) {}

  /**
   * `array` once the first byte that is not whitespace is `[` (it may still break later),
   * `not-array` when it is anything else, `broken` as soon as the nesting is, `undecided` before.
   */
  get state(): 'undecided' | 'array' | 'not-array' | 'broken' {
    switch (this.phase) {
      case Phase.BeforeArray:
        return 'undecided';
      case Phase.NotArray:
        return 'not-array';
      case Phase.Broken:
        return 'broken';
      default:
        return 'array';
    }
  }

  /** Bytes of the element being read that it holds until the element is complete. */
  get held(): number {
    return this.piecesBytes;
  }

  /** Scans the next bytes, calling `onElement` for every element they complete. */
  write(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = bytes.length;
    let phase = this.phase;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let start = 0;
    let i = 0;
    while (i < end && phase < Phase.NotArray) {
      const c = bytes[i] as number;
      if (phase === Phase.InElement) {
        if (inString) {
          if (escaped) {
            escaped = false;
            i += 1;
          }
          // Most of a Visma body is string content: a tight loop to its next quote or backslash.
          while (i < end && bytes[i] !== QUOTE && bytes[i] !== BACKSLASH) i += 1;
          if (i < end) {
            if (bytes[i] === QUOTE) inString = false;
            else escaped = true;
            i += 1;
          }
          continue;
        }
        if (c === QUOTE) {
          inString = true;
        } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
          depth += 1;
        } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY || c === COMMA) {
          if (depth > 0 && c !== COMMA) {
            depth -= 1;
          } else if (depth === 0) {
            if (c === CLOSE_OBJECT) {
              phase = Phase.Broken;
              break;
            }
            this.emit(bytes, start, i);
            phase = c === COMMA ? Phase.ExpectElement : Phase.AfterArray;
          }
        }
        i += 1;
        continue;
      }
      if (c === SPACE || c === TAB || c === LINE_FEED || c === CARRIAGE_RETURN) {
        i += 1;
        continue;
      }
      if (phase === Phase.BeforeArray) {
        phase = c === OPEN_ARRAY ? Phase.ExpectFirst : Phase.NotArray;
        i += 1;
      } else if (phase === Phase.AfterArray) {
        phase = Phase.Broken;
      } else if (c === CLOSE_ARRAY && phase === Phase.ExpectFirst) {
        phase = Phase.AfterArray;
        i += 1;
      } else if (c === CLOSE_ARRAY || c === COMMA) {
        // An element missing: `[,1]`, `[1,,2]`, `[1,]`.
        phase = Phase.Broken;
      } else {
        phase = Phase.InElement;
        depth = 0;
        inString = false;
        escaped = false;
        start = i;
      }
    }
    if (phase === Phase.InElement && start < end) {
      this.pieces.push(bytes.subarray(start, end));
      this.piecesBytes += end - start;
    }
    this.phase = phase;
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
  }

  /** After the last chunk: whether the bytes were one whole array, something else, or broken. */
  end(): 'array' | 'not-array' | 'broken' {
    if (this.phase === Phase.NotArray || this.phase === Phase.BeforeArray) return 'not-array';
    if (this.phase !== Phase.AfterArray) this.phase = Phase.Broken;
    this.pieces = [];
    this.piecesBytes = 0;
    return this.phase === Phase.AfterArray ? 'array' : 'broken';
  }

  private emit(bytes: Buffer, start: number, at: number): void {
    let text: string;
    if (this.pieces.length === 0) {
      text = bytes.toString('utf8', start, at);
    } else {
      this.pieces.push(bytes.subarray(start, at));
      text = Buffer.concat(this.pieces).toString('utf8');
      this.pieces = [];
      this.piecesBytes = 0;
    }
    this.onElement(text);
  }
}

/**
 * The texts of a top-level JSON array's elements, or null when the text is not a single array
 * (a wrapped list, an object, broken nesting, an unterminated string): `JsonArraySplitter` over
 * a whole text.
 */
export function jsonArrayElements(text: string): string[] | null {
  const elements: string[] = [];
  const splitter = new JsonArraySplitter((element) => elements.push(element));
  splitter.write(Buffer.from(text, 'utf8'));
  return splitter.end() === 'array' ? elements : null;
}

const enum Phase {
  /** Whitespace so far. */
  BeforeArray,
  /** After `[`: an element or `]`. */
  ExpectFirst,
  /** After a comma: an element. */
  ExpectElement,
  InElement,
  /** After the closing `]`: whitespace only. */
  AfterArray,
  // The two verdicts: nothing more is scanned.
  NotArray,
  Broken,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
// JSON's whitespace (RFC 8259 §2).
const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
