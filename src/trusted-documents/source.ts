/**
 * Where a manifest comes from, and keeping it current: a file (its mtime, size and inode polled)
 * or an http(s) URL (polled with If-None-Match, so an unchanged manifest costs a 304). A reload
 * that fails (unreadable, unreachable, a manifest that lies) keeps the last good one and is
 * logged; only the first load must succeed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';
import { ManifestError, parseManifest, type TrustedDocument, type TrustedDocumentSet, type TrustedDocumentStore } from './manifest';

/** A manifest of every operation a large app sends is a few MB; this bounds what a wrong URL or file can cost. */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;
/** A manifest server that does not answer in this long is a failed reload, not a hung one. */
const FETCH_TIMEOUT_MS = 10_000;
/** Relative paths are read from the package's root, as the playground reads operations/ (src/ and dist/ alike). */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

export interface ManifestSourceOptions {
  /** A file path (relative: to the package's root) or an http(s) URL. */
  location: string;
  /** How often to look for a change, in milliseconds; 0: never (the first load only). */
  reloadIntervalMs: number;
  logger: Logger;
  /** Called after each look: `changed` (a new manifest is in use), `unchanged`, or `failed` (the last good one stays). */
  onReload?: (outcome: ReloadOutcome) => void;
}

export type ReloadOutcome = 'changed' | 'unchanged' | 'failed';

/** What one look found: a manifest's text, or that it has not changed since the last one. */
type Fetched = { text: string; version: string } | 'unchanged';

/** Whether `location` is read over HTTP rather than from a file. */
export function isManifestUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** The manifest in use, reloaded when it changes: the store the HTTP layer and the MCP endpoint read. */
export class TrustedDocuments implements TrustedDocumentStore {
  private current: TrustedDocumentSet;
  private version: string;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<ReloadOutcome> | undefined;
  private readonly listeners = new Set<(documents: readonly TrustedDocument[]) => void>();

  private constructor(
    private readonly options: ManifestSourceOptions,
    private readonly fetcher: (version: string | undefined) => Promise<Fetched>,
    first: { set: TrustedDocumentSet; version: string },
  ) {
    this.current = first.set;
    this.version = first.version;
  }

  /** Loads the manifest once (a failure throws ManifestError: a gateway is not started on a manifest it cannot read), then polls it. */
  static async load(options: ManifestSourceOptions): Promise<TrustedDocuments> {
    const fetcher = isManifestUrl(options.location) ? urlFetcher(options.location) : fileFetcher(resolveFile(options.location));
    const shown = manifestName(options.location);
    const fetched = await fetcher(undefined);
    if (fetched === 'unchanged') throw new ManifestError(`The trusted documents manifest ${shown} could not be read.`);
    const set = parseManifest(fetched.text, shown);
    const documents = new TrustedDocuments(options, fetcher, { set, version: fetched.version });
    options.logger.info({ manifest: shown, documents: set.list().length }, 'trusted documents manifest loaded');
    if (options.reloadIntervalMs > 0) {
      documents.timer = setInterval(() => void documents.reload(), options.reloadIntervalMs);
      // A poll is never what keeps the process alive.
      documents.timer.unref();
    }
    return documents;
  }

  get(id: string): TrustedDocument | undefined {
    return this.current.get(id);
  }

  list(): readonly TrustedDocument[] {
    return this.current.list();
  }

  /** Called with the new documents each time a reload changes them; returns the unsubscribe. */
  onChange(listener: (documents: readonly TrustedDocument[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Looks for a change now; concurrent calls share one look. */
  reload(): Promise<ReloadOutcome> {
    this.inFlight ??= this.look().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private async look(): Promise<ReloadOutcome> {
    const { logger } = this.options;
    const location = manifestName(this.options.location);
    let outcome: ReloadOutcome;
    try {
      const fetched = await this.fetcher(this.version);
      if (fetched === 'unchanged' || fetched.version === this.version) {
        outcome = 'unchanged';
      } else {
        const set = parseManifest(fetched.text, location);
        this.current = set;
        this.version = fetched.version;
        logger.info({ manifest: location, documents: set.list().length }, 'trusted documents manifest reloaded');
        for (const listener of this.listeners) listener(set.list());
        outcome = 'changed';
      }
    } catch (error) {
      logger.error(
        { manifest: location, reason: (error as Error).message, documents: this.current.list().length },
        'trusted documents manifest reload failed; the last good manifest stays in use',
      );
      outcome = 'failed';
    }
    this.options.onReload?.(outcome);
    return outcome;
  }
}

/** How logs and messages name a manifest: a URL without its query or user info, which may carry a token. */
export function manifestName(location: string): string {
  return isManifestUrl(location) ? redactUrl(location) : location;
}

function resolveFile(location: string): string {
  return path.resolve(PACKAGE_ROOT, location);
}

/**
 * A file's version is its inode, size and mtime: an editor's or Kubernetes' atomic replace (a
 * new inode behind the same name, a ConfigMap's symlink swap) changes it as an in-place write does.
 * Polling rather than fs.watch, which loses a file replaced under it and misses changes on some mounts.
 */
function fileFetcher(file: string) {
  return async (version: string | undefined): Promise<Fetched> => {
    const before = await statVersion(file);
    if (before === version) return 'unchanged';
    if (Number(before.split(':')[1]) > MAX_MANIFEST_BYTES) {
      throw new ManifestError(`The trusted documents manifest ${file} is larger than ${MAX_MANIFEST_BYTES} bytes.`);
    }
    const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new ManifestError(`The trusted documents manifest ${file} cannot be read: ${error.code ?? error.message}.`);
    });
    return { text, version: before };
  };
}

async function statVersion(file: string): Promise<string> {
  try {
    const stats = await fs.stat(file);
    return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  } catch (error) {
    throw new ManifestError(
      `The trusted documents manifest ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
    );
  }
}

/** An http(s) manifest; its version is the ETag (or, from a server that sends none, the text itself). */
function urlFetcher(url: string) {
  const shown = redactUrl(url);
  return async (version: string | undefined): Promise<Fetched> => {
    const etag = version?.startsWith('etag:') === true ? version.slice('etag:'.length) : undefined;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', ...(etag === undefined ? {} : { 'if-none-match': etag }) },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ManifestError(`The trusted documents manifest ${shown} cannot be fetched: ${(error as Error).message}.`);
    }
    if (response.status === 304 && etag !== undefined) {
      await response.body?.cancel();
      return 'unchanged';
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new ManifestError(`The trusted documents manifest ${shown} answered HTTP ${response.status}.`);
    }
    const text = await readBounded(response, shown);
    const tag = response.headers.get('etag');
    return { text, version: tag === null ? `text:${text}` : `etag:${tag}` };
  };
}

async function readBounded(response: Response, shown: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_MANIFEST_BYTES) {
    await response.body?.cancel();
    throw new ManifestError(`The trusted documents manifest ${shown} is larger than ${MAX_MANIFEST_BYTES} bytes.`);
  }
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
  for (let read = await reader?.read(); read !== undefined && !read.done; read = await reader?.read()) {
    bytes += read.value.byteLength;
    if (bytes > MAX_MANIFEST_BYTES) {
      await reader?.cancel().catch(() => undefined);
      throw new ManifestError(`The trusted documents manifest ${shown} is larger than ${MAX_MANIFEST_BYTES} bytes.`);
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A manifest URL may carry a token in its query or user info; messages show neither. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(the manifest URL)';
  }
}
