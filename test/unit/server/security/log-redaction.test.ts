import { createLogger } from '../../../../src/logger';

/** The second line of defence: even a careless `logger.info({ headers })` writes no credential. */
describe('log redaction', () => {
  function logged(fields: Record<string, unknown>): string {
    const lines: string[] = [];
    createLogger('info', { write: (line: string) => void lines.push(line) }).info(fields, 'probe');
    return lines.join('');
  }

  it.each([
    ['the Authorization header', { headers: { authorization: 'Bearer SECRET-1' } }],
    ['an API key header', { headers: { 'x-api-key': 'SECRET-2' } }],
    ['the router secret header', { req: { headers: { 'x-router-secret': 'SECRET-3' } } }],
    ['a client secret one level down', { options: { clientSecret: 'SECRET-4' } }],
    ['an access token one level down', { call: { accessToken: 'SECRET-5' } }],
    ['a token field', { token: 'SECRET-6' }],
    ['an API key field', { caller: { apiKey: 'SECRET-7' } }],
  ])('censors %s', (_case, fields) => {
    const line = logged(fields);
    expect(line).toContain('[redacted]');
    expect(line).not.toMatch(/SECRET-\d/);
  });

  it('keeps everything else', () => {
    expect(JSON.parse(logged({ requestId: 'r-1', caller: { kind: 'api_key', id: 'abc123' } }))).toMatchObject({
      requestId: 'r-1',
      caller: { kind: 'api_key', id: 'abc123' },
    });
  });
});
