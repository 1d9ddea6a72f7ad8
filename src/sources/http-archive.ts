// Downloads an archive over HTTP(S) with undici: redirects followed (code hosts' downloads redirect), credentials in
// the URL sent as a header, failures of the moment retried a bounded number of times.

import { rootCertificates } from 'node:tls';
import pRetry from 'p-retry';
import { Agent, request } from 'undici';
import { type SavedArchive, saveStream } from './save-stream.js';
import { SourceError } from './source-error.js';

/** How to download. */
export interface HttpDownload {
  readonly url: string;
  /** The URL without credentials, for messages. */
  readonly display: string;
  readonly file: string;
  readonly maxBytes: number;
  readonly extraCa: string | undefined;
  readonly signal: AbortSignal;
}

// Three tries, 1 then 2 s apart, each connecting and hearing back within 8 s: a server that is unreachable, or
// reachable but silent, fails within 30 s. Once the body flows, a pause of 30 s ends it.
const RETRY = { retries: 2, factor: 2, minTimeout: 1000, maxTimeout: 2000, randomize: false } as const;
const CONNECT_TIMEOUT_MS = 8000;
const HEADERS_TIMEOUT_MS = 8000;
const BODY_TIMEOUT_MS = 30_000;

/** Downloads the archive at `url` into `file`. */
export async function downloadHttpArchive(options: HttpDownload): Promise<SavedArchive> {
  const url = new URL(options.url);
  const user = decodeURIComponent(url.username);
  const authorization = user
    ? `Basic ${Buffer.from(`${user}:${decodeURIComponent(url.password)}`).toString('base64')}`
    : undefined;
  url.username = '';
  url.password = '';
  const dispatcher = new Agent({
    connect: {
      ca: options.extraCa ? [...rootCertificates, options.extraCa] : undefined,
      timeout: CONNECT_TIMEOUT_MS,
    },
    headersTimeout: HEADERS_TIMEOUT_MS,
    bodyTimeout: BODY_TIMEOUT_MS,
  });
  const attempt = async (): Promise<SavedArchive> => {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(url, {
        dispatcher,
        maxRedirections: 5,
        headers: authorization ? { authorization } : {},
        signal: options.signal,
      });
    } catch (error) {
      throw new SourceError('ARCHIVE_DOWNLOAD_FAILED', `cannot reach ${options.display}: ${describe(error)}`, {
        cause: error,
      });
    }
    if (response.statusCode !== 200) {
      await response.body.dump().catch(() => undefined);
      throw new SourceError('ARCHIVE_DOWNLOAD_FAILED', statusMessage(response.statusCode, options.display));
    }
    return saveStream(response.body, options.file, options.maxBytes, options.signal);
  };
  try {
    return await pRetry(attempt, {
      ...RETRY,
      signal: options.signal,
      shouldRetry: ({ error }) => retriable(error) && !options.signal.aborted,
    });
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

function statusMessage(status: number, display: string): string {
  if (status === 404) return `${display} was not found (HTTP 404); check the URL`;
  if (status === 401 || status === 403)
    return `${display} refused access (HTTP ${status}); check the credentials in the URL`;
  return `${display} answered HTTP ${status}`;
}

/** Unreachable or a server error: worth another try; a refusal or a missing file is not. */
function retriable(error: unknown): boolean {
  if (!(error instanceof SourceError) || error.code !== 'ARCHIVE_DOWNLOAD_FAILED') return false;
  return error.message.startsWith('cannot reach') || / answered HTTP (5\d\d|429)$/.test(error.message);
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}
