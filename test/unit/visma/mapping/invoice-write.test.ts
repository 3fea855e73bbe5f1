import fc from 'fast-check';
import { VismaInputError, VismaValidationError } from '../../../../src/visma/errors';
import { draftFromWire, draftToWire, patchFromWire, patchToWire } from '../../../../src/visma/mapping';
import type { InvoiceDraft, InvoiceLineChange, InvoiceLineInput, InvoicePatch } from '../../../../src/visma/model';
import spec from '../../../contract/visma-openapi.extract.json';
import minimalPost from '../../../fixtures/post-customerinvoice-minimal.request.json';
import linePut from '../../../fixtures/put-customerinvoice-line.request.json';

const everyLineField: Required<InvoiceLineInput> = {
  inventoryNumber: '222',
  description: 'Potatoes',
  quantity: '500',
  unitPriceInCurrency: '2.5',
  manualAmountInCurrency: '1250',
  uom: 'STK',
  accountNumber: '3000',
  subaccount: [{ segmentId: 1, value: '00' }],
  vatCodeId: '3',
  discountPercent: '10',
  discountAmountInCurrency: '125',
  manualDiscount: true,
  discountCode: 'SPRING',
  branchNumber: '1',
  taskId: 'T1',
  salesperson: 'OLA',
  itemType: 'Service',
  isRotRutDeductible: false,
  startDate: '2025-01-01',
  endDate: '2025-01-31',
  termStartDate: '2025-02-01',
  termEndDate: '2025-12-31',
  deferralSchedule: 2,
  deferralCode: 'D12',
  note: 'a line note',
};

const everyHeaderField: Required<Omit<InvoicePatch, 'lineChanges'>> = {
  referenceNumber: '156589',
  customerNumber: '10000',
  childCustomerNumber: '10001',
  documentDate: '2025-01-27',
  documentDueDate: '2025-02-26',
  cashDiscountDate: '2025-02-06',
  origInvoiceDate: '2025-01-27',
  startDate: '2025-01-01',
  endDate: '2025-01-31',
  financialPeriod: '202501',
  currencyId: 'NOK',
  exchangeRate: '1',
  invoiceText: 'Payment for potatoes',
  note: 'a note',
  externalReference: 'EXT-1',
  paymentReference: '1000015658907',
  customerRefNumber: 'PO-77',
  customerProject: 'P-9',
  accountingCostRef: 'ACR',
  originatorDocRef: 'ODR',
  contractDocRef: 'CDR',
  creditTermsId: '30D',
  paymentMethodId: 'BANK',
  customerVatZoneId: '01',
  locationId: 'MAIN',
  branchNumber: '1',
  project: 'X',
  contactId: 17,
  salesperson: 'OLA',
  cashAccount: '1920',
  hold: false,
  sendToAutoInvoice: true,
  dontPrint: true,
  dontEmail: false,
  excludeDebtCollection: false,
  overrideNumberSeries: true,
  billingAddress: {
    overridden: true,
    line1: 'Storgata 1',
    line2: '',
    line3: 'c/o',
    postalCode: '0155',
    city: 'Oslo',
    countryId: 'NO',
    county: '03',
  },
  invoiceContact: { overridden: true, name: 'Potet AS', attention: 'Kari', email: 'kari@example.com', phone: '22000000' },
};

