/**
 * Dates and date-times between Visma and the domain. Visma sends `date-time` strings with or
 * without a zone (CONTRACT §2.2); zone-less ones are the company's local time. The offset of a
 * local time comes from Intl's time-zone data, so it is right across DST changes.
 */

export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Fraction-of-second digits as written, trailing zeros removed (`"347"`, `""`). */
  fraction: string;
  /** Offset in minutes when the text carried a zone (`Z` is 0), otherwise null. */
  offsetMinutes: number | null;
  /** True when the text had a time part at all. */
  hasTime: boolean;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses ISO 8601 / RFC 3339 text as Visma writes it; null when it is not a valid one. */
export function parseDateTime(text: string): DateTimeParts | null {
  const match = DATE_TIME.exec(text.trim());
  if (match === null) {
    return null;
  }
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const parts: DateTimeParts = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: h === undefined ? 0 : Number(h),
    minute: mi === undefined ? 0 : Number(mi),
    second: s === undefined ? 0 : Number(s),
    fraction: (fraction ?? '').replace(/0+$/, ''),
    offsetMinutes: zone === undefined ? null : parseOffset(zone),
    hasTime: h !== undefined,
  };
  if (zone !== undefined && h === undefined) {
    return null;
  }
  return isValidCalendarTime(parts) ? parts : null;
}

function parseOffset(zone: string): number | null {
  if (zone === 'Z' || zone === 'z') {
    return 0;
  }
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}

function isValidCalendarTime(parts: DateTimeParts): boolean {
  const { year, month, day, hour, minute, second, offsetMinutes } = parts;
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    (offsetMinutes === null || Math.abs(offsetMinutes) <= 18 * 60)
  );
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * .NET's `DateTime.MinValue` (`0001-01-01T00:00:00`) is what a non-nullable .NET date field
 * serialises to when it holds nothing; read it as "no value" rather than as a date in year 1.
 */
export function isDotNetMinValue(parts: DateTimeParts): boolean {
  return parts.year === 1 && parts.month === 1 && parts.day === 1 && parts.hour === 0 && parts.minute === 0;
}

/** `YYYY-MM-DD` when the text is exactly a valid calendar date. */
export function isLocalDate(text: string): boolean {
  const parts = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseDateTime(text) : null;
  return parts !== null;
}

/**
 * A date-only field: the calendar date as Visma wrote it. Visma keeps these as dates (midnight
 * date-times, CONTRACT §2.2), so any time or zone on them is serialisation noise and shifting
 * them into another zone would move the date.
 */
export function localDateOf(parts: DateTimeParts): string {
  return `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`;
}

/**
 * An instant as ISO 8601 with the company zone's offset at that instant
 * (`2025-01-27T13:45:12.347+01:00`). Text without a zone is read as company-local time;
 * text with one is converted. Sub-second digits are kept as written.
 */
export function instantOf(parts: DateTimeParts, timeZone: string): string {
  const wallSeconds = wallClockSeconds(parts);
  const epochSeconds = parts.offsetMinutes === null ? localToEpochSeconds(wallSeconds, timeZone) : wallSeconds - parts.offsetMinutes * 60;
  return formatInZone(epochSeconds, parts.fraction, timeZone);
}

/**
 * A filter value as Visma's filters take it: company-local `YYYY-MM-DDTHH:mm:ss`, no zone and
 * no trailing `Z` (CONTRACT §8.1). A value with a zone is first converted to company time.
 */
