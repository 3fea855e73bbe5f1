import { referenceFromLocation } from '../../../../src/visma/client';
import { VismaInputError, VismaProtocolError, VismaUnreadableRecordError, VismaValidationError } from '../../../../src/visma/errors';
import { invoicePageFromWire } from '../../../../src/visma/mapping';
import { BASE_URL, FakeClock, FakeUpstream, caught, clientFor, invoiceBody, ok, type Reply } from '../helpers/fake-upstream';

function answering(reply: Reply): FakeUpstream {
  return new FakeUpstream(() => reply);
}

describe('VismaClient', () => {
  describe('getInvoice', () => {
    it('GETs the invoice by its reference number with the expected headers', async () => {
      const upstream = answering(ok());

      const invoice = await clientFor(upstream, new FakeClock()).getInvoice('000123', { requestId: 'req-7' });

      const [request] = upstream.apiRequests;
      expect(request?.method).toBe('GET');
      expect(request?.target).toBe('/v1/customerinvoice/000123');
      expect(request?.headers).toMatchObject({ Accept: 'application/json', 'X-Request-Id': 'req-7' });
      expect(request?.headers['Content-Type']).toBeUndefined();
      expect(invoice).toMatchObject({ referenceNumber: '000123', documentDate: '2025-01-27', amount: '100', version: 'AAAAAAAAB9E=' });
    });

    it('encodes the reference number as one path segment', async () => {
      const upstream = answering(ok());

      await clientFor(upstream, new FakeClock()).getInvoice('A/1 ?#%');

      expect(upstream.apiRequests[0]?.target).toBe('/v1/customerinvoice/A%2F1%20%3F%23%25');
    });

    it.each(['', '.', '..'])('refuses the reference number %j without sending anything', async (referenceNumber) => {
      const upstream = answering(ok());

      const error = await caught(clientFor(upstream, new FakeClock()).getInvoice(referenceNumber));

      expect(error).toBeInstanceOf(VismaInputError);
      expect(upstream.requests).toHaveLength(0);
    });

    it('answers an invoice it cannot read with an unreadable-record error naming the invoice', async () => {
      const body = JSON.stringify({ ...invoiceBody('000123'), documentDueDate: '10000-01-30T00:00:00' });

      const error = await caught(clientFor(answering({ status: 200, body }), new FakeClock()).getInvoice('000123'));

      expect(error).toBeInstanceOf(VismaUnreadableRecordError);
      expect(error).toMatchObject({ referenceNumber: '000123', kind: 'protocol' });
      expect(error.message).toBe('Visma sent "10000-01-30T00:00:00" for invoice.documentDueDate; expected an ISO 8601 date-time.');
    });

    it('leaves out an X-Request-Id that could not travel as a header', async () => {
      const upstream = answering(ok());

      await clientFor(upstream, new FakeClock()).getInvoice('000123', { requestId: 'bad\r\nid' });

      expect(upstream.apiRequests[0]?.headers['X-Request-Id']).toBeUndefined();
    });
  });

  describe('listInvoices', () => {
    it('sends filters and paging as Visma query parameters and reads the page', async () => {
      const upstream = answering(ok([invoiceBody('1'), invoiceBody('2')]));

      const page = await clientFor(upstream, new FakeClock()).listInvoices({
        filter: { customerNumber: '10000', status: 'Open', lastModifiedDateTime: { operator: '>=', value: '2025-01-14' } },
        pageNumber: 2,
        pageSize: 50,
      });

      expect(upstream.apiRequests[0]?.target).toBe(
        '/v1/customerinvoice?status=Open&customer=10000&lastModifiedDateTime=2025-01-14T00%3A00%3A00' +
          '&lastModifiedDateTimeCondition=%3E%3D&pageNumber=2&pageSize=50',
      );
      expect(page).toMatchObject({ totalCount: 1, maxPageSize: 1000 });
      expect(page.invoices.map((invoice) => invoice.referenceNumber)).toEqual(['1', '2']);
    });

    it('reads a page with wrapped items and whitespace as the whole-body mapping does', async () => {
      const body = `[\n ${JSON.stringify({ value: invoiceBody('1') })} ,\n ${JSON.stringify(invoiceBody('2'))}\n]\n`;

      const page = await clientFor(answering({ status: 200, body }), new FakeClock()).listInvoices({ pageNumber: 1, pageSize: 2 });

      expect(page.invoices.map((invoice) => invoice.referenceNumber)).toEqual(['1', '2']);
      expect(page.totalCount).toBe(1);
    });

    // Items are parsed and mapped one at a time; broken JSON anywhere still breaks the body as a
    // whole, as a whole-body parse would.
    it('reports an item without a number before a broken one as the whole-body mapping does', async () => {
      const body = `[${JSON.stringify(invoiceBody(''))},{"referenceNumber":}]`;

      const error = await caught(clientFor(answering({ status: 200, body }), new FakeClock()).listInvoices({ pageNumber: 1, pageSize: 2 }));

      expect(error).toBeInstanceOf(VismaProtocolError);
      expect(error.message).toBe('Visma answered GET /v1/customerinvoice with 200 and a body that is not JSON.');
    });

    // An item that is JSON but cannot be read fails only itself, on either path, in its place.
    it.each([
      [
        'an item without a number before one that is not an object',
        `[${JSON.stringify(invoiceBody(''))},42,${JSON.stringify(invoiceBody('3'))}]`,
        [
          { position: 0, referenceNumber: null, reason: 'Visma sent an invoice without a referenceNumber (invoices[0]).' },
          { position: 1, referenceNumber: null, reason: 'Visma sent 42 for invoices[1]; expected a JSON object.' },
        ],
        ['3'],
      ],
      [
        'a wrapped list',
        `{"value":[${JSON.stringify(invoiceBody(''))}]}`,
        [{ position: 0, referenceNumber: null, reason: 'Visma sent an invoice without a referenceNumber (invoices[0]).' }],
        [],
      ],
    ])('carries %s in the page as the whole-body mapping does', async (_case, body, unreadable, readable) => {
      const page = await clientFor(answering({ status: 200, body }), new FakeClock()).listInvoices({ pageNumber: 1, pageSize: 3 });

      expect(page.unreadable).toEqual(unreadable);
      expect(page.invoices.map((invoice) => invoice.referenceNumber)).toEqual(readable);
      expect(page).toEqual(invoicePageFromWire(JSON.parse(body), 'Europe/Oslo'));
    });

    it('reads an empty page as no invoices and no total', async () => {
      const upstream = answering(ok([]));

      await expect(clientFor(upstream, new FakeClock()).listInvoices({ pageNumber: 9, pageSize: 50 })).resolves.toEqual({
        invoices: [],
        totalCount: null,
        maxPageSize: null,
      });
    });
  });

  describe('createInvoice', () => {
    it('POSTs the wire body to /v2/customerinvoice and reads the number from Location', async () => {
      const upstream = answering({
        status: 201,
        headers: { Location: `${BASE_URL}/v1/customerinvoice/000200`, ETag: '"AAAAAAAAC9E="' },
      });

      const created = await clientFor(upstream, new FakeClock()).createInvoice({
        customerNumber: '10000',
        lines: [{ description: 'Potatoes', quantity: '2' }],
      });

      const [request] = upstream.apiRequests;
      expect(request?.method).toBe('POST');
      expect(request?.target).toBe('/v2/customerinvoice');
      expect(request?.headers['Content-Type']).toBe('application/json');
      expect(JSON.parse(request?.body ?? '')).toEqual({
        customerNumber: { value: '10000' },
        invoiceLines: [{ operation: 'Insert', description: { value: 'Potatoes' }, quantity: { value: 2 } }],
      });
      expect(created).toEqual({ referenceNumber: '000200', version: 'AAAAAAAAC9E=' });
    });

    it('reports a create without Location as a protocol error', async () => {
      const error = await caught(clientFor(answering({ status: 201 }), new FakeClock()).createInvoice({ customerNumber: '1', lines: [] }));

      expect(error).toBeInstanceOf(VismaProtocolError);
      expect(error.message).toContain('Location');
    });

    it('refuses an invalid draft before sending anything', async () => {
      const upstream = answering({ status: 201 });

      const error = await caught(clientFor(upstream, new FakeClock()).createInvoice({ customerNumber: '1', lines: [{ quantity: 'two' }] }));

      expect(error).toBeInstanceOf(VismaInputError);
      expect(upstream.apiRequests).toHaveLength(0);
    });
  });

  describe('referenceFromLocation', () => {
    it.each([
      ['an absolute URL', 'https://api.finance.visma.net/v1/customerinvoice/000200', '000200'],
      ['a relative path', '/v1/customerinvoice/000200', '000200'],
      ['a path with a trailing slash', '/v1/CustomerInvoice/000200/', '000200'],
      ['an encoded segment', 'https://x/v1/customerinvoice/A%2F1%20B', 'A/1 B'],
      ['a b64() segment', 'https://x/v1/customerinvoice/b64(QS8x)', 'A/1'],
      ['a URL with a query', 'https://x/v1/customerinvoice/000200?x=1', '000200'],
    ])('reads %s', (_case, location, expected) => {
      expect(referenceFromLocation(location, BASE_URL)).toBe(expected);
    });

    it.each([null, '', '/', 'https://x/v1/customerinvoice/%E0%A4%A'])('refuses %j', (location) => {
      expect(() => referenceFromLocation(location, BASE_URL)).toThrow(VismaProtocolError);
    });
  });

  describe('updateInvoice', () => {
    it('PUTs only the patch, with If-Match quoted, and returns the new version from ETag', async () => {
      const upstream = answering({ status: 204, headers: { ETag: 'W/"AAAAAAAAD9E="' } });

      const updated = await clientFor(upstream, new FakeClock()).updateInvoice(
        '000123',
        { invoiceText: 'New text', lineChanges: [{ operation: 'Delete', lineNumber: 2 }] },
        { ifMatch: 'AAAAAAAAB9E=' },
      );

      const [request] = upstream.apiRequests;
      expect(request?.method).toBe('PUT');
      expect(request?.target).toBe('/v1/customerinvoice/000123');
      expect(request?.headers['If-Match']).toBe('"AAAAAAAAB9E="');
      expect(JSON.parse(request?.body ?? '')).toEqual({
        invoiceText: { value: 'New text' },
        invoiceLines: [{ operation: 'Delete', lineNumber: { value: 2 } }],
      });
      expect(updated).toEqual({ version: 'AAAAAAAAD9E=' });
    });

    it('sends an already quoted version as it is', async () => {
      const upstream = answering({ status: 204 });

      const updated = await clientFor(upstream, new FakeClock()).updateInvoice('1', {}, { ifMatch: '"abc="' });

      expect(upstream.apiRequests[0]?.headers['If-Match']).toBe('"abc="');
      expect(updated).toEqual({ version: null });
    });

    it('sends no If-Match when none is given', async () => {
      const upstream = answering({ status: 204 });

      await clientFor(upstream, new FakeClock()).updateInvoice('1', { note: '' });

      expect(upstream.apiRequests[0]?.headers['If-Match']).toBeUndefined();
    });

    it('refuses a version that cannot be an entity tag', async () => {
      const error = await caught(clientFor(answering({ status: 204 }), new FakeClock()).updateInvoice('1', {}, { ifMatch: 'a"b' }));

      expect(error).toBeInstanceOf(VismaInputError);
    });
  });

  describe('releaseInvoice', () => {
    it('POSTs the release action and reads its result', async () => {
      const upstream = answering(ok({ actionId: 'id-1', actionResult: 'Done' }));

      const result = await clientFor(upstream, new FakeClock()).releaseInvoice('000123', { ifMatch: 'v1' });

      const [request] = upstream.apiRequests;
      expect(request?.method).toBe('POST');
      expect(request?.target).toBe('/v1/customerinvoice/000123/action/release');
      expect(request?.body).toBe('{}');
      expect(request?.headers['If-Match']).toBe('"v1"');
      expect(result).toEqual({ actionId: 'id-1', result: 'Done' });
    });

    it('turns a Failed action into a validation error with Visma’s reason', async () => {
      const upstream = answering(ok({ actionId: 'id-1', actionResult: 'Failed', errorInfo: 'Document is out of balance.' }));

      const error = await caught(clientFor(upstream, new FakeClock()).releaseInvoice('000123'));

      expect(error).toBeInstanceOf(VismaValidationError);
      expect(error.message).toBe('Document is out of balance.');
    });

    it('reads a background acceptance as queued', async () => {
      const upstream = answering({ status: 202, body: { id: 'bg-1', stateLocation: '/v1/background/bg-1' } });

      await expect(clientFor(upstream, new FakeClock()).releaseInvoice('000123')).resolves.toEqual({
        actionId: 'bg-1',
        result: 'Queued',
      });
    });
  });

  describe('getCustomer', () => {
    it('GETs the customer by number', async () => {
      const upstream = answering(ok({ number: '10 000', name: 'Potet AS', status: 'Active' }));

      const customer = await clientFor(upstream, new FakeClock()).getCustomer('10 000');

      expect(upstream.apiRequests[0]?.target).toBe('/v1/customer/10%20000');
      expect(customer).toMatchObject({ number: '10 000', name: 'Potet AS', status: 'Active' });
    });
  });

  describe('rateLimit', () => {
    it('is null before the first answer', () => {
      expect(clientFor(answering(ok()), new FakeClock()).rateLimit()).toBeNull();
    });

    it('remembers the X-RateLimit headers of the latest answer', async () => {
      const clock = new FakeClock();
      let remaining = 10;
      const upstream = new FakeUpstream(() =>
        ok(invoiceBody(), {
          'X-RateLimit-Limit': '15000',
          'X-RateLimit-Remaining': String(remaining--),
          'X-RateLimit-Reset': '1800',
          'X-RateLimit-Policy': '4-fixed-window',
        }),
      );
      const client = clientFor(upstream, clock);

      await client.getInvoice('1');
      await client.getInvoice('2');

      expect(client.rateLimit()).toEqual({
        limit: 15000,
        remaining: 9,
        resetAt: clock.time + 1_800_000,
        policy: '4-fixed-window',
        observedAt: clock.time,
      });
    });

    it('remembers the headers of an error answer too', async () => {
      const upstream = answering({
        status: 429,
        headers: { 'X-RateLimit-Limit': '500', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '60', 'Retry-After': '60' },
      });
      const client = clientFor(upstream, new FakeClock(), { deadlineMs: 1_000 });

      await caught(client.getInvoice('1'));

      expect(client.rateLimit()).toMatchObject({ limit: 500, remaining: 0, policy: null });
    });

    it('keeps the last complete set when an answer carries none', async () => {
      const upstream = new FakeUpstream((_request, index) =>
        index === 0 ? ok(invoiceBody(), { 'X-RateLimit-Limit': '5', 'X-RateLimit-Remaining': '4', 'X-RateLimit-Reset': '10' }) : ok(),
      );
      const client = clientFor(upstream, new FakeClock());

      await client.getInvoice('1');
      await client.getInvoice('2');

      expect(client.rateLimit()).toMatchObject({ limit: 5, remaining: 4 });
    });
  });
});
