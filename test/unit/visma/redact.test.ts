import { redactSecrets } from '../../../src/visma/redact';

/** Each secret holds one of the characters a form, a URL or JSON spells differently. */
const SECRETS = ['alpha+beta-1', 'alpha/beta-2', 'alpha=beta-3', 'alpha&beta-4', 'alpha%beta-5', 'alpha beta-6', 'a+b/c=d&e%f g"h\\i'];

/** The spellings a secret can come back in from an upstream that quotes what it was sent. */
function spellingsOf(secret: string): Record<string, string> {
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const percent = encodeURIComponent(secret);
  const lower = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
  return {
    raw: secret,
    form,
    formLowerCase: lower(form),
    percent,
    percentLowerCase: lower(percent),
    everyCharacterPercentEncoded: [...Buffer.from(secret)].map((byte) => `%${byte.toString(16)}`).join(''),
    doublePercentEncoded: encodeURIComponent(percent),
    json: JSON.stringify(secret).slice(1, -1),
    dotNetJson: [...secret]
      .map((character) =>
        /[a-z0-9-]/i.test(character) ? character : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`,
      )
      .join(''),
    base64: Buffer.from(secret).toString('base64'),
    basicHeader: Buffer.from(`gateway:${secret}`).toString('base64'),
    basicHeaderFormEncoded: Buffer.from(`gateway:${form}`).toString('base64'),
    base64UrlOfTheForm: Buffer.from(`grant_type=client_credentials&client_secret=${form}&scope=read`).toString('base64url'),
  };
}

describe('redactSecrets', () => {
  describe.each(SECRETS)('the secret %j', (secret) => {
    it.each(Object.entries(spellingsOf(secret)))('is removed when it comes back %s', (_name, spelling) => {
      const text = `Visma Connect said: invalid_client (${spelling}); tenant_id=tenant-1`;
      const redacted = redactSecrets(text, [secret]);

      expect(redacted).toContain('[redacted]');
      expect(redacted).toContain('Visma Connect said: invalid_client (');
      expect(redacted).toContain('tenant_id=tenant-1');
      for (const other of Object.values(spellingsOf(secret))) {
        expect(redacted).not.toContain(other);
      }
    });
  });

  it('removes a secret that a quoted form spells partly encoded and partly not', () => {
    expect(redactSecrets('client_secret=a%2bb/c%3Dd%26e%25f+g', ['a+b/c=d&e%f g'])).toBe('client_secret=[redacted]');
  });

  it('leaves text alone that only resembles the secret, and secrets too short to tell from text', () => {
    expect(redactSecrets('client_secret=alpha-beta-1', ['alpha+beta-1'])).toBe('client_secret=alpha-beta-1');
    expect(redactSecrets('a+b and a b', ['a b'])).toBe('a+b and a b');
  });

  it('removes every occurrence of every secret, a token and the client secret alike', () => {
    expect(redactSecrets('token-abcd then s3cr3t+x then token-abcd and s3cr3t%2Bx', ['token-abcd', 's3cr3t+x'])).toBe(
      '[redacted] then [redacted] then [redacted] and [redacted]',
    );
  });
});
