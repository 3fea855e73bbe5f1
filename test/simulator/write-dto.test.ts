import { parseWriteDto, WriteDtoError } from '../../src/simulator/write-dto';

const line = (fields: Record<string, unknown>): Record<string, unknown> => ({ invoiceLines: [{ operation: 'Insert', ...fields }] });
const parseStrict = (body: unknown): ReturnType<typeof parseWriteDto> => parseWriteDto(body, { rejectUnknown: true });

describe('parseWriteDto', () => {
  describe('accepts the shapes the spec defines', () => {
    it.each([
      ['a wrapped string', { customerNumber: { value: '10000' } }],
      ['a wrapped decimal', { exchangeRate: { value: 11.5 } }],
      ['a wrapped date', { documentDate: { value: '2025-01-27' } }],
      ['a wrapped date-time with zone', { documentDate: { value: '2025-01-27T10:00:00.000Z' } }],
      ['null inside a string wrapper', { note: { value: null } }],
      ['null inside a Nullable wrapper', { contact: { value: null } }],
      ['a bare operation', line({})],
      ['a bare subaccount array of bare segments', line({ subaccount: [{ segmentId: 1, segmentValue: '10' }] })],
      [
        'billingAddress wrapped twice',
        { billingAddress: { value: { addressLine1: { value: 'Storgata 1' }, overrideAddress: { value: true } } } },
      ],
      ['invoiceContact wrapped twice', { invoiceContact: { value: { name: { value: 'A' }, email: { value: 'a@b.example' } } } }],
      ['plain taxDetailLines', { taxDetailLines: [{ taxId: { value: '3' }, vatAmount: { value: 1 } }] }],
      [
        'rotRutDetails as a plain object with a plain distribution',
        { rotRutDetails: { type: { value: 'Rot' }, distribution: [{ operation: 'Insert', amount: { value: 10 } }] } },
      ],
      ['a wrapped itemType enum', line({ itemType: { value: 'Service' } })],
      ['a wrapped GUID', { directDebitMandateId: { value: '2ddece9b-a89b-4f5a-a251-2cf14837bb2d' } }],
      ['member names in another casing', { CustomerNumber: { value: '10000' } }],
    ])('%s', (_label, body) => {
      expect(() => parseStrict(body)).not.toThrow();
    });
  });

  describe('refuses each irregularity done wrong', () => {
    it.each([
      ['a bare string where a wrapper is expected', { customerNumber: '10000' }, /customerNumber must be wrapped/],
      ['a bare number where a wrapper is expected', line({ quantity: 5 }), /invoiceLines\[0\]\.quantity must be wrapped/],
      ['a wrapper without "value"', { invoiceText: {} }, /has no "value"/],
      ['a wrapped operation', { invoiceLines: [{ operation: { value: 'Insert' } }] }, /operation must be a bare string/],
      ['an unknown operation', { invoiceLines: [{ operation: 'Upsert' }] }, /operation must be a bare string/],
      [
        'a wrapped subaccount array',
        line({ subaccount: { value: [{ segmentId: 1, segmentValue: '10' }] } }),
        /subaccount must be a plain JSON array/,
      ],
      [
        'a wrapped segment value',
        line({ subaccount: [{ segmentId: 1, segmentValue: { value: '10' } }] }),
        /segmentValue must be a bare string/,
      ],
      ['a wrapped segment id', line({ subaccount: [{ segmentId: { value: 1 }, segmentValue: '10' }] }), /segmentId must be a bare integer/],
      [
        'billingAddress wrapped once (fields at the top)',
        { billingAddress: { addressLine1: { value: 'x' } } },
        /billingAddress must be wrapped/,
      ],
      [
        'billingAddress with bare inner fields',
        { billingAddress: { value: { addressLine1: 'x' } } },
        /billingAddress\.value\.addressLine1 must be wrapped/,
      ],
      ['invoiceContact wrapped once', { invoiceContact: { name: { value: 'x' } } }, /invoiceContact must be wrapped/],
      [
        'invoiceContact with bare inner fields',
        { invoiceContact: { value: { email: 'a@b' } } },
        /invoiceContact\.value\.email must be wrapped/,
      ],
      ['wrapped invoiceLines', { invoiceLines: { value: [] } }, /invoiceLines must be a plain JSON array/],
      ['wrapped taxDetailLines', { taxDetailLines: { value: [] } }, /taxDetailLines must be a plain JSON array/],
      ['a wrapped rotRutDetails', { rotRutDetails: { value: { type: { value: 'Rot' } } } }, /Unknown field 'rotRutDetails\.value'/],
    ])('%s', (_label, body, message) => {
      expect(() => parseStrict(body)).toThrow(message);
    });
  });

  describe('refuses a wrong JSON type inside a wrapper', () => {
    it.each([
      ['a string for a decimal', line({ quantity: { value: '5' } }), 'a number'],
      ['a string for a boolean', { hold: { value: 'true' } }, 'a boolean'],
      ['a fraction for an int32', line({ lineNumber: { value: 1.5 } }), 'an integer'],
      ['a number for a string', { invoiceText: { value: 42 } }, 'a string'],
      ['a number for a date', { documentDate: { value: 20250127 } }, 'a date-time'],
      ['a non-ISO date', { documentDate: { value: '27.01.2025' } }, 'a date-time'],
      ['an impossible date', { documentDate: { value: '2025-02-30' } }, 'a date-time'],
      ['null for a non-nullable decimal', line({ unitPriceInCurrency: { value: null } }), 'a number'],
      ['null for a non-nullable boolean', { dontPrint: { value: null } }, 'a boolean'],
      ['a malformed GUID', { directDebitMandateId: { value: 'not-a-guid' } }, 'a GUID'],
      ['an unknown itemType', line({ itemType: { value: 'Goods' } }), 'one of Service'],
      ['an object for a string', { note: { value: { text: 'x' } } }, 'a string'],
    ])('%s', (_label, body, expected) => {
      expect(() => parseStrict(body)).toThrow(expected);
    });
  });

  describe('unknown members', () => {
    it('are refused by default, naming the field', () => {
      expect(() => parseStrict({ customerNo: { value: '10000' } })).toThrow("Unknown field 'customerNo'.");
      expect(() => parseStrict(line({ qty: { value: 1 } }))).toThrow("Unknown field 'invoiceLines[0].qty'.");
    });

    it('are dropped when the company setting says ignore, as ASP.NET does', () => {
      const fields = parseWriteDto({ customerNo: { value: '10000' }, invoiceText: { value: 'x' } }, { rejectUnknown: false });
      expect([...fields.keys()]).toEqual(['invoiceText']);
    });
  });

  it('refuses a body that is not an object', () => {
    expect(() => parseStrict([])).toThrow(WriteDtoError);
    expect(() => parseStrict('x')).toThrow('The body must be a JSON object');
  });

  it('unwraps values into exact decimals and company dates', () => {
    const fields = parseStrict({ exchangeRate: { value: 0.1 }, documentDate: { value: '2025-01-26T23:30:00-01:00' } });
    expect(fields.get('exchangeRate')).toBe(100_000n);
    expect(fields.get('documentDate')).toEqual({ date: '2025-01-27', ms: Date.UTC(2025, 0, 27, 0, 30) });
  });
});