describe('invoice write mapping', () => {
  describe('draftToWire', () => {
    it("produces Visma's documented minimal POST body", () => {
      const draft: InvoiceDraft = {
        referenceNumber: '156589',
        customerNumber: '10000',
        documentDate: '2025-01-27',
        invoiceText: 'Payment for potatoes',
        lines: [{ inventoryNumber: '222', quantity: '500', uom: 'STK' }],
      };

      expect(draftToWire(draft)).toEqual(minimalPost);
    });

    it('produces the body a live-tested client sent to POST /v2/customerinvoice', () => {
      const draft: InvoiceDraft = {
        currencyId: 'SEK',
        customerNumber: 'C1',
        lines: [
          {
            itemType: 'Service',
            description: 'Test',
            quantity: '1',
            unitPriceInCurrency: '100',
            accountNumber: '3015',
            subaccount: [
              { segmentId: 1, value: '00' },
              { segmentId: 2, value: '000' },
              { segmentId: 3, value: '00' },
            ],
            branchNumber: '1',
          },
        ],
      };

      expect(JSON.parse(JSON.stringify(draftToWire(draft)))).toEqual({
        currencyId: { value: 'SEK' },
        customerNumber: { value: 'C1' },
        invoiceLines: [
          {
            operation: 'Insert',
            itemType: { value: 'Service' },
            description: { value: 'Test' },
            quantity: { value: 1 },
            unitPriceInCurrency: { value: 100 },
            accountNumber: { value: '3015' },
            subaccount: [
              { segmentId: 1, segmentValue: '00' },
              { segmentId: 2, segmentValue: '000' },
              { segmentId: 3, segmentValue: '00' },
            ],
            branchNumber: { value: '1' },
          },
        ],
      });
    });
  });

  describe('patchToWire', () => {
    it("produces Visma's documented PUT body for a line", () => {
      const patch: InvoicePatch = {
        lineChanges: [{ operation: 'Insert', lineNumber: 1, line: { inventoryNumber: '6', quantity: '1', unitPriceInCurrency: '1' } }],
      };

      expect(patchToWire(patch)).toEqual(linePut);
    });

    it('sends nothing at all for an empty patch', () => {
      expect(patchToWire({})).toEqual({});
    });

    type Case = [string, InvoicePatch, Record<string, unknown>];
    it.each<Case>([
      ['a scalar wrapped once', { invoiceText: 'x' }, { invoiceText: { value: 'x' } }],
      ['an empty string, which clears the field', { note: '' }, { note: { value: '' } }],
      ['a decimal as the JSON number of the same text', { exchangeRate: '10.125' }, { exchangeRate: { value: 10.125 } }],
      ['a date as YYYY-MM-DD', { documentDueDate: '2025-02-26' }, { documentDueDate: { value: '2025-02-26' } }],
      ['contactId under the name contact', { contactId: 17 }, { contact: { value: 17 } }],
      [
        'the billing address wrapped twice',
        { billingAddress: { city: 'Oslo', overridden: true } },
        { billingAddress: { value: { city: { value: 'Oslo' }, overrideAddress: { value: true } } } },
      ],
      [
        'the address lines under their Visma names',
        { billingAddress: { line1: 'a', line2: 'b', line3: 'c', countryId: 'NO', county: '03' } },
        {
          billingAddress: {
            value: {
              addressLine1: { value: 'a' },
              addressLine2: { value: 'b' },
              addressLine3: { value: 'c' },
              countryId: { value: 'NO' },
              county: { value: '03' },
            },
          },
        },
      ],
      [
        'the invoice contact wrapped twice, phone as phone1',
        { invoiceContact: { phone: '1', overridden: false } },
        { invoiceContact: { value: { phone1: { value: '1' }, overrideContact: { value: false } } } },
      ],
      ['an address with no fields as nothing', { billingAddress: {} }, {}],
      [
        'lines as a plain array with a bare operation',
        { lineChanges: [{ operation: 'Update', lineNumber: 2, line: { description: 'd' } }] },
        { invoiceLines: [{ operation: 'Update', lineNumber: { value: 2 }, description: { value: 'd' } }] },
      ],
      [
        'a Delete as the operation and the line number only',
        { lineChanges: [{ operation: 'Delete', lineNumber: 3 }] },
        { invoiceLines: [{ operation: 'Delete', lineNumber: { value: 3 } }] },
      ],
      [
        'an Insert without a line number',
        { lineChanges: [{ operation: 'Insert', line: { description: 'new' } }] },
        { invoiceLines: [{ operation: 'Insert', description: { value: 'new' } }] },
      ],
      [
        'the subaccount as a bare array of bare segments',
        { lineChanges: [{ operation: 'Update', lineNumber: 1, line: { subaccount: [{ segmentId: 1, value: '10' }] } }] },
        { invoiceLines: [{ operation: 'Update', lineNumber: { value: 1 }, subaccount: [{ segmentId: 1, segmentValue: '10' }] }] },
      ],
      [
        'isRotRutDeductible as domesticServicesDeductible',
        { lineChanges: [{ operation: 'Update', lineNumber: 1, line: { isRotRutDeductible: true } }] },
        { invoiceLines: [{ operation: 'Update', lineNumber: { value: 1 }, domesticServicesDeductible: { value: true } }] },
      ],
      ['an empty list of line changes as an empty array', { lineChanges: [] }, { invoiceLines: [] }],
    ])('sends %s', (_case, patch, expected) => {
      expect(patchToWire(patch)).toEqual(expected);
    });

    it('never sends a { value: null } or a { value: undefined }', () => {
      const patch = { invoiceText: undefined, note: undefined, billingAddress: { city: undefined, line1: 'x' } };
      const text = JSON.stringify(patchToWire(patch));
      expect(text).toBe('{"billingAddress":{"value":{"addressLine1":{"value":"x"}}}}');
    });

    it('writes every header and line field under a name and wrapping the spec declares', () => {
      const dto = patchToWire({
        ...everyHeaderField,
        lineChanges: [{ operation: 'Update', lineNumber: 1, line: everyLineField }],
      });

      expect(shapeProblems(dto, { $ref: '#/components/schemas/CustomerInvoiceUpdateDto' }, 'body')).toEqual([]);
      expect(Object.keys(dto)).toHaveLength(39);
      expect(Object.keys(dto.invoiceLines?.[0] ?? {})).toHaveLength(27);
    });
  });

  describe('input checks', () => {
    type Case = [string, () => unknown, string];
    it.each<Case>([
      ['a draft without a customer', () => draftToWire({ customerNumber: ' ', lines: [] }), 'customerNumber'],
      ['a draft without lines', () => draftToWire({ customerNumber: '1' } as InvoiceDraft), 'lines'],
      ['a date that is not a calendar date', () => patchToWire({ documentDate: '2025-02-30' }), 'documentDate'],
      ['a date-time where a date belongs', () => patchToWire({ documentDate: '2025-01-27T00:00:00' }), 'documentDate'],
      ['a decimal a JSON number cannot carry exactly', () => patchToWire({ exchangeRate: '12345678901234567.89' }), 'exchangeRate'],
      ['a decimal in exponent notation', () => patchToWire({ exchangeRate: '1e3' }), 'exchangeRate'],
      ['a decimal with a comma', () => draftToWire({ customerNumber: '1', lines: [{ quantity: '1,5' }] }), 'lines[0].quantity'],
      ['a fractional contact id', () => patchToWire({ contactId: 1.5 }), 'contactId'],
      [
        'an Update without a line number',
        () => patchToWire({ lineChanges: [{ operation: 'Update', line: {} } as unknown as InvoiceLineChange] }),
        'lineChanges[0].lineNumber',
      ],
      ['a Delete of line 0', () => patchToWire({ lineChanges: [{ operation: 'Delete', lineNumber: 0 }] }), 'lineChanges[0].lineNumber'],
      [
        'an unknown operation',
        () => patchToWire({ lineChanges: [{ operation: 'Upsert' } as unknown as InvoiceLineChange] }),
        'lineChanges[0].operation',
      ],
      [
        'an unknown item type',
        () => patchToWire({ lineChanges: [{ operation: 'Insert', line: { itemType: 'Gift' as 'Service' } }] }),
        'lineChanges[0].itemType',
      ],
      [
        'a segment without an id',
        () => patchToWire({ lineChanges: [{ operation: 'Insert', line: { subaccount: [{ value: '1' } as never] } }] }),
        'lineChanges[0].subaccount[0].segmentId',
      ],
      ['a number where text belongs', () => patchToWire({ invoiceText: 5 as unknown as string }), 'invoiceText'],
    ])('refuses %s, naming the field', (_case, map, field) => {
      let thrown: unknown;
      try {
        map();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(VismaInputError);
      expect(thrown).toBeInstanceOf(VismaValidationError);
      expect((thrown as VismaInputError).field).toBe(field);
      expect((thrown as Error).message).toContain(field);
    });
  });

  describe('round trip', () => {
    it('gives back any draft from its wire body', () => {
      fc.assert(
        fc.property(draftArbitrary, (draft) => {
          const wire = JSON.parse(JSON.stringify(draftToWire(draft)));
          expect(draftFromWire(wire)).toEqual(draft);
        }),
      );
    });

    it('gives back any patch from its wire body', () => {
      fc.assert(
        fc.property(patchArbitrary, (patch) => {
          const wire = JSON.parse(JSON.stringify(patchToWire(patch)));
          expect(patchFromWire(wire)).toEqual(patch);
        }),
      );
    });
  });
});

// ----- arbitraries: canonical domain input (decimals without trailing zeros, dates real) -----

const text = fc.string({ maxLength: 12 });
const date = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const decimal = fc.tuple(fc.integer({ min: -999_999_999, max: 999_999_999 }), fc.integer({ min: 0, max: 6 })).map(([units, scale]) => {
  const sign = units < 0 ? '-' : '';
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  const raw = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  const trimmed = raw.includes('.') ? raw.replace(/0+$/, '').replace(/\.$/, '') : raw;
  return trimmed === '0' ? '0' : `${sign}${trimmed}`;
});
const int32 = fc.integer({ min: 0, max: 2_147_483_647 });
const lineNumber = fc.integer({ min: 1, max: 9999 });

const lineArbitrary: fc.Arbitrary<InvoiceLineInput> = fc.record(
  {
    inventoryNumber: text,
    description: text,
    quantity: decimal,
    unitPriceInCurrency: decimal,
    manualAmountInCurrency: decimal,
    uom: text,
    accountNumber: text,
    subaccount: fc.array(fc.record({ segmentId: fc.integer({ min: 1, max: 9 }), value: text }), { maxLength: 3 }),
    vatCodeId: text,
    discountPercent: decimal,
    discountAmountInCurrency: decimal,
    manualDiscount: fc.boolean(),
    discountCode: text,
    branchNumber: text,
    taskId: text,
    salesperson: text,
    itemType: fc.constantFrom('Service' as const, 'MaterialCost' as const, 'OtherCost' as const),
    isRotRutDeductible: fc.boolean(),
    startDate: date,
    endDate: date,
    termStartDate: date,
    termEndDate: date,
    deferralSchedule: int32,
    deferralCode: text,
    note: text,
  },
  { requiredKeys: [] },
);

const headerArbitrary = fc.record(
  {
    referenceNumber: text,
    childCustomerNumber: text,
    documentDate: date,
    documentDueDate: date,
    cashDiscountDate: date,
    origInvoiceDate: date,
    startDate: date,
    endDate: date,
    financialPeriod: text,
    currencyId: text,
    exchangeRate: decimal,
    invoiceText: text,
    note: text,
    externalReference: text,
    paymentReference: text,
    customerRefNumber: text,
    customerProject: text,
    creditTermsId: text,
    paymentMethodId: text,
    branchNumber: text,
    project: text,
    contactId: int32,
    salesperson: text,
    hold: fc.boolean(),
    sendToAutoInvoice: fc.boolean(),
    dontPrint: fc.boolean(),
    overrideNumberSeries: fc.boolean(),
    billingAddress: fc
      .record(
        { overridden: fc.boolean(), line1: text, line2: text, postalCode: text, city: text, countryId: text, county: text },
        { requiredKeys: [] },
      )
      .filter((address) => Object.keys(address).length > 0),
    invoiceContact: fc
      .record({ overridden: fc.boolean(), name: text, attention: text, email: text, phone: text }, { requiredKeys: [] })
      .filter((contact) => Object.keys(contact).length > 0),
  },
  { requiredKeys: [] },
);

const draftArbitrary: fc.Arbitrary<InvoiceDraft> = fc
  .tuple(
    headerArbitrary,
    fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== ''),
    fc.array(lineArbitrary, { maxLength: 4 }),
  )
  .map(([header, customerNumber, lines]) => ({ ...header, customerNumber, lines }));