export function filterDateTimeOf(parts: DateTimeParts, timeZone: string): string {
  let wallSeconds = wallClockSeconds(parts);
  if (parts.offsetMinutes !== null) {
    const epochSeconds = wallSeconds - parts.offsetMinutes * 60;
    wallSeconds = epochSeconds + offsetMinutesAt(timeZone, epochSeconds) * 60;
  }
  return formatWallClock(wallSeconds);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

// Seconds since the epoch of the wall-clock reading, as if it were UTC.
function wallClockSeconds(parts: DateTimeParts): number {
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  date.setUTCHours(parts.hour, parts.minute, parts.second, 0);
  return date.getTime() / 1000;
}

/**
 * The instant a company-local wall time denotes. In the autumn overlap (the hour that happens
 * twice) the earlier instant is taken; in the spring gap (an hour that does not exist) the time
 * is moved forward by the gap. This is the "compatible" rule of Temporal and of most calendars.
 */
function localToEpochSeconds(wallSeconds: number, timeZone: string): number {
  const day = 24 * 3600;
  const before = offsetMinutesAt(timeZone, wallSeconds - day);
  const after = offsetMinutesAt(timeZone, wallSeconds + day);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallSeconds - offset * 60)
    .filter((epoch) => wallSeconds - offsetMinutesAt(timeZone, epoch) * 60 === epoch);
  if (candidates.length > 0) {
    return Math.min(...candidates);
  }
  return wallSeconds - before * 60;
}

/**
 * The zone's UTC offset at an instant (whole seconds), rounded to whole minutes (old local mean
 * times have seconds). Asking Intl costs about 10 µs, and one invoice page asks thousands of
 * times (an instant takes up to five offsets), so offsets are remembered per hour of UTC: an
 * hour holds at most one offset change in every zone of the tz database, and an hour with one
 * keeps the exact second the change happens (found by bisection), so the answer is Intl's own.
 */
export function offsetMinutesAt(timeZone: string, epochSeconds: number): number {
  let hours = offsetHours.get(timeZone);
  if (hours === undefined) {
    hours = new Map();
    offsetHours.set(timeZone, hours);
  }
  const hour = Math.floor(epochSeconds / 3600);
  let offset = hours.get(hour);
  if (offset === undefined) {
    // Bounded: a long-running gateway reads instants from many years.
    if (hours.size >= MAX_CACHED_HOURS) hours.clear();
    offset = offsetsInHour(timeZone, hour * 3600);
    hours.set(hour, offset);
  }
  return typeof offset === 'number' ? offset : epochSeconds < offset.changesAt ? offset.before : offset.after;
}

/** An hour's offset, or the change within it: `before` until `changesAt` (epoch s), then `after`. */
type HourOffset = number | { before: number; after: number; changesAt: number };

const MAX_CACHED_HOURS = 100_000;
const offsetHours = new Map<string, Map<number, HourOffset>>();

function offsetsInHour(timeZone: string, start: number): HourOffset {
  const before = intlOffsetMinutesAt(timeZone, start);
  let last = start + 3599;
  const after = intlOffsetMinutesAt(timeZone, last);
  if (before === after) return before;
  let first = start;
  while (last - first > 1) {
    const middle = Math.floor((first + last) / 2);
    if (intlOffsetMinutesAt(timeZone, middle) === before) first = middle;
    else last = middle;
  }
  return { before, after, changesAt: last };
}

function intlOffsetMinutesAt(timeZone: string, epochSeconds: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochSeconds * 1000))) {
    if (part.type !== 'literal') {
      fields[part.type] = Number(part.value);
    }
  }
  const wall = wallClockSeconds({
    year: fields.year ?? 1970,
    month: fields.month ?? 1,
    day: fields.day ?? 1,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
    fraction: '',
    offsetMinutes: null,
    hasTime: true,
  });
  return Math.round((wall - epochSeconds) / 60);
}

function formatInZone(epochSeconds: number, fraction: string, timeZone: string): string {
  const offset = offsetMinutesAt(timeZone, epochSeconds);
  const sign = offset < 0 ? '-' : '+';
  const magnitude = Math.abs(offset);
  const zone = `${sign}${pad(Math.floor(magnitude / 60))}:${pad(magnitude % 60)}`;
  const clock = formatWallClock(epochSeconds + offset * 60);
  return `${clock}${fraction === '' ? '' : `.${fraction}`}${zone}`;
}

function formatWallClock(wallSeconds: number): string {
  const date = new Date(wallSeconds * 1000);
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
