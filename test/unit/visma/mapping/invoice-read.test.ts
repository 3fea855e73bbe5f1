import fc from 'fast-check';
import { VismaProtocolError, VismaUnreadableRecordError } from '../../../../src/visma/errors';
import { invoicePageSink } from '../../../../src/visma/list-page-sink';
import { invoiceFromWire, invoicePageFromWire } from '../../../../src/visma/mapping';
import { isUnreadable, pageItems } from '../../../../src/visma/model';
import metadataFragment from '../../../fixtures/list-metadata-fragment.json';
import { sampleInvoiceDto, sampleLineDto, wrapEverything } from '../helpers/invoice-dto';

const OSLO = 'Europe/Oslo';

describe('invoice read mapping', () => {
  describe('invoiceFromWire', () => {
    it('maps a complete invoice to the domain model', () => {
      const invoice = invoiceFromWire(sampleInvoiceDto(), OSLO);

      expect(invoice).toMatchObject({
        referenceNumber: '156589',
        documentType: 'Invoice',
        status: 'Balanced',
        version: 'AAAAAAABCDE=',
        customer: { number: '10000', name: 'Potet AS' },
        documentDate: '2025-01-27',
        documentDueDate: '2025-02-26',
        amount: '1562.5',
        vatTotal: '312.5',
        exchangeRate: '1',
        lastModifiedDateTime: '2025-01-27T13:45:12.347+01:00',
        createdDateTime: '2025-01-27T13:40:00.1+01:00',
        creditTerms: { id: '30D', description: '30 days' },
        contact: { id: 17, name: 'Kari Nordmann' },
        invoiceAddress: {
          addressId: 55,
          line1: 'Storgata 1',
          line2: null,
          postalCode: '0155',
          city: 'Oslo',
          country: { id: 'NO', name: 'Norway' },
          county: null,
          overridden: false,
        },
        invoiceContact: { businessName: 'Potet AS', phone: '+47 22 00 00 00', overridden: false },
        taxDetails: [{ taxId: '3', vat: { number: '3', description: 'Output VAT 25%' }, vatRate: '25', vatAmount: '312.5' }],
        applications: [],
        attachments: [],
      });
      expect(invoice.lines).toEqual([
        expect.objectContaining({
          lineNumber: 1,
          inventoryNumber: '222',
          quantity: '500',
          unitPriceInCurrency: '2.5',
          amount: '1250',
          deductibleAmount: '0',
          account: { number: '3000', description: 'Sales', type: 'Income', active: true, externalCode1: null, externalCode2: null },
          vatCode: { id: '3', description: 'Output VAT 25%' },
          branch: { number: '1', name: 'Main' },
          subaccount: {
            number: '1-00',
            id: 7,
            description: 'Department 1',
            active: true,
            lastModifiedDateTime: '2024-12-01T10:00:00+01:00',
            segments: [{ segmentId: 1, description: 'Department', value: '1', valueDescription: 'Sales' }],
          },
        }),
      ]);
    });

    it('drops metadata, errorInfo and the artefacts on nested objects', () => {
      const invoice = invoiceFromWire(sampleInvoiceDto({ errorInfo: 'stale' }), OSLO);
      const text = JSON.stringify(invoice);

      expect(text).not.toMatch(/metadata|errorInfo|timeStamp|totalCount|maxPageSize/);
      expect(invoice.lines[0]?.subaccount).not.toHaveProperty('version');
    });

    it('reads every scalar the same whether it comes bare or wrapped in { value }', () => {
      expect(invoiceFromWire(wrapEverything(sampleInvoiceDto()), OSLO)).toEqual(invoiceFromWire(sampleInvoiceDto(), OSLO));
    });

    it('reads the same whatever subset of keys is missing', () => {
      const full = sampleInvoiceDto();
      const keys = Object.keys(full).filter((key) => key !== 'referenceNumber');
      fc.assert(
        fc.property(fc.subarray(keys), fc.boolean(), (dropped, asNull) => {
          const dto: Record<string, unknown> = { ...full };
          for (const key of dropped) {
            if (asNull) dto[key] = null;
            else delete dto[key];
          }
          const invoice = invoiceFromWire(dto, OSLO);
          expect(invoice.referenceNumber).toBe('156589');
          expect(Array.isArray(invoice.lines)).toBe(true);
          expect(Array.isArray(invoice.taxDetails)).toBe(true);
        }),
      );
    });

    type Case = [string, Record<string, unknown>, (invoice: ReturnType<typeof invoiceFromWire>) => unknown, unknown];
    it.each<Case>([
      ['a missing key as null', { note: undefined }, (i) => i.note, null],
      ['a null object as null', { customer: null }, (i) => i.customer, null],
      ['a null array as empty', { invoiceLines: null }, (i) => i.lines, []],
      ['a missing array as empty', { taxDetails: undefined }, (i) => i.taxDetails, []],
      [
        'null items of an array as absent',
        { attachments: [null, { id: 'a', name: 'x.pdf', revision: 1 }] },
        (i) => i.attachments,
        [{ id: 'a', name: 'x.pdf', revision: 1 }],
      ],
      ['a decimal sent as numeric text', { amount: '1562.50' }, (i) => i.amount, '1562.5'],
      ['a decimal sent wrapped', { amount: { value: 1562.5 } }, (i) => i.amount, '1562.5'],
      ['a tiny decimal without an exponent', { roundingDiff: 1e-7 }, (i) => i.roundingDiff, '0.0000001'],
      ['an integer sent as text', { dunningLetterLevel: '2' }, (i) => i.dunningLetterLevel, 2],
      ['a boolean sent as text', { hold: 'true' }, (i) => i.hold, true],
      ['a number where text belongs', { referenceNumber: 156589 }, (i) => i.referenceNumber, '156589'],
      ['a date with a zone as its calendar date', { documentDate: '2025-01-27T00:00:00Z' }, (i) => i.documentDate, '2025-01-27'],
      ['a bare date', { documentDate: '2025-01-27' }, (i) => i.documentDate, '2025-01-27'],
      ['an empty date text as null', { documentDueDate: '' }, (i) => i.documentDueDate, null],
      ['.NET DateTime.MinValue as null', { origInvoiceDate: '0001-01-01T00:00:00' }, (i) => i.origInvoiceDate, null],
      ['a UTC instant in company time', { createdDateTime: '2025-07-01T06:00:00Z' }, (i) => i.createdDateTime, '2025-07-01T08:00:00+02:00'],
      [
        'an address wrapped twice',
        { invoiceAddress: { value: { value: { city: { value: 'Bergen' } } } } },
        (i) => i.invoiceAddress?.city,
        'Bergen',
      ],
      ['a status Visma added later, as is', { status: 'Archived' }, (i) => i.status, 'Archived'],
      [
        'the child customer from childRecord',
        { childRecord: { number: '10001', name: 'Potet Nord' } },
        (i) => i.childCustomer,
        { number: '10001', name: 'Potet Nord' },
      ],
      [
        'the deprecated salesperson fields',
        { salesPersonID: 4, salesPersonDescr: 'Ola' },
        (i) => [i.legacySalesPersonId, i.legacySalesPersonDescription],
        [4, 'Ola'],
      ],
      [
        'applications with their Visma names',
        {
          applications: [
            {
              docType: 'Payment',
              customerCD: '10000',
              refNbr: '000042',
              amountPaid: 100,
              pendingPPD: false,
              ppdCrMemoRefNbr: null,
              paymentRef: 'KID',
              applicationDate: '2025-02-01T00:00:00',
            },
          ],
        },
        (i) => i.applications[0],
        expect.objectContaining({
          documentType: 'Payment',
          customerNumber: '10000',
          referenceNumber: '000042',
          amountPaid: '100',
          pendingPpd: false,
          paymentReference: 'KID',
          applicationDate: '2025-02-01',
        }),
      ],
      [
        'a line with its Visma abbreviations',
        { invoiceLines: [sampleLineDto({ soOrderNbr: 'SO1', soOrderType: 'SO', soShipmentNbr: 'SH1', deductableAmount: 12.5 })] },
        (i) => i.lines[0],
        expect.objectContaining({
          salesOrderNumber: 'SO1',
          salesOrderType: 'SO',
          salesOrderShipmentNumber: 'SH1',
          deductibleAmount: '12.5',
        }),
      ],
    ])('reads %s', (_case, overrides, pick, expected) => {
      const dto: Record<string, unknown> = { ...sampleInvoiceDto(), ...overrides };
      for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete dto[key];
      expect(pick(invoiceFromWire(dto, OSLO))).toEqual(expected);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a word where a decimal belongs', { amount: 'lots' }, 'invoice.amount'],
      ['text where a date belongs', { documentDate: '27.01.2025' }, 'invoice.documentDate'],
      ['a fraction where an integer belongs', { dunningLetterLevel: 1.5 }, 'invoice.dunningLetterLevel'],
      ['a string where an object belongs', { customer: '10000' }, 'invoice.customer'],
      ['an object where an array belongs', { invoiceLines: {} }, 'invoice.invoiceLines'],
      [
        'a bad field inside a line',
        { invoiceLines: [sampleLineDto({ quantity: 'many' as unknown as number })] },
        'invoice.invoiceLines[0].quantity',
      ],
      ['no referenceNumber', { referenceNumber: null }, 'referenceNumber'],
    ])('refuses %s with a protocol error naming the field', (_case, overrides, field) => {
      const read = () => invoiceFromWire({ ...sampleInvoiceDto(), ...overrides }, OSLO);
      expect(read).toThrow(VismaProtocolError);
      expect(read).toThrow(field);
    });

    it('refuses a body that is not an object', () => {
      expect(() => invoiceFromWire([], OSLO)).toThrow(VismaProtocolError);
      expect(() => invoiceFromWire('156589', OSLO)).toThrow(VismaProtocolError);
    });

    it('tells a body that is not an object from an invoice that cannot be read', () => {
      expect(() => invoiceFromWire([], OSLO)).not.toThrow(VismaUnreadableRecordError);
      expect(() => invoiceFromWire({ ...sampleInvoiceDto(), amount: 'lots' }, OSLO)).toThrow(VismaUnreadableRecordError);
    });

    it('names the invoice whose due date lies in year 10000, and the field, in an unreadable-record error', () => {
      const error = caught(() => invoiceFromWire({ ...sampleInvoiceDto(), documentDueDate: YEAR_10000 }, OSLO));

      expect(error).toBeInstanceOf(VismaUnreadableRecordError);
      expect(error).toMatchObject({ referenceNumber: '156589', kind: 'protocol' });
      expect((error as Error).message).toBe(`Visma sent "${YEAR_10000}" for invoice.documentDueDate; expected an ISO 8601 date-time.`);
    });

    it('names no invoice when the unreadable one has no readable referenceNumber', () => {
      const error = caught(() => invoiceFromWire({ ...sampleInvoiceDto(), referenceNumber: { nested: true } }, OSLO));

      expect(error).toBeInstanceOf(VismaUnreadableRecordError);
      expect(error).toMatchObject({ referenceNumber: null });
    });
  });

  describe('invoicePageFromWire', () => {
    it('takes the total and the applied page size from the first item', () => {
      const page = invoicePageFromWire(
        [sampleInvoiceDto({ ...metadataFragment }), sampleInvoiceDto({ referenceNumber: '156590', metadata: null })],
        OSLO,
      );

      expect(page.totalCount).toBe(450);
      expect(page.maxPageSize).toBe(10);
      expect(page.invoices.map((invoice) => invoice.referenceNumber)).toEqual(['156589', '156590']);
    });

    it('reports no total for an empty page, where Visma sends no metadata', () => {
      expect(invoicePageFromWire([], OSLO)).toEqual({ invoices: [], totalCount: null, maxPageSize: null });
    });

    it('reports no total when the first item has no metadata', () => {
      const page = invoicePageFromWire([sampleInvoiceDto({ metadata: undefined })], OSLO);
      expect([page.totalCount, page.maxPageSize]).toEqual([null, null]);
    });

    it('refuses a body that is not an array', () => {
      expect(() => invoicePageFromWire({ invoices: [] }, OSLO)).toThrow(VismaProtocolError);
    });
  });

  describe('a page holding an item it cannot read', () => {
    const good = (referenceNumber: string): Record<string, unknown> => ({ ...sampleInvoiceDto({ ...metadataFragment }), referenceNumber });
    const badDueDate = (referenceNumber: string): Record<string, unknown> => ({ ...good(referenceNumber), documentDueDate: YEAR_10000 });

    it('keeps the neighbours and carries the bad item by its position, number and reason', () => {
      const page = invoicePageFromWire([good('1'), badDueDate('2'), good('3')], OSLO);

      expect(page.invoices.map((invoice) => invoice.referenceNumber)).toEqual(['1', '3']);
      expect(page.unreadable).toEqual([
        {
          position: 1,
          referenceNumber: '2',
          reason: `Visma sent "${YEAR_10000}" for invoices[1].documentDueDate; expected an ISO 8601 date-time.`,
        },
      ]);
      expect([page.totalCount, page.maxPageSize]).toEqual([450, 10]);
    });

    it('takes the total from an unreadable first item, whose metadata can still be read', () => {
      const page = invoicePageFromWire([badDueDate('1'), good('2')], OSLO);

      expect([page.totalCount, page.maxPageSize]).toEqual([450, 10]);
      expect(page.unreadable?.map((item) => item.position)).toEqual([0]);
    });

    it.each<[string, unknown]>([
      ['an item that is not an object', 42],
      ['an item without a referenceNumber', { ...sampleInvoiceDto(), referenceNumber: null }],
      ['an item wrapped in { value } with a bad line', { value: { ...sampleInvoiceDto(), invoiceLines: [{ quantity: 'many' }] } }],
    ])('carries %s instead of failing the page', (_case, item) => {
      const page = invoicePageFromWire([good('1'), item], OSLO);

      expect(page.invoices).toHaveLength(1);
      expect(page.unreadable).toHaveLength(1);
      expect(page.unreadable?.[0]?.position).toBe(1);
    });

    it('reads the number of a wrapped bad item', () => {
      const page = invoicePageFromWire([{ value: { ...badDueDate('X1'), referenceNumber: { value: 'X1' } } }], OSLO);

      expect(page.unreadable?.[0]?.referenceNumber).toBe('X1');
    });

    it('leaves unreadable out of a page whose every item was read', () => {
      expect(invoicePageFromWire([good('1')], OSLO)).not.toHaveProperty('unreadable');
    });

    it('maps any mix of good and bad items the same read as the body arrives, in any chunks, as from the whole body, and pageItems puts each back in its place', () => {
      fc.assert(
        fc.property(fc.array(fc.boolean(), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), (bad, cuts) => {
          const items = bad.map((isBad, index) => (isBad ? badDueDate(`R${index}`) : good(`R${index}`)));
          const page = invoicePageFromWire(items, OSLO);

          const body = Buffer.from(JSON.stringify(items), 'utf8');
          const sink = invoicePageSink(OSLO);
          let from = 0;
          for (const cut of cuts.map((at) => at % (body.length + 1)).sort((a, b) => a - b)) {
            sink.write(body.subarray(from, cut));
            from = cut;
          }
          sink.write(body.subarray(from));
          expect(sink.end()).toEqual({ value: { kind: 'page', page } });
          expect(page.invoices.length + (page.unreadable?.length ?? 0)).toBe(items.length);
          const inPlace = pageItems(page).map((item) => (isUnreadable(item) ? `!${item.referenceNumber}` : item.referenceNumber));
          expect(inPlace).toEqual(bad.map((isBad, index) => (isBad ? `!R${index}` : `R${index}`)));
        }),
      );
    });
  });
});

const YEAR_10000 = '10000-01-30T00:00:00';

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the read to fail, but it succeeded');
}
