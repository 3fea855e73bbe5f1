import { VismaProtocolError } from '../../../../src/visma/errors';
import { WireReader } from '../../../../src/visma/mapping/reader';

const read = (record: object, timeZone = 'Europe/Oslo') => WireReader.root(record, 'invoice', timeZone);

describe('WireReader', () => {
  // Date and instant texts are remembered once read; these pin that memory changes no answer.
  describe('date and instant texts read before', () => {
    it('reads a remembered stamp with the offset of each zone', () => {
      const record = { stamp: '2025-07-01T08:00:00' };

      expect(read(record, 'Europe/Oslo').instant('stamp')).toBe('2025-07-01T08:00:00+02:00');
      expect(read(record, 'America/New_York').instant('stamp')).toBe('2025-07-01T08:00:00-04:00');
      expect(read(record, 'Europe/Oslo').instant('stamp')).toBe('2025-07-01T08:00:00+02:00');
    });

    it('reads one text as a date and as an instant, each its own way', () => {
      const record = { at: '2025-01-26T23:30:00Z' };

      expect(read(record).instant('at')).toBe('2025-01-27T00:30:00+01:00');
      expect(read(record).date('at')).toBe('2025-01-26');
      expect(read(record).instant('at')).toBe('2025-01-27T00:30:00+01:00');
    });

    it.each([
      ['an empty text', ''],
      ['.NET DateTime.MinValue', '0001-01-01T00:00:00'],
    ])('reads %s as null every time', (_case, text) => {
      for (let i = 0; i < 2; i += 1) {
        expect(read({ at: text }).instant('at')).toBeNull();
        expect(read({ at: text }).date('at')).toBeNull();
      }
    });

    it('refuses a text that is not a date-time every time, naming the field', () => {
      for (let i = 0; i < 2; i += 1) {
        expect(() => read({ at: '27.01.2025' }).date('at')).toThrow(
          new VismaProtocolError('Visma sent "27.01.2025" for invoice.at; expected an ISO 8601 date-time.'),
        );
      }
    });

    it('reads a wrapped text it has read bare', () => {
      expect(read({ at: '2025-01-27' }).date('at')).toBe('2025-01-27');
      expect(read({ at: { value: '2025-01-27' } }).date('at')).toBe('2025-01-27');
    });
  });
});