const lineChangeArbitrary: fc.Arbitrary<InvoiceLineChange> = fc.oneof(
  fc.record({ operation: fc.constant('Insert' as const), line: lineArbitrary }),
  fc.record({ operation: fc.constant('Insert' as const), lineNumber, line: lineArbitrary }),
  fc.record({ operation: fc.constant('Update' as const), lineNumber, line: lineArbitrary }),
  fc.record({ operation: fc.constant('Delete' as const), lineNumber }),
);

const patchArbitrary: fc.Arbitrary<InvoicePatch> = fc
  .tuple(headerArbitrary, fc.option(fc.array(lineChangeArbitrary, { maxLength: 4 }), { nil: undefined }))
  .map(([header, lineChanges]) => (lineChanges === undefined ? header : { ...header, lineChanges }));

// ----- a structural check of a body against the spec extract -----

interface SchemaNode {
  $ref?: string;
  type?: string;
  enum?: string[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
}

const schemas = (spec as unknown as { schemas: Record<string, SchemaNode> }).schemas;

function resolve(node: SchemaNode): SchemaNode {
  return node.$ref === undefined ? node : (schemas[node.$ref.split('/').pop() as string] as SchemaNode);
}

/** Every place where `value` does not have the shape `node` declares, as readable paths. */
function shapeProblems(value: unknown, node: SchemaNode, path: string): string[] {
  const schema = resolve(node);
  if (schema.properties !== undefined) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
    return Object.entries(value).flatMap(([key, inner]) => {
      const property = schema.properties?.[key];
      return property === undefined ? [`${path}.${key}: not in the spec`] : shapeProblems(inner, property, `${path}.${key}`);
    });
  }
  if (schema.type === 'array') {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((item, index) => shapeProblems(item, schema.items as SchemaNode, `${path}[${index}]`));
  }
  if (schema.enum !== undefined) return schema.enum.includes(value as string) ? [] : [`${path}: not one of the enum`];
  const expected = schema.type === 'integer' ? 'number' : schema.type;
  return typeof value === expected ? [] : [`${path}: expected ${schema.type}, got ${typeof value}`];
}
