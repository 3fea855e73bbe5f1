import { VismaProtocolError } from '../errors';
import { decimalFromWire } from './decimal';
import { instantOf, isDotNetMinValue, localDateOf, parseDateTime, type DateTimeParts } from './time';

/**
 * Reads one object of a Visma response, field by field, forgiving the ways the wire differs
 * from the spec (CONTRACT §2.2, §9): a key may be missing or null, a scalar may come wrapped
 * as `{ "value": x }` (the write format leaking into reads), a number may come as numeric text.
 * What cannot be read at all (a word where a number belongs) is a VismaProtocolError naming the
 * field, rather than a silently wrong value.
 */
export class WireReader {
  constructor(
    private readonly record: Readonly<Record<string, unknown>>,
    readonly path: string,
    private readonly timeZone: string,
  ) {}

  static root(value: unknown, path: string, timeZone: string): WireReader {
    const record = unwrap(value);
    if (!isRecord(record)) {
      throw new VismaProtocolError(`Visma sent ${describe(record)} for ${path}; expected a JSON object.`);
    }
    return new WireReader(record, path, timeZone);
  }

  has(key: string): boolean {
    return unwrap(this.record[key]) != null;
  }

  string(key: string): string | null {
    const value = this.scalar(key);
    if (value === null) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return this.fail(key, value, 'a string');
  }

  /** An integer (int32/int64 in the spec), from a number or integer text. */
  integer(key: string): number | null {
    const value = this.scalar(key);
    if (value === null) return null;
    const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof number === 'number' && Number.isSafeInteger(number)) return number;
    return this.fail(key, value, 'an integer');
  }

  boolean(key: string): boolean | null {
    const value = this.scalar(key);
    if (value === null) return null;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'True') return true;
    if (value === 'false' || value === 'False') return false;
    return this.fail(key, value, 'a boolean');
  }

  decimal(key: string): string | null {
    const value = this.scalar(key);
    if (value === null) return null;
    const decimal = typeof value === 'number' || typeof value === 'string' ? decimalFromWire(value) : null;
    return decimal ?? this.fail(key, value, 'a decimal number');
  }

  /** A date-only field, as `YYYY-MM-DD`. */
  date(key: string): string | null {
    return this.remembered(key, readDates, localDateOf);
  }

  /** A point in time, as ISO 8601 with the company zone's offset. */
  instant(key: string): string | null {
    let read = readInstants.get(this.timeZone);
    if (read === undefined) {
      read = new Map();
      readInstants.set(this.timeZone, read);
    }
    return this.remembered(key, read, (parts) => instantOf(parts, this.timeZone));
  }

  object(key: string): WireReader | null {
    const value = unwrap(this.record[key]);
    if (value == null) return null;
    if (!isRecord(value)) return this.fail(key, value, 'an object');
    return new WireReader(value, `${this.path}.${key}`, this.timeZone);
  }

  /** A list of objects; missing and null read as an empty list. */
  objects(key: string): WireReader[] {
    const value = unwrap(this.record[key]);
    if (value == null) return [];
    if (!Array.isArray(value)) return this.fail(key, value, 'an array');
    return value.flatMap((item, index) => {
      const element = unwrap(item);
      if (element == null) return [];
      if (!isRecord(element)) return this.fail(`${key}[${index}]`, element, 'an object');
      return [new WireReader(element, `${this.path}.${key}[${index}]`, this.timeZone)];
    });
  }

  // A page repeats the same texts (every line's subaccount carries the same stamp, invoices
  // share dates), and reading one is a regex plus calendar and offset work, so a text read well
  // once is answered from memory after that. Texts that fail are not remembered: they throw.
  private remembered(key: string, memory: Map<string, string | null>, read: (parts: DateTimeParts) => string): string | null {
    const value = this.scalar(key);
    if (typeof value === 'string') {
      const known = memory.get(value);
      if (known !== undefined) return known;
    }
    const parts = this.dateTimeParts(key);
    const result = parts === null ? null : read(parts);
    if (typeof value === 'string') {
      if (memory.size >= MAX_REMEMBERED_TEXTS) memory.clear();
      memory.set(value, result);
    }
    return result;
  }

  private dateTimeParts(key: string): ReturnType<typeof parseDateTime> {
    const value = this.scalar(key);
    if (value === null || value === '') return null;
    const parts = typeof value === 'string' ? parseDateTime(value) : null;
    if (parts === null) return this.fail(key, value, 'an ISO 8601 date-time');
    return isDotNetMinValue(parts) ? null : parts;
  }

  private scalar(key: string): unknown {
    const value = unwrap(this.record[key]);
    return value === undefined ? null : value;
  }

  private fail(key: string, value: unknown, expected: string): never {
    throw new VismaProtocolError(`Visma sent ${describe(value)} for ${this.path}.${key}; expected ${expected}.`);
  }
}

const MAX_REMEMBERED_TEXTS = 10_000;
const readDates = new Map<string, string | null>();
const readInstants = new Map<string, Map<string, string | null>>();

/** Strips `{ "value": x }` wrappers, however deep (billingAddress is wrapped twice). */
export function unwrap(value: unknown): unknown {
  let current = value;
  while (isRecord(current) && Object.prototype.hasOwnProperty.call(current, 'value') && Object.keys(current).length === 1) {
    current = current.value;
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a received value for an error message; long text is cut. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  // JSON has no text for a symbol or a function (JSON.stringify gives undefined); String() has.
  const text = typeof value === 'symbol' || typeof value === 'function' ? String(value) : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
