import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import {
  ErrorCode,
  INTERNAL_ERROR_MESSAGE,
  badUserInput,
  classifyError,
  formatGatewayError,
  fromInvoicesError,
  fromVismaError,
} from '../../../src/graphql/errors';
import { InvalidRequestError, InvoiceNotFoundError, LineLimitExceededError, ReadBackError } from '../../../src/invoices';
import {
  VismaConflictError,
  VismaForbiddenError,
  VismaInputError,
  VismaNotFoundError,
  VismaProtocolError,
  VismaRateLimitedError,
  VismaResponseTooLargeError,
  VismaTimeoutError,
  VismaUnauthenticatedError,
  VismaUnavailableError,
  VismaValidationError,
  type VismaError,
} from '../../../src/visma/errors';

/** How graphql-js hands a resolver's error to Apollo: located, with the original inside. */
function located(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['customerInvoice'], originalError: original });
}

const FORMATTED: GraphQLFormattedError = {
  message: 'raw message',
  path: ['customerInvoice'],
  locations: [{ line: 1, column: 3 }],
  extensions: { code: 'INTERNAL_SERVER_ERROR' },
};

describe('fromVismaError', () => {
  it.each<[string, VismaError, string, string, Record<string, unknown>]>([
    [
      '404',
      new VismaNotFoundError('GET /v1/customerinvoice/1 404'),
      ErrorCode.NOT_FOUND,
      'Visma has no record of the requested resource.',
      {},
    ],
    [
      '400',
      new VismaValidationError("Error creating document. Error: Customer '9' cannot be found in the system.", { vismaId: 'f948dfa5' }),
      ErrorCode.BAD_USER_INPUT,
      "Error creating document. Error: Customer '9' cannot be found in the system.",
      { vismaId: 'f948dfa5' },
    ],
    [
      'input refused by the client',
      new VismaInputError('ifMatch must be a version as returned by Visma.', 'ifMatch'),
      ErrorCode.BAD_USER_INPUT,
      'ifMatch must be a version as returned by Visma.',
      { field: 'ifMatch' },
    ],
    [
      '412',
      new VismaConflictError('412'),
      ErrorCode.CONFLICT,
      'The invoice was changed since the expected version. Read it again and retry with its new version.',
      {},
    ],
    [
      '429',
      new VismaRateLimitedError('429', 17),
      ErrorCode.RATE_LIMITED,
      "Visma's request budget for this company is spent. Retry after 17 seconds.",
      { retryAfterSeconds: 17 },
    ],
    [
      '429 without Retry-After',
      new VismaRateLimitedError('429', undefined),
      ErrorCode.RATE_LIMITED,
      "Visma's request budget for this company is spent. Retry later.",
      { retryAfterSeconds: null },
    ],
    ['a timeout', new VismaTimeoutError('deadline'), ErrorCode.UPSTREAM_TIMEOUT, 'Visma did not answer in time.', {}],
    [
      'a write timeout with an unknown outcome',
      new VismaTimeoutError('deadline', { outcome: 'unknown' }),
      ErrorCode.UPSTREAM_TIMEOUT,
      'Visma did not answer in time. The change may or may not have been applied: read the invoice before trying again.',
      {},
    ],
    ['a 503', new VismaUnavailableError('503'), ErrorCode.UPSTREAM_UNAVAILABLE, 'Visma is unavailable or gave an unreadable answer.', {}],
    [
      'an unreadable answer',
      new VismaProtocolError('no Location'),
      ErrorCode.UPSTREAM_UNAVAILABLE,
      'Visma is unavailable or gave an unreadable answer.',
      {},
    ],
    [
      'an answer over the byte bound',
      new VismaResponseTooLargeError('GET /v1/customerinvoice: over 33554432 bytes', 33_554_432),
      ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE,
      "Visma's answer for this part is larger than 33554432 bytes (VISMA_MAX_RESPONSE_BYTES), so it was not read. Ask for fewer invoices at once (a smaller first).",
      { limitBytes: 33_554_432 },
    ],
    [
      '401',
      new VismaUnauthenticatedError('invalid_client'),
      ErrorCode.UNAUTHENTICATED,
      'Visma did not accept the credentials used for this request.',
      {},
    ],
    [
      '403',
      new VismaForbiddenError('No license for this company.', { faultCode: '12027', vismaId: 'v-1' }),
      ErrorCode.FORBIDDEN,
      'Visma refused access: the credentials lack the role, licence or company this request needs.',
      { vismaId: 'v-1' },
    ],
  ])('maps %s', (_name, error, code, message, extensions) => {
    const mapped = fromVismaError(error);
    expect(mapped.message).toBe(message);
    expect(mapped.extensions).toEqual({ code, ...extensions });
  });
});

