import { freezeAndWeigh, stringBytes } from '../../../src/upstream-cache';

describe('freezeAndWeigh', () => {
  it('counts an object as its header and a slot per property, small integers, booleans and null inside their slots', () => {
    expect(freezeAndWeigh({ count: 7, open: true, note: null })).toBe(24 + 3 * 8);
  });

  it('counts a string as its header and characters rounded up to 8, two bytes a character past Latin-1', () => {
    expect(stringBytes('')).toBe(16);
    expect(stringBytes('Nordlys Potetlager AS')).toBe(16 + 24);
    expect(stringBytes('Ærøskøbing')).toBe(16 + 16);
    expect(stringBytes('€ 100')).toBe(16 + 16);
  });

  it('counts a fraction or a large number as a 16-byte box, and an array as its header, store and slots', () => {
    expect(freezeAndWeigh({ rate: 1.5, stamp: Date.UTC(2026, 0, 1) })).toBe(24 + 2 * 8 + 2 * 16);
    expect(freezeAndWeigh([1, 2, 3])).toBe(48 + 3 * 8);
  });

  it('counts a string value once however many fields hold it, as the mapping shares it', () => {
    const date = '2026-11-25';
    expect(freezeAndWeigh({ documentDate: date, origInvoiceDate: date, cashDiscountDate: date })).toBe(24 + 3 * 8 + stringBytes(date));
  });

  it('adds up nested objects and arrays', () => {
    expect(freezeAndWeigh({ lines: [{ description: 'Consulting' }] })).toBe(24 + 8 + (48 + 8) + (24 + 8 + stringBytes('Consulting')));
  });

  it('freezes everything it weighs, deeply', () => {
    const value = { customer: { number: '10000' }, lines: [{ description: 'First' }] };
    freezeAndWeigh(value);
    expect([
      Object.isFrozen(value),
      Object.isFrozen(value.customer),
      Object.isFrozen(value.lines),
      Object.isFrozen(value.lines[0]),
    ]).toEqual([true, true, true, true]);
  });

  it('stops at the parts it is told are weighed on their own: only the slot pointing to them counts, and they stay unfrozen', () => {
    const invoice = { referenceNumber: '000001', invoiceText: 'x'.repeat(1_000) };
    const page = { invoices: [invoice], totalCount: 1, maxPageSize: 1000 };
    expect(freezeAndWeigh(page, new Set([invoice]))).toBe(24 + 3 * 8 + (48 + 8));
    expect([Object.isFrozen(page.invoices), Object.isFrozen(invoice)]).toEqual([true, false]);
  });
});
