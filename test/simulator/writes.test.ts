import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, startTestSimulator, type Json, type RawResponse, type TestSimulator } from './support/harness';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8')) as unknown;
const POST_FIXTURE = fixture('post-customerinvoice-minimal.request.json');
const PUT_FIXTURE = fixture('put-customerinvoice-line.request.json');
// 09:30:15.250 UTC is 10:30:15.250 in the default company zone (Europe/Oslo, UTC+1 in January).
const NOW = Date.UTC(2026, 0, 15, 9, 30, 15, 250);

const VISMA_MESSAGE = /^VismaId: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\. /;

describe('writes', () => {
  let simulator: TestSimulator;

  const get = async (number: string): Promise<{ response: RawResponse; body: Json }> => {
    const response = await simulator.api('GET', `/v1/customerinvoice/${number}`);
    return { response, body: parse<Json>(response) };
  };
  const post = (body: unknown, path = '/v2/customerinvoice', headers: Record<string, string> = {}): Promise<RawResponse> =>
    simulator.api('POST', path, { body, headers });
  const put = (number: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> =>
    simulator.api('PUT', `/v1/customerinvoice/${number}`, { body, headers });
  const createdNumber = (response: RawResponse): string => String(response.headers.location).split('/').pop() ?? '';
  const message = (response: RawResponse): string => parse<{ message: string }>(response).message;

  beforeAll(async () => {
    simulator = await startTestSimulator({ now: () => NOW });
  });
  beforeEach(() => simulator.sim.controls.reset());
  afterAll(() => simulator.close());

  describe('POST /v2/customerinvoice', () => {
    it('accepts the documented minimal body: 201, empty body, absolute Location and an ETag', async () => {
      const response = await post(POST_FIXTURE);
      expect(response.status).toBe(201);
      expect(response.text).toBe('');
      expect(response.headers.location).toBe(`${simulator.sim.url}/v1/customerinvoice/003597`);
      const { response: got, body } = await get('003597');
      expect(response.headers.etag).toBe(`"${body.timeStamp}"`);
      expect(got.headers.etag).toBe(response.headers.etag);
    });

    it('computes what Visma computes for the minimal body', async () => {
      const number = createdNumber(await post(POST_FIXTURE));
      const { body } = await get(number);
      expect(body).toMatchObject({
        referenceNumber: number,
        customer: { number: '10000', name: 'Nordlys Potetlager AS' },
        documentType: 'Invoice',
        status: 'Balanced',
        hold: false,
        documentDate: '2025-01-27T00:00:00',
        documentDueDate: '2025-02-26T00:00:00',
        financialPeriod: '202501',
        postPeriod: '202501',
        invoiceText: 'Payment for potatoes',
        currencyId: 'NOK',
        detailTotal: 6250,
        vatTaxableTotal: 6250,
        vatExemptTotal: 0,
        vatTotal: 937.5,
        amount: 7187.5,
        amountInCurrency: 7187.5,
        balance: 7187.5,
        createdDateTime: '2026-01-15T10:30:15.250',
        lastModifiedDateTime: '2026-01-15T10:30:15.250',
      });
      expect(body.invoiceLines).toHaveLength(1);
      expect(body.invoiceLines[0]).toMatchObject({
        lineNumber: 1,
        inventoryNumber: '222',
        description: 'Potatoes',
        uom: 'STK',
        quantity: 500,
        unitPriceInCurrency: 12.5,
        amount: 6250,
        vatCode: { id: '31' },
        account: { number: '3000' },
      });
      expect(body.taxDetails).toEqual([
        {
          taxId: '31',
          recordId: 1,
          vatId: { number: '31', description: expect.any(String) },
          vatRate: 15,
          taxableAmount: 6250,
          vatAmount: 937.5,
          expenseAmount: 0,
        },
      ]);
    });

    it('is also accepted on the deprecated POST /v1/customerinvoice', async () => {
      const response = await post(POST_FIXTURE, '/v1/customerinvoice');
      expect(response.status).toBe(201);
      expect(response.headers.location).toMatch(/\/v1\/customerinvoice\/\d{6}$/);
    });

    it('computes line discounts, VAT per code and totals exactly', async () => {
      const response = await post({
        customerNumber: { value: '10001' },
        documentDate: { value: '2025-03-10' },
        invoiceLines: [
          { operation: 'Insert', inventoryNumber: { value: '6' }, quantity: { value: 3 } },
          { operation: 'Insert', inventoryNumber: { value: 'COFFEE' }, quantity: { value: 2.5 }, discountPercent: { value: 10 } },
          { operation: 'Insert', description: { value: 'Setup fee' }, unitPriceInCurrency: { value: 999.99 }, vatCodeId: { value: '5' } },
          {
            operation: 'Insert',
            inventoryNumber: { value: 'BOOK-01' },
            quantity: { value: 4 },
            unitPriceInCurrency: { value: 100 },
            discountAmountInCurrency: { value: 15 },
          },
        ],
      });
      expect(response.status).toBe(201);
      const { body } = await get(createdNumber(response));
      expect(body.invoiceLines.map((line: Json) => [line.amount, line.discountAmount, line.discountPercent])).toEqual([
        [3750, 0, 0],
        [427.27, 47.48, 10],
        [999.99, 0, 0],
        [385, 15, 3.75],
      ]);
      expect(body.taxDetails.map((tax: Json) => [tax.taxId, tax.taxableAmount, tax.vatAmount])).toEqual([
        ['3', 3750, 937.5],
        ['31', 427.27, 64.09],
        ['5', 1384.99, 0],
      ]);
      expect(body).toMatchObject({
        detailTotal: 5562.26,
        detailTotalInCurrency: 5562.26,
        vatTaxableTotal: 4177.27,
        vatExemptTotal: 1384.99,
        vatTotal: 1001.59,
        amount: 6563.85,
        discountTotal: 62.48,
        balance: 6563.85,
        documentDueDate: '2025-03-24T00:00:00',
      });
    });

    it('converts a foreign-currency invoice to base currency line by line', async () => {
      const response = await post({
        customerNumber: { value: '10005' },
        invoiceLines: [
          { operation: 'Insert', inventoryNumber: { value: '6' }, quantity: { value: 2 }, unitPriceInCurrency: { value: 100 } },
          { operation: 'Insert', inventoryNumber: { value: '6' } },
        ],
      });
      const { body } = await get(createdNumber(response));
      expect(body).toMatchObject({ currencyId: 'EUR', exchangeRate: 11.6275 });
      expect(body.invoiceLines[1]).toMatchObject({ quantity: 1, unitPriceInCurrency: 107.5 });
      expect(body).toMatchObject({
        detailTotalInCurrency: 307.5,
        vatTotalInCurrency: 76.88,
        amountInCurrency: 384.38,
        detailTotal: 3575.46,
        vatTotal: 893.92,
        amount: 4469.38,
      });
    });

    it('defaults documentDate to the business date of the injected clock', async () => {
      const { body } = await get(createdNumber(await post({ customerNumber: { value: '10000' } })));
      expect(body).toMatchObject({ documentDate: '2026-01-15T00:00:00', financialPeriod: '202601', invoiceLines: [] });
    });

    it('ignores a supplied referenceNumber under automatic numbering', async () => {
      expect(createdNumber(await post(POST_FIXTURE))).toBe('003597');
      expect(createdNumber(await post(POST_FIXTURE))).toBe('003598');
    });

    it('uses the supplied referenceNumber with overrideNumberSeries=true', async () => {
      const response = await post({ ...(POST_FIXTURE as Json), overrideNumberSeries: { value: true } });
      expect(createdNumber(response)).toBe('156589');
    });

    it('requires and uses the supplied referenceNumber under manual numbering, and refuses a duplicate', async () => {
      simulator.sim.controls.updateSettings({ numbering: 'manual' });
      const first = await post(POST_FIXTURE);
      expect(first.status).toBe(201);
      expect(first.headers.location).toBe(`${simulator.sim.url}/v1/customerinvoice/156589`);
      const duplicate = await post(POST_FIXTURE);
      expect(duplicate.status).toBe(400);
      expect(message(duplicate)).toMatch(/Another document with the number '156589' already exists/);
      const { referenceNumber: _omit, ...withoutNumber } = POST_FIXTURE as Json;
      const missing = await post(withoutNumber);
      expect(missing.status).toBe(400);
      expect(message(missing)).toContain('referenceNumber is required');
    });

    it('creates on Hold when the company holds documents on entry', async () => {
      simulator.sim.controls.updateSettings({ statusOnCreate: 'Hold' });
      const { body } = await get(createdNumber(await post(POST_FIXTURE)));
      expect(body).toMatchObject({ status: 'Hold', hold: true });
    });

    it('lets the hold flag decide over the company setting', async () => {
      const { body } = await get(createdNumber(await post({ ...(POST_FIXTURE as Json), hold: { value: true } })));
      expect(body).toMatchObject({ status: 'Hold', hold: true });
    });

    it.each([
      ['an unknown customer', { customerNumber: { value: '99999' } }, "Customer '99999' cannot be found in the system."],
      ['an inactive customer', { customerNumber: { value: '10014' } }, "Customer '10014' is inactive."],
      ['no customer', { invoiceText: { value: 'x' } }, 'customerNumber is required.'],
      [
        'an unknown inventory item',
        { customerNumber: { value: '10000' }, invoiceLines: [{ operation: 'Insert', inventoryNumber: { value: 'NOPE' } }] },
        "Inventory item 'NOPE' cannot be found in the system.",
      ],
      [
        'an unknown VAT code',
        {
          customerNumber: { value: '10000' },
          invoiceLines: [{ operation: 'Insert', description: { value: 'x' }, vatCodeId: { value: '0' } }],
        },
        "VAT category '0' cannot be found in the system.",
      ],
      [
        'an unknown account',
        {
          customerNumber: { value: '10000' },
          invoiceLines: [{ operation: 'Insert', description: { value: 'x' }, accountNumber: { value: '9999' } }],
        },
        "Account '9999' cannot be found in the system.",
      ],
      [
        'an unknown branch',
        { customerNumber: { value: '10000' }, branchNumber: { value: '9' } },
        "Branch '9' cannot be found in the system.",
      ],
      [
        'an unknown currency',
        { customerNumber: { value: '10000' }, currencyId: { value: 'XXX' } },
        "Currency 'XXX' cannot be found in the system.",
      ],
      [
        'a wrong unit of measure',
        {
          customerNumber: { value: '10000' },
          invoiceLines: [{ operation: 'Insert', inventoryNumber: { value: '222' }, uom: { value: 'KG' } }],
        },
        "Unit of measure 'KG' is not defined",
      ],
      [
        'a line with neither item nor description',
        { customerNumber: { value: '10000' }, invoiceLines: [{ operation: 'Insert', quantity: { value: 1 } }] },
        'needs an inventoryNumber or a description',
      ],
      [
        'a line without operation',
        { customerNumber: { value: '10000' }, invoiceLines: [{ description: { value: 'x' } }] },
        'operation is required',
      ],
      [
        'an Update on a new invoice',
        { customerNumber: { value: '10000' }, invoiceLines: [{ operation: 'Update', lineNumber: { value: 1 } }] },
        'only Insert is possible',
      ],
      [
        'a subaccount segment that does not exist',
        {
          customerNumber: { value: '10000' },
          invoiceLines: [{ operation: 'Insert', description: { value: 'x' }, subaccount: [{ segmentId: 1, segmentValue: '1' }] }],
        },
        "Department '1' of Subaccount does not exist.",
      ],
      ['a bare scalar', { customerNumber: '10000' }, 'customerNumber must be wrapped'],
      ['an unknown field', { customerNumber: { value: '10000' }, customer: { value: '10000' } }, "Unknown field 'customer'."],
      ['a postPeriod in YYYYMM', { customerNumber: { value: '10000' }, postPeriod: { value: '202501' } }, 'MMYYYY'],
    ])('refuses %s with 400 in the message shape', async (_label, body, detail) => {
      const response = await post(body);
      expect(response.status).toBe(400);
      const text = message(response);
      expect(text).toMatch(VISMA_MESSAGE);
      expect(text).toContain('Error creating document. Error: ');
      expect(text).toContain(detail);
    });

    it('does not use up a number when it refuses a body', async () => {
      await post({ customerNumber: { value: '99999' } });
      expect(createdNumber(await post(POST_FIXTURE))).toBe('003597');
    });

    it('accepts a misspelt field silently when unknown fields are ignored', async () => {
      simulator.sim.controls.updateSettings({ unknownFields: 'ignore' });
      expect((await post({ ...(POST_FIXTURE as Json), customer: { value: 'x' } })).status).toBe(201);
    });

    it('refuses a body that is not JSON with 400', async () => {
      const response = await post('{"customerNumber": ');
      expect(response.status).toBe(400);
      expect(message(response)).toMatch(VISMA_MESSAGE);
    });

    it('refuses a body that is not declared as JSON with 415', async () => {
      const response = await post('customerNumber=10000', '/v2/customerinvoice', { 'Content-Type': 'application/x-www-form-urlencoded' });
      expect(response.status).toBe(415);
    });

    it('accepts text/json and a charset parameter', async () => {
      expect((await post(POST_FIXTURE, '/v2/customerinvoice', { 'Content-Type': 'text/json; charset=utf-8' })).status).toBe(201);
    });

    it('answers 406 when the client accepts only XML', async () => {
      expect((await post(POST_FIXTURE, '/v2/customerinvoice', { Accept: 'application/xml' })).status).toBe(406);
    });
  });

  describe('PUT /v1/customerinvoice/{referenceNumber}', () => {
    it('accepts the documented example: Insert appends a line with the next number; 204 and a new ETag', async () => {
      const before = await get('003547');
      const response = await put('003547', PUT_FIXTURE, { 'If-Match': String(before.response.headers.etag) });
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(response.headers.etag).not.toBe(before.response.headers.etag);
      const after = await get('003547');
      expect(after.response.headers.etag).toBe(response.headers.etag);
      expect(after.body.invoiceLines.map((line: Json) => line.lineNumber)).toEqual([1, 2, 3]);
      expect(after.body.invoiceLines[2]).toMatchObject({
        inventoryNumber: '6',
        description: 'Consulting hour',
        quantity: 1,
        unitPriceInCurrency: 1,
        amount: 1,
      });
      expect(after.body.invoiceLines[0]).toEqual(before.body.invoiceLines[0]);
      expect(after.body.detailTotal).toBe(before.body.detailTotal + 1);
      expect(after.body.lastModifiedDateTime).toBe('2026-01-15T10:30:15.250');
    });

    it('changes only the fields that were sent', async () => {
      const before = await get('003547');
      expect((await put('003547', { invoiceText: { value: 'Changed' } })).status).toBe(204);
      const after = await get('003547');
      const { invoiceText, timeStamp, lastModifiedDateTime, ...rest } = after.body;
      const { invoiceText: oldText, timeStamp: oldStamp, lastModifiedDateTime: _old, ...oldRest } = before.body;
      expect(invoiceText).toBe('Changed');
      expect(oldText).not.toBe('Changed');
      expect(timeStamp).not.toBe(oldStamp);
      expect(lastModifiedDateTime).toBe('2026-01-15T10:30:15.250');
      expect(rest).toEqual(oldRest);
    });

    it('updates a line by lineNumber and recomputes the totals', async () => {
      const before = await get('003547');
      const line1 = before.body.invoiceLines[0];
      await put('003547', {
        invoiceLines: [{ operation: 'Update', lineNumber: { value: 1 }, quantity: { value: 2 }, unitPriceInCurrency: { value: 10 } }],
      });
      const { body } = await get('003547');
      expect(body.invoiceLines[0]).toMatchObject({ lineNumber: 1, description: line1.description, quantity: 2, amount: 20 });
      expect(body.detailTotal).toBe(Math.round((before.body.detailTotal - line1.amount + 20) * 100) / 100);
    });

    it('deletes a line by lineNumber', async () => {
      await put('003547', { invoiceLines: [{ operation: 'Delete', lineNumber: { value: 1 } }] });
      const { body } = await get('003547');
      expect(body.invoiceLines.map((line: Json) => line.lineNumber)).toEqual([2]);
      expect(body.detailTotal).toBe(body.invoiceLines[0].amount);
    });

    it.each([
      ['Update', { operation: 'Update', lineNumber: { value: 9 }, quantity: { value: 1 } }],
      ['Delete', { operation: 'Delete', lineNumber: { value: 9 } }],
    ])('refuses %s of a missing line with 400 and changes nothing', async (_op, change) => {
      const before = await get('003547');
      const response = await put('003547', { invoiceText: { value: 'half' }, invoiceLines: [change] });
      expect(response.status).toBe(400);
      expect(message(response)).toContain('Error updating document. Error: invoiceLines[0]: line 9 does not exist');
      const after = await get('003547');
      expect(after.body).toEqual(before.body);
    });

    it.each([
      ['quoted', (etag: string) => etag],
      ['bare', (etag: string) => etag.slice(1, -1)],
      ['weak', (etag: string) => `W/${etag}`],
      ['a wildcard', () => '*'],
    ])('honours a matching If-Match given %s', async (_label, form) => {
      const etag = String((await get('003547')).response.headers.etag);
      expect((await put('003547', { note: { value: 'n' } }, { 'If-Match': form(etag) })).status).toBe(204);
    });

    it('answers 412 when If-Match does not match the current version', async () => {
      const etag = String((await get('003547')).response.headers.etag);
      await put('003547', { note: { value: 'someone else' } });
      const response = await put('003547', { note: { value: 'mine' } }, { 'If-Match': etag });
      expect(response.status).toBe(412);
      expect(message(response)).toContain('Customer invoice version does not match with If-Match header');
      expect((await get('003547')).body.note).toBe('someone else');
    });

    it('refuses to edit a released invoice', async () => {
      const released = String(
        (await simulator.api('GET', '/v1/customerinvoice?status=Open&pageSize=1')).text.match(/"referenceNumber":"(\d+)"/)?.[1],
      );
      const response = await put(released, { invoiceText: { value: 'x' } });
      expect(response.status).toBe(400);
      expect(message(response)).toContain('is released');
    });

    it('refuses to change the customer but accepts the same customer', async () => {
      expect((await put('003547', { customerNumber: { value: '10001' } })).status).toBe(400);
      expect((await put('003547', { customerNumber: { value: '10000' } })).status).toBe(204);
    });

    it('answers 404 for an unknown invoice', async () => {
      const response = await put('999999', { note: { value: 'x' } });
      expect(response.status).toBe(404);
      expect(message(response)).toMatch(VISMA_MESSAGE);
    });

    it('switches between Hold and Balanced with the hold flag', async () => {
      await put('003547', { hold: { value: true } });
      expect((await get('003547')).body).toMatchObject({ status: 'Hold', hold: true });
      await put('003547', { hold: { value: false } });
      expect((await get('003547')).body).toMatchObject({ status: 'Balanced', hold: false });
    });

    it('writes the twice-wrapped address and contact', async () => {
      await put('003547', {
        billingAddress: { value: { overrideAddress: { value: true }, addressLine1: { value: 'Kaigata 5' }, countryId: { value: 'SE' } } },
        invoiceContact: { value: { overrideContact: { value: true }, email: { value: 'ap@example.com' } } },
      });
      const { body } = await get('003547');
      expect(body.invoiceAddress).toMatchObject({
        overrideAddress: true,
        addressLine1: 'Kaigata 5',
        country: { id: 'SE', name: 'Sweden' },
      });
      expect(body.invoiceContact).toMatchObject({ overrideContact: true, email: 'ap@example.com' });
    });
  });

  describe('POST /v1/customerinvoice/{referenceNumber}/action/release', () => {
    const release = (number: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
      simulator.api('POST', `/v1/customerinvoice/${number}/action/release`, { headers });

    it('releases a balanced invoice: 200 with actionId and Done; the invoice becomes Open', async () => {
      const response = await release('003547');
      expect(response.status).toBe(200);
      const result = parse<Json>(response);
      expect(Object.keys(result).sort()).toEqual(['actionId', 'actionResult']);
      expect(result.actionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.actionResult).toBe('Done');
      const { body } = await get('003547');
      expect(body).toMatchObject({ status: 'Open', hold: false, balance: body.amount });
      const released = parse<Json[]>(await simulator.api('GET', '/v1/customerinvoice?released=1&pageSize=1000'));
      expect(released.map((i) => i.referenceNumber)).toContain('003547');
      expect((await put('003547', { note: { value: 'x' } })).status).toBe(400);
    });

    it('refuses an invoice on hold and one already released', async () => {
      await put('003547', { hold: { value: true } });
      const onHold = await release('003547');
      expect(onHold.status).toBe(400);
      expect(message(onHold)).toContain('on hold');
      await put('003547', { hold: { value: false } });
      expect((await release('003547')).status).toBe(200);
      const again = await release('003547');
      expect(again.status).toBe(400);
      expect(message(again)).toContain('already released');
    });

    it('honours If-Match', async () => {
      expect((await release('003547', { 'If-Match': '"AAAAAAAAAAE="' })).status).toBe(412);
      const etag = String((await get('003547')).response.headers.etag);
      expect((await release('003547', { 'If-Match': etag })).status).toBe(200);
    });

    it('answers 404 for an unknown invoice', async () => {
      expect((await release('999999')).status).toBe(404);
    });
  });
});
