/**
 * Date handling. Visma sends date-only fields as midnight without a zone and audit stamps
 * with milliseconds and no zone (CONTRACT §2.2): naive company-local wall time. The store keeps
 * such values as "naive milliseconds" (the wall time read through Date.UTC), so they compare and
 * format without zone arithmetic; only the clock is converted, once, by `toNaiveLocal`.
 */

const MS_PER_DAY = 86_400_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2025-01-27` for the UTC day of an epoch-millisecond instant. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `2025-01-27T13:45:12.347`: an audit stamp in company-local (UTC) time, no zone. */
export function formatStamp(ms: number): string {
  const d = new Date(ms);
  return `${formatDate(ms)}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** `2025-01-27T00:00:00`: how Visma renders a date-only field. */
export function renderDate(date: string): string {
  return `${date}T00:00:00`;
}

export function dateToMs(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1);
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

function validParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= daysInMonth;
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
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part))) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validParts(y, mo, d, h, mi, s)) return null;
  const fraction = match[7] ?? '';
  const ms = fraction ? Number(fraction.padEnd(3, '0')) : 0;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
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
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part))) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validParts(y, mo, d, h, mi, s)) return null;
  const fraction = (match[7] ?? '').slice(0, 3).padEnd(3, '0');
  const zone = match[8];
  let ms = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction));
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    ms -= sign * ((zh ?? 0) * 60 + (zm ?? 0)) * 60_000;
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
  const part: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(ms))) if (p.type !== 'literal') part[p.type] = Number(p.value);
  const wholeSeconds = Date.UTC(
    part.year ?? 1970,
    (part.month ?? 1) - 1,
    part.day ?? 1,
    part.hour ?? 0,
    part.minute ?? 0,
    part.second ?? 0,
  );
  return wholeSeconds + (((ms % 1000) + 1000) % 1000);
}
