/**
 * Date handling. Visma sends date-only fields as midnight without a zone and audit stamps
 * with milliseconds and no zone (CONTRACT §2.2): naive company-local wall time. The store keeps
 * such values as "naive milliseconds" (the wall time read through Date.UTC), so they compare and
 * format without zone arithmetic; only the clock is converted, once, by `toNaiveLocal`.
 */

const MS_PER_DAY = 86_400_000;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `2025-01-27` for the UTC day of an epoch-millisecond instant. */
export function formatDate(ms: number): string {
  const instant = new Date(ms);
  return `${instant.getUTCFullYear()}-${pad(instant.getUTCMonth() + 1)}-${pad(instant.getUTCDate())}`;
}

/** `2025-01-27T13:45:12.347`: an audit stamp in company-local (UTC) time, no zone. */
export function formatStamp(ms: number): string {
  const instant = new Date(ms);
  const time = `${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:${pad(instant.getUTCSeconds())}`;
  return `${formatDate(ms)}T${time}.${pad(instant.getUTCMilliseconds(), 3)}`;
}

/** `2025-01-27T00:00:00`: how Visma renders a date-only field. */
export function renderDate(date: string): string {
  return `${date}T00:00:00`;
}

export function dateToMs(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1);
}

export function stampToMs(stamp: string): number {
  return Date.parse(`${stamp}Z`);
}

export function addDays(date: string, days: number): string {
  return formatDate(dateToMs(date) + days * MS_PER_DAY);
}

/** `YYYYMM` of a date. */
export function periodOf(date: string): string {
  return date.slice(0, 4) + date.slice(5, 7);
}

/** Year, month, day, hour, minute, second as written (month 1-12). */
type DateTimeParts = [number, number, number, number, number, number];

/** The six numbers of a matched date-time; absent time parts are 0. */
function dateTimeParts(match: RegExpExecArray): DateTimeParts {
  return match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part))) as DateTimeParts;
}

function validParts([year, month, day, hour, minute, second]: DateTimeParts): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

const FILTER_FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * Parses a list-filter date in one of the formats the spec lists (CONTRACT §4):
 * `yyyy-MM-dd`, `yyyy-MM-dd HH:mm:ss[.FFF]`, `yyyy-MM-ddTHH:mm:ss[.FFF]`. A zone suffix is
 * rejected: the docs warn that filters refuse letters such as `Z` (CONTRACT §8.1).
 * Returns epoch milliseconds of the naive company-local time, or null.
 */
export function parseFilterDate(text: string): number | null {
  const match = FILTER_FORMAT.exec(text);
  if (!match) return null;
  const parts = dateTimeParts(match);
  if (!validParts(parts)) return null;
  const [year, month, day, hour, minute, second] = parts;
  const fraction = match[7] ?? '';
  const ms = fraction ? Number(fraction.padEnd(3, '0')) : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

const BODY_FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Parses a `DtoValueOfDateTime` value as .NET's JSON reader would: an ISO 8601 date or
 * date-time, with or without a zone. Zoned values are converted to company time (UTC).
 * Returns epoch milliseconds, or null when .NET would refuse the text.
 */
export function parseBodyDateTime(text: string): number | null {
  const match = BODY_FORMAT.exec(text);
  if (!match) return null;
  const parts = dateTimeParts(match);
  if (!validParts(parts)) return null;
  const [year, month, day, hour, minute, second] = parts;
  const fraction = (match[7] ?? '').slice(0, 3).padEnd(3, '0');
  const zone = match[8];
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, Number(fraction));
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zoneHours, zoneMinutes] = zone.slice(1).split(':').map(Number);
    ms -= sign * ((zoneHours ?? 0) * 60 + (zoneMinutes ?? 0)) * 60_000;
  }
  return ms;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The wall-clock time in `timeZone` at epoch `ms`, as naive milliseconds (read back with the UTC
 * getters above). DST-correct because Intl knows the zone's rules.
 */
export function toNaiveLocal(ms: number, timeZone: string): number {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormats.set(timeZone, format);
  }
  const wall: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) if (part.type !== 'literal') wall[part.type] = Number(part.value);
  const wholeSeconds = Date.UTC(
    wall.year ?? 1970,
    (wall.month ?? 1) - 1,
    wall.day ?? 1,
    wall.hour ?? 0,
    wall.minute ?? 0,
    wall.second ?? 0,
  );
  return wholeSeconds + (((ms % 1000) + 1000) % 1000);
}
