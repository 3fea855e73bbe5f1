import { parse, startTestSimulator, type Json, type TestSimulator } from './support/harness';

const HEADER_KEYS = 77;
const LINE_KEYS = 41;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}T00:00:00$/;
const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;

function moneyFields(invoice: Json): number[] {
  const header = ['amount', 'balance', 'vatTotal', 'detailTotal', 'discountTotal', 'vatTaxableTotal', 'vatExemptTotal'];
  const values = header.flatMap((key) => [invoice[key], invoice[`${key}InCurrency`]]);
  for (const line of invoice.invoiceLines as Json[]) values.push(line.amount, line.amountInCurrency, line.discountAmount);
  return values as number[];
}

describe('server', () => {
  let simulator: TestSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator();
  });
  afterAll(() => simulator.close());

  describe('GET /v1/customerinvoice/{referenceNumber}', () => {
    it('sends an ETag that quotes the body timeStamp, a base64 row version', async () => {
      const response = await simulator.api('GET', '/v1/customerinvoice/003547');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = parse<Json>(response);
      expect(response.headers.etag).toBe(`"${body.timeStamp}"`);
      expect(Buffer.from(body.timeStamp, 'base64')).toHaveLength(8);
    });

    it('emits every read-DTO key, null where absent', async () => {
      const body = parse<Json>(await simulator.api('GET', '/v1/customerinvoice/003547'));
      expect(Object.keys(body)).toHaveLength(HEADER_KEYS);
      expect(Object.keys(body.invoiceLines[0])).toHaveLength(LINE_KEYS);
      expect(body.metadata).toBeNull();
      expect(body.childRecord).toBeNull();
      expect(body.directDebitMandate).toBeNull();
      expect(body.invoiceLines[0].soOrderNbr).toBeNull();
    });

    it('formats dates without a zone: midnight for dates, milliseconds for audit stamps', async () => {
      const body = parse<Json>(await simulator.api('GET', '/v1/customerinvoice/003547'));
      expect(body.documentDate).toMatch(DATE_ONLY);
      expect(body.documentDueDate).toMatch(DATE_ONLY);
      expect(body.createdDateTime).toMatch(STAMP);
      expect(body.lastModifiedDateTime).toMatch(STAMP);
    });

    it('rounds money to two decimals on every invoice', async () => {
      const all = parse<Json[]>(await simulator.api('GET', '/v1/customerinvoice?pageSize=1000'));
      for (const invoice of all) {
        for (const value of moneyFields(invoice)) expect(Math.round(value * 100) / 100).toBe(value);
      }
    });

    it('answers 404 in the message shape for an unknown number', async () => {
      const response = await simulator.api('GET', '/v1/customerinvoice/000001');
      expect(response.status).toBe(404);
      expect(parse<Json>(response).message).toMatch(/^VismaId: [0-9a-f-]{36}\. .*000001/);
    });

    it('accepts a b64() key and any path casing', async () => {
      const key = Buffer.from('003547').toString('base64url');
      expect((await simulator.api('GET', `/v1/customerinvoice/b64(${key})`)).status).toBe(200);
      expect((await simulator.api('GET', '/V1/CUSTOMERINVOICE/003547/')).status).toBe(200);
    });

    it('serves the same bytes twice and new bytes after a write', async () => {
      const first = await simulator.api('GET', '/v1/customerinvoice/003547');
      const second = await simulator.api('GET', '/v1/customerinvoice/003547');
      expect(second.text).toBe(first.text);
      simulator.sim.controls.editInvoice('003547', { note: 'edited in the UI' });
      const third = await simulator.api('GET', '/v1/customerinvoice/003547');
      expect(parse<Json>(third).note).toBe('edited in the UI');
      expect(third.headers.etag).not.toBe(first.headers.etag);
      simulator.sim.controls.reset();
    });
  });

  describe('GET /v1/customer/{number}', () => {
    it('answers the customer DTO', async () => {
      const response = await simulator.api('GET', '/v1/customer/10000');
      expect(response.status).toBe(200);
      expect(parse<Json>(response)).toMatchObject({
        number: '10000',
        name: 'Nordlys Potetlager AS',
        status: 'Active',
        currencyId: 'NOK',
        creditTerms: { id: '30' },
        mainAddress: { city: 'Oslo', country: { id: 'NO' } },
        vatZone: { id: '01' },
        createdDateTime: expect.stringMatching(STAMP),
        timeStamp: expect.any(String),
      });
    });

    it('answers 404 for an unknown customer', async () => {
      const response = await simulator.api('GET', '/v1/customer/424242');
      expect(response.status).toBe(404);
      expect(parse<Json>(response).message).toMatch(/^VismaId: /);
    });
  });

  describe('routing', () => {
    it('answers 404 for an unknown route', async () => {
      expect((await simulator.api('GET', '/v1/supplierinvoice')).status).toBe(404);
    });

    it('answers 405 with Allow for a known path and another method', async () => {
      const response = await simulator.api('DELETE', '/v1/customer/10000');
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET');
    });

    it('answers 406 when JSON is not acceptable and accepts JSON variants', async () => {
      expect((await simulator.api('GET', '/v1/customerinvoice/003547', { headers: { Accept: 'application/xml' } })).status).toBe(406);
      expect((await simulator.api('GET', '/v1/customerinvoice/003547', { headers: { Accept: 'text/json' } })).status).toBe(200);
      expect((await simulator.api('GET', '/v1/customerinvoice/003547', { headers: { Accept: 'application/xml, */*;q=0.1' } })).status).toBe(
        200,
      );
    });
  });
});