describe('fromInvoicesError', () => {
  it("turns the service's rule problems into BAD_USER_INPUT naming the first and listing all", () => {
    const mapped = fromInvoicesError(
      new InvalidRequestError([
        { field: 'idempotencyKey', message: 'is too short.' },
        { field: 'input.externalReference', message: 'must be left out.' },
      ]),
    );
    expect(mapped.message).toBe('idempotencyKey: is too short. (and 1 more problem)');
    expect(mapped.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'idempotencyKey',
      problems: [
        { field: 'idempotencyKey', message: 'is too short.' },
        { field: 'input.externalReference', message: 'must be left out.' },
      ],
    });
  });

  it('turns a write to a missing invoice into NOT_FOUND naming it', () => {
    const mapped = fromInvoicesError(new InvoiceNotFoundError('404'));
    expect(mapped.message).toBe('Customer invoice "404" does not exist.');
    expect(mapped.extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it('turns lines past the limit into RESPONSE_TOO_LARGE naming the setting, the lines and the limit', () => {
    const mapped = fromInvoicesError(new LineLimitExceededError(20_000, 30_000));
    expect(mapped.message).toBe(
      'The invoices this operation read hold 30000 lines; one operation may read at most 20000 (MAX_INVOICE_LINES_PER_OPERATION). Ask for fewer invoices at once.',
    );
    expect(mapped.extensions).toEqual({ code: 'RESPONSE_TOO_LARGE', lines: 30_000, limit: 20_000 });
  });

  it("gives a failed read-back the read's code, and says the write happened", () => {
    const mapped = fromInvoicesError(new ReadBackError('900001', 'created', new VismaRateLimitedError('429', 7)));
    expect(mapped.message).toBe(
      'Invoice "900001" was created, but reading it back failed: Visma\'s request budget for this company is spent. Retry after 7 seconds.',
    );
    expect(mapped.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 7, referenceNumber: '900001' });
  });
});

describe('formatGatewayError', () => {
  it("maps the invoices service's errors thrown in a resolver, keeping path and locations", () => {
    expect(formatGatewayError(FORMATTED, located(new InvoiceNotFoundError('7')))).toEqual({
      message: 'Customer invoice "7" does not exist.',
      path: ['customerInvoice'],
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it('maps a Visma error thrown in a resolver, keeping path and locations', () => {
    const formatted = formatGatewayError(FORMATTED, located(new VismaRateLimitedError('429', 3)));
    expect(formatted).toEqual({
      message: "Visma's request budget for this company is spent. Retry after 3 seconds.",
      path: ['customerInvoice'],
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 3 },
    });
  });

  it('masks an unexpected error with a fixed message', () => {
    const formatted = formatGatewayError(
      { ...FORMATTED, message: 'Cannot read properties of undefined (reading "x") at /srv/secret/path.js' },
      located(new TypeError('Cannot read properties of undefined')),
    );
    expect(formatted).toEqual({
      message: INTERNAL_ERROR_MESSAGE,
      path: ['customerInvoice'],
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('masks a GraphQLError that carries no public code', () => {
    const error = new GraphQLError('Cannot return null for non-nullable field Query.x.');
    expect(formatGatewayError({ ...FORMATTED, message: error.message }, error).message).toBe(INTERNAL_ERROR_MESSAGE);
  });

  it.each(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST'])(
    "keeps Apollo's %s errors as they are",
    (code) => {
      const error = new GraphQLError('Cannot query field "nope" on type "Query".', { extensions: { code } });
      expect(formatGatewayError({ message: error.message, extensions: { code } }, error)).toEqual({
        message: 'Cannot query field "nope" on type "Query".',
        extensions: { code },
      });
    },
  );

  it("keeps the gateway's own coded errors and drops any stack trace", () => {
    const error = badUserInput([{ field: 'first', message: 'must be from 0 to 500; received 900.' }]);
    const formatted = formatGatewayError(
      { message: error.message, extensions: { ...error.extensions, stacktrace: ['at x'] } },
      located(error),
    );
    expect(formatted.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'first',
      problems: [{ field: 'first', message: 'must be from 0 to 500; received 900.' }],
    });
  });
});

describe('classifyError', () => {
  it('tells Visma, invoices, public and unexpected errors apart', () => {
    expect(classifyError(located(new VismaTimeoutError('x'))).kind).toBe('visma');
    expect(classifyError(located(new InvoiceNotFoundError('1'))).kind).toBe('invoices');
    expect(classifyError(located(badUserInput([{ field: 'a', message: 'b' }]))).kind).toBe('public');
    expect(classifyError(located(new Error('boom')))).toEqual({ kind: 'unexpected', original: new Error('boom') });
  });
});
