/**
 * What the composition root builds for TRUSTED_DOCUMENTS: nothing when it is `off`; otherwise
 * the manifest, loaded (a failure stops the start) and polled, and the gate the HTTP layer asks.
 */
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { TrustedDocumentsGate } from './gate';
import { TrustedDocuments } from './source';

export interface OpenTrustedDocuments {
  /** The manifest in use, reloaded as it changes. */
  documents: TrustedDocuments;
  gate: TrustedDocumentsGate;
  close(): void;
}

export async function openTrustedDocuments(
  settings: Config['trustedDocuments'],
  logger: Logger,
  registry: Registry,
): Promise<OpenTrustedDocuments | undefined> {
  if (settings.mode === 'off') return undefined;
  const reloads = new Counter({
    name: 'trusted_documents_manifest_reloads_total',
    help: 'Looks at the trusted documents manifest for a change: changed, unchanged, or failed (the last good manifest stayed in use).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const documents = await TrustedDocuments.load({
    location: settings.manifest,
    reloadIntervalMs: settings.reloadMs,
    logger,
    onReload: (outcome) => reloads.inc({ outcome }),
  });
  const gate = new TrustedDocumentsGate({ mode: settings.mode, documents, logger, registry });
  return { documents, gate, close: () => documents.close() };
}
