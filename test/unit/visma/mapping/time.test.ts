import fc from 'fast-check';
import {
  filterDateTimeOf,
  instantOf,
  isLocalDate,
  isValidTimeZone,
  localDateOf,
  offsetMinutesAt,
  parseDateTime,
} from '../../../../src/visma/mapping/time';

function parts(text: string) {
  const parsed = parseDateTime(text);
  if (parsed === null) throw new Error(`test input ${text} does not parse`);
  return parsed;
}

describe('time mapping', () => {
  describe('instantOf', () => {
    it.each([
      ['a zone-less audit stamp in winter', '2025-01-27T13:45:12.347', 'Europe/Oslo', '2025-01-27T13:45:12.347+01:00'],
      ['a zone-less stamp in summer', '2025-07-01T08:00:00', 'Europe/Oslo', '2025-07-01T08:00:00+02:00'],
      ['a UTC stamp, converted to company time', '2025-01-27T12:45:12Z', 'Europe/Oslo', '2025-01-27T13:45:12+01:00'],
      ['an offset stamp, converted', '2025-01-27T13:45:12+05:30', 'Europe/Oslo', '2025-01-27T09:15:12+01:00'],
      ['seven fraction digits (.NET ticks)', '2025-01-27T13:45:12.3470000', 'Europe/Oslo', '2025-01-27T13:45:12.347+01:00'],
      ['a zero fraction', '2025-01-27T13:45:12.000', 'Europe/Oslo', '2025-01-27T13:45:12+01:00'],
      ['a space instead of T', '2025-01-27 13:45:12', 'Europe/Oslo', '2025-01-27T13:45:12+01:00'],
      ['a date alone, as midnight', '2025-01-27', 'Europe/Oslo', '2025-01-27T00:00:00+01:00'],
      ['no seconds', '2025-01-27T13:45', 'Europe/Oslo', '2025-01-27T13:45:00+01:00'],
      ['a time in the spring gap, moved forward', '2025-03-30T02:30:00', 'Europe/Oslo', '2025-03-30T03:30:00+02:00'],
      ['a time in the autumn overlap, the earlier one', '2025-10-26T02:30:00', 'Europe/Oslo', '2025-10-26T02:30:00+02:00'],
      ['the first 02:30 of the overlap from UTC', '2025-10-26T00:30:00Z', 'Europe/Oslo', '2025-10-26T02:30:00+02:00'],
      ['the second 02:30 of the overlap from UTC', '2025-10-26T01:30:00Z', 'Europe/Oslo', '2025-10-26T02:30:00+01:00'],
      ['a zone west of UTC', '2025-01-27T13:45:12', 'America/New_York', '2025-01-27T13:45:12-05:00'],
      ['a half-hour zone', '2025-01-27T13:45:12', 'Asia/Kolkata', '2025-01-27T13:45:12+05:30'],
      ['UTC itself', '2025-01-27T13:45:12', 'UTC', '2025-01-27T13:45:12+00:00'],
      ['a compact offset', '2025-01-27T13:45:12+0100', 'Europe/Oslo', '2025-01-27T13:45:12+01:00'],
    ])('reads %s', (_case, text, zone, expected) => {
      expect(instantOf(parts(text), zone)).toBe(expected);
    });

    it('is idempotent: reading its own output gives the same text', () => {
      const zones = fc.constantFrom('Europe/Oslo', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe');
      const stamps = fc
        .date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
        .map((date) => date.toISOString().replace('Z', ''));
      fc.assert(
        fc.property(stamps, zones, (stamp, zone) => {
          const once = instantOf(parts(stamp), zone);
          expect(instantOf(parts(once), zone)).toBe(once);
        }),
      );
    });

    it('keeps the instant of any zoned text', () => {
      fc.assert(
        fc.property(
          fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
          (date) => {
            const read = instantOf(parts(date.toISOString()), 'Europe/Oslo');
            expect(new Date(read).getTime()).toBe(date.getTime());
          },
        ),
      );
    });
  });

  describe('offsetMinutesAt', () => {
    // The reference: Intl asked directly, as the mapping did before it remembered offsets per hour.
    const intlOffset = (timeZone: string, epochSeconds: number): number => {
      const formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      const f = Object.fromEntries(formatter.formatToParts(new Date(epochSeconds * 1000)).map((p) => [p.type, Number(p.value)]));
      const wall = Date.UTC(f.year ?? 0, (f.month ?? 1) - 1, f.day, f.hour, f.minute, f.second) / 1000;
      return Math.round((wall - epochSeconds) / 60);
    };
    const at = (iso: string): number => Date.parse(iso) / 1000;

    it.each([
      ['Oslo, the last second of winter time', 'Europe/Oslo', '2025-03-30T00:59:59Z', 60],
      ['Oslo, the first second of summer time', 'Europe/Oslo', '2025-03-30T01:00:00Z', 120],
      ['Oslo, the last second of summer time', 'Europe/Oslo', '2025-10-26T00:59:59Z', 120],
      ['Oslo, the first second of winter time', 'Europe/Oslo', '2025-10-26T01:00:00Z', 60],
      ['Lord Howe, the last second of its half-hour summer time', 'Australia/Lord_Howe', '2025-04-05T14:59:59Z', 660],
      ['Lord Howe, the first second after it', 'Australia/Lord_Howe', '2025-04-05T15:00:00Z', 630],
      // Liberia left a -0:44:30 mean time at a half minute: the change is kept to the second.
      ['Monrovia, the last second of -0:44:30', 'Africa/Monrovia', '1972-01-07T00:44:29Z', -44],
      ['Monrovia, the first second of GMT', 'Africa/Monrovia', '1972-01-07T00:44:30Z', 0],
    ])('gives %s', (_case, zone, iso, expected) => {
      expect(offsetMinutesAt(zone, at(iso))).toBe(expected);
      expect(intlOffset(zone, at(iso))).toBe(expected);
    });

    it('gives what Intl gives at any second within two hours of an offset change', () => {
      const changes = fc.constantFrom(
        ['Europe/Oslo', at('2025-03-30T01:00:00Z')],
        ['Europe/Oslo', at('1980-04-06T01:00:00Z')],
        ['America/New_York', at('2024-11-03T06:00:00Z')],
        ['Australia/Lord_Howe', at('2025-04-05T15:00:00Z')],
        ['Africa/Monrovia', at('1972-01-07T00:44:30Z')],
        ['Pacific/Apia', at('2011-12-30T10:00:00Z')],
      );
      fc.assert(
        fc.property(changes, fc.integer({ min: -7200, max: 7200 }), ([zone, change], delta) => {
          expect(offsetMinutesAt(zone as string, change + delta)).toBe(intlOffset(zone as string, change + delta));
        }),
        { numRuns: 500 },
      );
    });

    it('gives what Intl gives at any second from 1850 to 2100', () => {
      const zones = fc.constantFrom(
        'Europe/Oslo',
        'America/New_York',
        'Asia/Kolkata',
        'Australia/Lord_Howe',
        'Africa/Monrovia',
        'America/Sao_Paulo',
      );
      fc.assert(
        fc.property(zones, fc.integer({ min: at('1850-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z') }), (zone, epoch) => {
          expect(offsetMinutesAt(zone, epoch)).toBe(intlOffset(zone, epoch));
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('localDateOf', () => {
    it.each([
      ['2025-01-27T00:00:00', '2025-01-27'],
      ['2025-01-27', '2025-01-27'],
      ['2025-01-27T00:00:00Z', '2025-01-27'],
      // A date field is a calendar date: a stray zone does not move it to another day.
      ['2025-01-26T23:00:00Z', '2025-01-26'],
      ['2024-02-29T00:00:00.000', '2024-02-29'],
    ])('reads %s as %s', (text, expected) => {
      expect(localDateOf(parts(text))).toBe(expected);
    });
  });

  describe('parseDateTime', () => {
    it.each([
      ['2025-02-29T00:00:00', 'a day February 2025 does not have'],
      ['2025-13-01', 'month 13'],
      ['2025-01-27T24:00:00', 'hour 24'],
      ['2025-01-27T12:60:00', 'minute 60'],
      ['2025-01-27Z', 'a zone on a date without time'],
      ['27.01.2025', 'a Norwegian date'],
      ['2025-01-27T13:45:12+19:00', 'an offset beyond 18 hours'],
      ['', 'empty text'],
    ])('refuses %s (%s)', (text) => {
      expect(parseDateTime(text)).toBeNull();
    });
  });

  describe('filterDateTimeOf', () => {
    it.each([
      ['a date, as its midnight', '2025-01-14', '2025-01-14T00:00:00'],
      ['a local date-time, unchanged', '2025-01-14T08:30:00', '2025-01-14T08:30:00'],
      ['a local date-time without seconds', '2025-01-14T08:30', '2025-01-14T08:30:00'],
      ['fractions, dropped', '2025-01-14T08:30:00.999', '2025-01-14T08:30:00'],
      ['a UTC instant, converted to company time', '2025-01-14T07:30:00Z', '2025-01-14T08:30:00'],
      ['a summer UTC instant', '2025-07-14T06:30:00Z', '2025-07-14T08:30:00'],
      ['an instant that crosses midnight', '2025-01-14T23:30:00Z', '2025-01-15T00:30:00'],
    ])('formats %s', (_case, text, expected) => {
      expect(filterDateTimeOf(parts(text), 'Europe/Oslo')).toBe(expected);
    });
  });

  describe('isLocalDate', () => {
    it.each([
      ['2025-01-27', true],
      ['2024-02-29', true],
      ['2025-02-29', false],
      ['2025-1-27', false],
      ['2025-01-27T00:00:00', false],
      ['', false],
    ])('says %s is %s', (text, expected) => {
      expect(isLocalDate(text)).toBe(expected);
    });
  });

  describe('isValidTimeZone', () => {
    it.each([
      ['Europe/Oslo', true],
      ['UTC', true],
      ['Mars/Olympus_Mons', false],
      ['', false],
    ])('says %s is %s', (zone, expected) => {
      expect(isValidTimeZone(zone)).toBe(expected);
    });
  });
});
