import fc from 'fast-check';
import { decodeGlobalId, encodeGlobalId, type NodeKey } from '../../../../src/graphql/node/global-id';

const key = fc.oneof(
  fc.record({ type: fc.constant('CustomerInvoice' as const), referenceNumber: fc.string({ unit: 'binary', minLength: 1, maxLength: 15 }) }),
  fc.record({
    type: fc.constant('InvoiceLine' as const),
    referenceNumber: fc.string({ unit: 'binary', minLength: 1, maxLength: 15 }),
    lineNumber: fc.integer({ min: 1, max: 1_000_000 }),
  }),
  fc.record({ type: fc.constant('Customer' as const), number: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }) }),
);
const KEY_TEXT = (value: NodeKey): boolean => (value.type === 'Customer' ? value.number : value.referenceNumber).trim() !== '';

describe('global ids', () => {
  it('decode back to the key they were made from, for any invoice, line and customer number in any script', () => {
    fc.assert(
      fc.property(key.filter(KEY_TEXT), (value) => {
        const id = encodeGlobalId(value);
        expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeGlobalId(id)).toEqual(value);
      }),
    );
  });

  it('are the same for the same key every time, and differ between types that share a key', () => {
    expect(encodeGlobalId({ type: 'CustomerInvoice', referenceNumber: '1001' })).toBe(
      encodeGlobalId({ type: 'CustomerInvoice', referenceNumber: '1001' }),
    );
    const ids = new Set([
      encodeGlobalId({ type: 'CustomerInvoice', referenceNumber: '1001' }),
      encodeGlobalId({ type: 'Customer', number: '1001' }),
      encodeGlobalId({ type: 'InvoiceLine', referenceNumber: '1001', lineNumber: 1 }),
      encodeGlobalId({ type: 'InvoiceLine', referenceNumber: '1001', lineNumber: 2 }),
      encodeGlobalId({ type: 'InvoiceLine', referenceNumber: '1002', lineNumber: 1 }),
    ]);
    expect(ids.size).toBe(5);
  });

  it('keep their spelling across releases (a cache or a bookmark holds them)', () => {
    expect(encodeGlobalId({ type: 'CustomerInvoice', referenceNumber: '003547' })).toBe('WyJDdXN0b21lckludm9pY2UiLCIwMDM1NDciXQ');
    expect(encodeGlobalId({ type: 'InvoiceLine', referenceNumber: '003547', lineNumber: 2 })).toBe('WyJJbnZvaWNlTGluZSIsIjAwMzU0NyIsMl0');
    expect(encodeGlobalId({ type: 'Customer', number: '10000' })).toBe('WyJDdXN0b21lciIsIjEwMDAwIl0');
  });

  it.each([
    ['an empty string', ''],
    ['an invoice number', '003547'],
    ['base64 that is not JSON', Buffer.from('CustomerInvoice:003547').toString('base64url')],
    ['a cursor', Buffer.from(JSON.stringify({ v: 1, o: 0, f: 'abc' })).toString('base64url')],
    ['a type without ids', Buffer.from(JSON.stringify(['Account', '3000'])).toString('base64url')],
    ["another API's Relay id", Buffer.from('User:42').toString('base64')],
    ['a line without its number', Buffer.from(JSON.stringify(['InvoiceLine', '003547'])).toString('base64url')],
    ['a line number of 0', Buffer.from(JSON.stringify(['InvoiceLine', '003547', 0])).toString('base64url')],
    ['a fractional line number', Buffer.from(JSON.stringify(['InvoiceLine', '003547', 1.5])).toString('base64url')],
    ['a blank invoice number', Buffer.from(JSON.stringify(['CustomerInvoice', '  '])).toString('base64url')],
    ['a number where the key is text', Buffer.from(JSON.stringify(['Customer', 10000])).toString('base64url')],
    ['an extra part', Buffer.from(JSON.stringify(['Customer', '10000', 'x'])).toString('base64url')],
    ['padded base64', `${encodeGlobalId({ type: 'Customer', number: '10000' })}=`],
    ['standard base64 of the same JSON with spaces', Buffer.from('["Customer", "10000"]').toString('base64url')],
    ['a long made-up string', 'A'.repeat(10_000)],
  ])('refuse %s', (_case, id) => {
    expect(decodeGlobalId(id)).toBeUndefined();
  });
});
