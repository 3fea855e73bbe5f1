import { createHash } from 'node:crypto';

/** Client credentials as far as they say whose they are: which Visma, which company, which client. */
export interface CredentialOwner {
  /** The API's base URL: two embedded simulators are two Vismas even with the same demo tenant. */
  apiUrl: string;
  tenantId: string;
  clientId: string;
}

/**
 * Whose credentials a call runs under: the one key for everything kept or counted per
 * credential. The upstream cache and its coalescing keep and share answers within it, the fleet
 * polls Visma once per scope, and with Redis the call budget (Visma counts calls per company and
 * client, CONTRACT §7) and the shared token are kept under it. A SHA-256 digest, never the
 * token or an identifier itself: keys show up in heap dumps and in Redis's key space.
 */
export function credentialScope(credential: CredentialOwner | { accessToken: string }): string {
  if ('accessToken' in credential) {
    return `pt:${sha256(credential.accessToken)}`;
  }
  // URL's form: a host in capitals or a trailing slash names the same Visma.
  const apiUrl = new URL(credential.apiUrl).href.replace(/\/+$/, '');
  return `cc:${sha256(`${apiUrl}\n${credential.tenantId}\n${credential.clientId}`)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
