import { MAX_QUOTED_LENGTH, errorFromResponse, parseErrorBody } from '../../../../src/visma/error-response';
import {
  VismaConflictError,
  VismaForbiddenError,
  VismaNotFoundError,
  VismaProtocolError,
  VismaRateLimitedError,
  VismaResponseTooLargeError,
  VismaTimeoutError,
  VismaUnauthenticatedError,
  VismaUnavailableError,
  VismaValidationError,
  type VismaError,
} from '../../../../src/visma/errors';
import ipp12002 from '../../../fixtures/error-ippexception-12002.json';
import ipp12027 from '../../../fixtures/error-ippexception-no-license-12027.json';
import taxCategory from '../../../fixtures/error-message-taxcategory.json';
import { FakeClock, FakeUpstream, caught, clientFor, type Reply } from '../helpers/fake-upstream';

const NOW = Date.parse('2025-01-27T12:00:00Z');

function errorFor(status: number, body: string | object = '', headers: Record<string, string> = {}): VismaError {
  return errorFromResponse({
    status,
    operation: 'GET /v1/customerinvoice/000123',
    headers: { get: (name) => headers[name.toLowerCase()] ?? null },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    now: NOW,
    redact: (text) => text.split('secret-token').join('[redacted]'),
  });
}

describe('VismaClient', () => {
  describe('error bodies', () => {
    it.each<[string, string, ReturnType<typeof parseErrorBody>]>([
      [
        'the message envelope, without its VismaId prefix',
        JSON.stringify(taxCategory),
        {
          shape: 'message',
          vismaId: 'f948dfa5-350c-49c7-bdf9-5e40729a2804',
          message: "Error creating document. Error: TaxCategoryID '0' cannot be found in the system.",
        },
      ],
      ['the message envelope without a VismaId', '{"message":"You cannot do that."}', { shape: 'message', message: 'You cannot do that.' }],
      ['the message envelope spelled Message', '{"Message":"Invalid."}', { shape: 'message', message: 'Invalid.' }],
      [
        'the IPP envelope with its fault code',
        JSON.stringify(ipp12027),
        { shape: 'ipp', faultCode: '12027', message: 'No license for this company.' },
      ],
      ['the IPP envelope with an empty message', JSON.stringify(ipp12002), { shape: 'ipp', faultCode: '12002', message: null }],
      ['plain text', 'Service Unavailable', { shape: 'text', message: 'Service Unavailable' }],
      ['JSON of another shape, as text', '{"error":"x"}', { shape: 'text', message: '{"error":"x"}' }],
      ['an empty body', '', { shape: 'empty', message: null }],
      ['a blank body', ' \n ', { shape: 'empty', message: null }],
    ])('reads %s', (_case, body, expected) => {
      expect(parseErrorBody(body)).toEqual(expected);
    });

    it('cuts long bodies', () => {
      const parsed = parseErrorBody('x'.repeat(5_000));
      expect(parsed.message).toHaveLength(MAX_QUOTED_LENGTH + 1);
      expect(parsed.message?.endsWith('…')).toBe(true);
    });
  });

  describe('error mapping', () => {
    type Case = [number, string | object, Record<string, string>, new (...args: never[]) => VismaError];
    it.each<Case>([
      [400, taxCategory, {}, VismaValidationError],
      [422, { message: 'Invalid.' }, {}, VismaValidationError],
      [400, ipp12002, {}, VismaForbiddenError],
      [401, '', {}, VismaUnauthenticatedError],
      [403, '', {}, VismaForbiddenError],
      [500, ipp12027, {}, VismaUnavailableError],
      [403, ipp12027, {}, VismaForbiddenError],
      [404, '', {}, VismaNotFoundError],
      [408, '', {}, VismaTimeoutError],
      [409, '', {}, VismaConflictError],
      [412, { message: 'Customer invoice version does not match with If-Match header' }, {}, VismaConflictError],
      [429, '', { 'retry-after': '30' }, VismaRateLimitedError],
      [500, 'boom', {}, VismaUnavailableError],
      [502, '', {}, VismaUnavailableError],
      [503, '', {}, VismaUnavailableError],
      [405, '', {}, VismaProtocolError],
      [302, '', {}, VismaProtocolError],
    ])('maps %i with %j to the right error', (status, body, headers, type) => {
      const error = errorFor(status, body, headers);
      expect(error).toBeInstanceOf(type);
      expect(error.status).toBe(status);
      expect(error.operation).toBe('GET /v1/customerinvoice/000123');
    });

    it("makes Visma's cleaned text the message of a validation error and keeps the VismaId apart", () => {
      const error = errorFor(400, taxCategory);

      expect(error.message).toBe("Error creating document. Error: TaxCategoryID '0' cannot be found in the system.");
      expect(error.vismaId).toBe('f948dfa5-350c-49c7-bdf9-5e40729a2804');
    });

    it('gives a validation error without a body a message that says so', () => {
      expect(errorFor(400).message).toBe('Visma rejected GET /v1/customerinvoice/000123 (400) without a message.');
    });

    it('keeps the IPP fault code', () => {
      const error = errorFor(403, ipp12027);
      expect(error.faultCode).toBe('12027');
      expect(error.message).toContain('No license for this company.');
    });

    it.each([
      ['seconds', '120', 120],
      ['an HTTP date', 'Mon, 27 Jan 2025 12:01:30 GMT', 90],
      ['a date in the past, as zero', 'Mon, 27 Jan 2025 11:00:00 GMT', 0],
      ['nonsense, as unknown', 'soon', undefined],
    ])('reads Retry-After given as %s', (_case, header, seconds) => {
      const error = errorFor(429, '', { 'retry-after': header }) as VismaRateLimitedError;
      expect(error.retryAfterSeconds).toBe(seconds);
    });

    it('leaves retryAfterSeconds undefined without Retry-After', () => {
      expect((errorFor(429) as VismaRateLimitedError).retryAfterSeconds).toBeUndefined();
    });

    it('removes secrets from quoted bodies', () => {
      const error = errorFor(500, 'upstream echoed Bearer secret-token back');
      expect(error.message).not.toContain('secret-token');
      expect(error.message).toContain('[redacted]');
    });
  });

  describe('errors over the wire', () => {
    async function failureOf(reply: Reply): Promise<VismaError> {
      const upstream = new FakeUpstream(() => reply);
      return (await caught(clientFor(upstream, new FakeClock(), { maxAttempts: 1 }).getInvoice('000123'))) as VismaError;
    }

    it('never quotes the bearer token, even when Visma echoes it', async () => {
      const error = await failureOf({ status: 500, body: 'bad header: Authorization: Bearer token-1' });

      expect(error).toBeInstanceOf(VismaUnavailableError);
      expect(error.message).not.toContain('token-1');
    });

    it('reports a 200 with a body that is not JSON as a protocol error', async () => {
      const error = await failureOf({ status: 200, body: '<html>maintenance</html>' });

      expect(error).toBeInstanceOf(VismaProtocolError);
      expect(error.message).toContain('not JSON');
    });

    it('reports a 200 with an empty body as a protocol error', async () => {
      const error = await failureOf({ status: 200, body: '' });

      expect(error).toBeInstanceOf(VismaProtocolError);
      expect(error.message).toContain('empty body');
    });

    it('reports an answer over maxResponseBytes as too large, sent once and never retried', async () => {
      const upstream = new FakeUpstream(() => ({ status: 200, body: `[${'"x",'.repeat(2_000)}"x"]` }));
      const client = clientFor(upstream, new FakeClock(), { maxResponseBytes: 4_096 });

      const error = await caught(client.listInvoices({ pageNumber: 1, pageSize: 100 }));

      expect(error).toBeInstanceOf(VismaResponseTooLargeError);
      expect(error).toMatchObject({ limitBytes: 4_096, operation: 'GET /v1/customerinvoice' });
      expect(error.message).toContain('larger than 4096 bytes');
      expect(upstream.apiRequests).toHaveLength(1);
    });

    it('reads an answer of exactly maxResponseBytes', async () => {
      const body = JSON.stringify({ message: 'x'.repeat(4_096 - 14) });
      expect(Buffer.byteLength(body)).toBe(4_096);
      const upstream = new FakeUpstream(() => ({ status: 500, body }));

      const error = await caught(clientFor(upstream, new FakeClock(), { maxResponseBytes: 4_096, maxAttempts: 1 }).getInvoice('000123'));

      expect(error).toBeInstanceOf(VismaUnavailableError);
    });

    it('reports a 404 as not found', async () => {
      const error = await failureOf({
        status: 404,
        body: { message: 'VismaId: 6e2a06a8-76d8-4e9a-bce8-a5818d60a388. Invoice not found.' },
      });

      expect(error).toBeInstanceOf(VismaNotFoundError);
      expect(error.vismaId).toBe('6e2a06a8-76d8-4e9a-bce8-a5818d60a388');
    });
  });
});
