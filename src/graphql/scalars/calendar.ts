/** Calendar checks shared by the `Date` and `DateTime` scalars and the input validation. */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * The calendar dates the gateway accepts in any input, written or filtered on: those a user could
 * mean for an invoice. Visma derives further dates from the ones written (the due date and the
 * cash discount date from the credit terms, which may add days or months; dunning dates from the
 * due date), and the gateway must be able to read every one of them back: .NET's DateTime, which
 * Visma serialises, ends at 9999-12-31, and a year of five digits (a due date of 9999-12-31 plus
 * 30 days) is no ISO 8601 date the gateway can read. Near the other end, 0001-01-01 is
 * DateTime.MinValue, which the client reads as "no date", and before 1900 zone offsets are local
 * mean time with seconds. 1900 to 2199 leaves centuries of room for any term on either side and
 * still refuses a placeholder year such as 9999 or a mistyped one such as 2502.
 */
export const DATE_INPUT_RANGE = Object.freeze({ from: '1900-01-01', to: '2199-12-31' });

/** `YYYY-MM-DD` naming a day that exists (no 2025-02-30, no month 13). */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (match === null) {
    return false;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  return day <= daysInMonth(year, month);
}

/** ISO 8601 date-time with seconds optional and an explicit offset (`Z` or `±HH:MM`). */
export function isOffsetDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (match === null) {
    return false;
  }
  const [, date, hours, minutes, seconds, , offsetHours, offsetMinutes] = match;
  return (
    isCalendarDate(date ?? '') &&
    Number(hours) <= 23 &&
    Number(minutes) <= 59 &&
    (seconds === undefined || Number(seconds) <= 59) &&
    (offsetHours === undefined || Number(offsetHours) <= 18) &&
    (offsetMinutes === undefined || Number(offsetMinutes) <= 59)
  );
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
