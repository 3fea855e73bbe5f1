import { negotiateMediaType, refusalMediaType } from '../../../../src/server/http/media-type';

const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

describe('negotiateMediaType', () => {
  it.each<[string | undefined, string | null]>([
    [undefined, JSON_TYPE],
    ['  ', JSON_TYPE],
    ['*/*', JSON_TYPE],
    ['APPLICATION/GRAPHQL-RESPONSE+JSON', GRAPHQL_RESPONSE],
    ['application/graphql-response+json;q=0.2, application/*;q=0.5', JSON_TYPE],
    ['application/*;q=0.5, application/graphql-response+json;q=0.2', JSON_TYPE],
    ['application/graphql-response+json, */*;q=0', GRAPHQL_RESPONSE],
    ['application/json;q=0, application/graphql-response+json;q=0', null],
    ['application/json; charset=latin1', null],
    ['application/json; charset="UTF-8"', JSON_TYPE],
    ['application/json; version=2', null],
    ['application/json;q=0.5;level=1, application/graphql-response+json;q=0.4', JSON_TYPE],
    ['application/json;q=abc, application/graphql-response+json;q=0.1', GRAPHQL_RESPONSE],
    ['text/html', null],
    ['nonsense, application/graphql-response+json', GRAPHQL_RESPONSE],
  ])('chooses from %j: %s', (accept, expected) => {
    expect(negotiateMediaType(accept)).toBe(expected);
  });
});

describe('refusalMediaType', () => {
  it('falls back to application/json when the client accepts neither type', () => {
    expect(refusalMediaType('text/html')).toBe(JSON_TYPE);
    expect(refusalMediaType('application/graphql-response+json')).toBe(GRAPHQL_RESPONSE);
  });
});
