import { GraphQLError } from 'graphql';
import { ItemType } from '../../../../src/graphql/enums/item-type.enum';
import { LineOperation } from '../../../../src/graphql/enums/line-operation.enum';
import type { CreateInvoiceInput } from '../../../../src/graphql/inputs/create-invoice.input';
import type { InvoiceLineChangeInput } from '../../../../src/graphql/inputs/invoice-line-change.input';
import {
  toExpectedVersion,
  toInvoiceDraft,
  toLineChanges,
  toReferenceNumber,
} from '../../../../src/graphql/validation/invoice-input.validation';

function problemsOf(run: () => unknown): Array<{ field: string; message: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions['code'] === 'BAD_USER_INPUT') {
      return error.extensions['problems'] as Array<{ field: string; message: string }>;
    }
    throw error;
  }
  throw new Error('expected a BAD_USER_INPUT error');
}

const input = (overrides: Partial<CreateInvoiceInput> = {}): CreateInvoiceInput => ({
  customerNumber: '10000',
  lines: [{ description: 'Consulting', quantity: '2', unitPrice: '100.50' }],
  ...overrides,
});

describe('toInvoiceDraft', () => {
  it('maps a clean input onto the client draft, leaving out what was not given', () => {
    expect(
      toInvoiceDraft(
        input({
          documentDate: '2025-01-27',
          invoiceText: 'Potatoes',
          projectId: 'P1',
          billingAddress: { line1: 'Storgata 1', city: 'Oslo', overridden: true },
          lines: [
            {
              inventoryNumber: '222',
              quantity: '500',
              uom: 'STK',
              unitPrice: '1.25',
              discountAmount: '3',
              projectTaskId: 'T1',
              itemType: ItemType.SERVICE,
              subaccount: [{ segmentId: 1, segmentValue: '00' }],
            },
          ],
        }),
      ),
    ).toEqual({
      customerNumber: '10000',
      documentDate: '2025-01-27',
      invoiceText: 'Potatoes',
      project: 'P1',
      billingAddress: { line1: 'Storgata 1', city: 'Oslo', overridden: true },
      lines: [
        {
          inventoryNumber: '222',
          quantity: '500',
          uom: 'STK',
          unitPriceInCurrency: '1.25',
          discountAmountInCurrency: '3',
          taskId: 'T1',
          itemType: 'Service',
          subaccount: [{ segmentId: 1, value: '00' }],
        },
      ],
    });
  });

  it('asks Visma to use a supplied invoice number instead of its number series', () => {
    expect(toInvoiceDraft(input({ referenceNumber: 'X-1' }))).toMatchObject({ referenceNumber: 'X-1', overrideNumberSeries: true });
  });

  it('treats null like a field left out', () => {
    expect(toInvoiceDraft(input({ note: null, hold: null }))).not.toHaveProperty('note');
  });

  describe('problems, each with the path of the field', () => {
    it.each<[string, Partial<CreateInvoiceInput>, Array<{ field: string; message: string }>]>([
      ['a missing customer number', { customerNumber: '  ' }, [{ field: 'input.customerNumber', message: 'is required.' }]],
      ['no lines', { lines: [] }, [{ field: 'input.lines', message: 'must contain at least one line.' }]],
      [
        'a line with neither item nor description',
        { lines: [{ description: 'ok' }, { description: 'ok' }, { quantity: '1', description: ' ' }] },
        [{ field: 'input.lines[2].inventoryNumber', message: 'a new line needs an inventoryNumber or a description.' }],
      ],
      [
        "a line description over Visma's 30 characters",
        { lines: [{ description: 'x'.repeat(31) }] },
        [{ field: 'input.lines[0].description', message: 'must be at most 30 characters; received 31.' }],
      ],
      [
        'a discount over 100 percent',
        { lines: [{ description: 'x', discountPercent: '100.01' }] },
        [{ field: 'input.lines[0].discountPercent', message: 'must be from 0 to 100; received "100.01".' }],
      ],
      [
        'a negative discount',
        { lines: [{ description: 'x', discountPercent: '-1' }] },
        [{ field: 'input.lines[0].discountPercent', message: 'must be from 0 to 100; received "-1".' }],
      ],
      [
        'an UNKNOWN item type',
        { lines: [{ description: 'x', itemType: ItemType.UNKNOWN }] },
        [{ field: 'input.lines[0].itemType', message: 'UNKNOWN cannot be written; choose SERVICE, MATERIAL_COST or OTHER_COST.' }],
      ],
      [
        'an end date before the start date',
        { startDate: '2025-02-01', endDate: '2025-01-31' },
        [{ field: 'input.endDate', message: 'must not be before startDate (2025-02-01); received 2025-01-31.' }],
      ],
      [
        'a malformed financial period',
        { financialPeriod: '2025-01' },
        [{ field: 'input.financialPeriod', message: 'must be a period as YYYYMM, such as "202501"; received "2025-01".' }],
      ],
      [
        'a zero exchange rate',
        { exchangeRate: '0.00' },
        [{ field: 'input.exchangeRate', message: 'must be greater than 0; received "0.00".' }],
      ],
      [
        'a blank invoice number',
        { referenceNumber: ' ' },
        [{ field: 'input.referenceNumber', message: 'must not be blank; leave it out to let Visma number the invoice.' }],
      ],
      [
        'a repeated subaccount segment',
        {
          lines: [
            {
              description: 'x',
              subaccount: [
                { segmentId: 1, segmentValue: '1' },
                { segmentId: 1, segmentValue: '2' },
              ],
            },
          ],
        },
        [{ field: 'input.lines[0].subaccount[1].segmentId', message: 'segment 1 is given twice.' }],
      ],
      [
        'an over-long e-mail',
        { invoiceContact: { email: `${'a'.repeat(250)}@x.test` } },
        [{ field: 'input.invoiceContact.email', message: 'must be at most 255 characters; received 257.' }],
      ],
    ])('reports %s', (_name, overrides, problems) => {
      expect(problemsOf(() => toInvoiceDraft(input(overrides)))).toEqual(problems);
    });

    it('counts characters, not UTF-16 units', () => {
      expect(() => toInvoiceDraft(input({ lines: [{ description: '🥔'.repeat(30) }] }))).not.toThrow();
    });

    it('reports every problem at once and names the first in the message', () => {
      let error: unknown;
      try {
        toInvoiceDraft(input({ customerNumber: '', lines: [] }));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(GraphQLError);
      expect((error as GraphQLError).message).toBe('input.customerNumber: is required. (and 1 more problem)');
      expect((error as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerNumber' });
    });
  });
});

describe('dates a user could mean (1900-01-01 to 2199-12-31)', () => {
  const header = ['documentDate', 'documentDueDate', 'cashDiscountDate', 'origInvoiceDate', 'startDate', 'endDate'] as const;
  const line = ['startDate', 'endDate', 'termStartDate', 'termEndDate'] as const;

  it.each(header)('refuses input.%s of 9999-12-31, whose derived due date Visma would store in year 10000', (field) => {
    expect(problemsOf(() => toInvoiceDraft(input({ [field]: '9999-12-31' })))).toEqual([
      { field: `input.${field}`, message: 'must be a date from 1900-01-01 to 2199-12-31; received "9999-12-31".' },
    ]);
  });

  it.each(line)('refuses a line %s outside the range, on create and on a line change', (field) => {
    const bad = { description: 'Consulting', quantity: '1', [field]: '0001-01-01' };
    expect(problemsOf(() => toInvoiceDraft(input({ lines: [bad] })))).toEqual([
      { field: `input.lines[0].${field}`, message: 'must be a date from 1900-01-01 to 2199-12-31; received "0001-01-01".' },
    ]);
    expect(problemsOf(() => toLineChanges([{ operation: LineOperation.INSERT, line: bad }]))).toEqual([
      { field: `lines[0].line.${field}`, message: 'must be a date from 1900-01-01 to 2199-12-31; received "0001-01-01".' },
    ]);
  });

  it('accepts the first and the last day of the range', () => {
    expect(toInvoiceDraft(input({ documentDate: '1900-01-01', documentDueDate: '2199-12-31' }))).toMatchObject({
      documentDate: '1900-01-01',
      documentDueDate: '2199-12-31',
    });
  });

  it.each(['1899-12-31', '2200-01-01'])('refuses the day just outside, %s', (day) => {
    expect(problemsOf(() => toInvoiceDraft(input({ documentDate: day })))).toEqual([
      { field: 'input.documentDate', message: `must be a date from 1900-01-01 to 2199-12-31; received "${day}".` },
    ]);
  });
});

describe('toLineChanges', () => {
  const change = (value: Partial<InvoiceLineChangeInput>): InvoiceLineChangeInput => value as InvoiceLineChangeInput;

  it('maps INSERT, UPDATE and DELETE onto the client changes', () => {
    expect(
      toLineChanges([
        change({ operation: LineOperation.INSERT, line: { inventoryNumber: '6', quantity: '1' } }),
        change({ operation: LineOperation.UPDATE, lineNumber: 2, line: { quantity: '3', description: '' } }),
        change({ operation: LineOperation.DELETE, lineNumber: 3 }),
      ]),
    ).toEqual([
      { operation: 'Insert', line: { inventoryNumber: '6', quantity: '1' } },
      { operation: 'Update', lineNumber: 2, line: { quantity: '3', description: '' } },
      { operation: 'Delete', lineNumber: 3 },
    ]);
  });

  it.each<[string, InvoiceLineChangeInput[], Array<{ field: string; message: string }>]>([
    ['no changes', [], [{ field: 'lines', message: 'must contain at least one change.' }]],
    [
      'an UPDATE without a line number',
      [change({ operation: LineOperation.UPDATE, line: { quantity: '1' } })],
      [{ field: 'lines[0].lineNumber', message: 'is required for UPDATE.' }],
    ],
    [
      'a DELETE without a line number',
      [change({ operation: LineOperation.DELETE })],
      [{ field: 'lines[0].lineNumber', message: 'is required for DELETE.' }],
    ],
    [
      'a DELETE with line fields',
      [change({ operation: LineOperation.DELETE, lineNumber: 1, line: { quantity: '1' } })],
      [{ field: 'lines[0].line', message: 'is not allowed for DELETE.' }],
    ],
    [
      'an UPDATE that changes nothing',
      [change({ operation: LineOperation.UPDATE, lineNumber: 1, line: {} })],
      [{ field: 'lines[0].line', message: 'must set at least one field to change.' }],
    ],
    [
      'an INSERT without a line',
      [change({ operation: LineOperation.INSERT })],
      [{ field: 'lines[0].line', message: 'is required for INSERT: give an inventoryNumber or a description.' }],
    ],
    [
      'an INSERT without item or description',
      [change({ operation: LineOperation.INSERT, line: { quantity: '1' } })],
      [{ field: 'lines[0].line.inventoryNumber', message: 'a new line needs an inventoryNumber or a description.' }],
    ],
    [
      'a line number below 1',
      [change({ operation: LineOperation.DELETE, lineNumber: 0 })],
      [{ field: 'lines[0].lineNumber', message: 'must be 1 or more; received 0.' }],
    ],
    [
      'the same line changed twice',
      [
        change({ operation: LineOperation.UPDATE, lineNumber: 4, line: { quantity: '1' } }),
        change({ operation: LineOperation.DELETE, lineNumber: 4 }),
      ],
      [{ field: 'lines[1].lineNumber', message: 'line 4 is already changed by lines[0]; change a line once per call.' }],
    ],
  ])('reports %s', (_name, changes, problems) => {
    expect(problemsOf(() => toLineChanges(changes))).toEqual(problems);
  });
});

describe('toReferenceNumber', () => {
  it('passes a number through', () => {
    expect(toReferenceNumber('003547')).toBe('003547');
  });

  it.each([
    ['', 'is required.'],
    ['1234567890123456', 'must be at most 15 characters; received 16.'],
  ])('refuses %j', (value, message) => {
    expect(problemsOf(() => toReferenceNumber(value))).toEqual([{ field: 'referenceNumber', message }]);
  });
});

describe('toExpectedVersion', () => {
  it('leaves a missing version out', () => {
    expect(toExpectedVersion(null)).toBeUndefined();
  });

  it('refuses a blank version', () => {
    expect(problemsOf(() => toExpectedVersion(' '))).toEqual([
      { field: 'expectedVersion', message: 'must be a version read from CustomerInvoice.version.' },
    ]);
  });
});
