// Writes a downloaded archive into the work folder, hashing it on the way and stopping once it passes its limit.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SourceError } from './source-error.js';

/** The archive as saved: its sha256 (whose first 40 hex digits tag the images) and size. */
export interface SavedArchive {
  readonly sha256: string;
  readonly bytes: number;
}

/** Saves `body` to `file`; refuses it with ARCHIVE_TOO_LARGE as soon as it passes `maxBytes`. */
export async function saveStream(
  body: Readable | AsyncIterable<Uint8Array>,
  file: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<SavedArchive> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        done(
          new SourceError(
            'ARCHIVE_TOO_LARGE',
            `the archive is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; remove what the images do not need, or raise --max-repo-mb`,
          ),
        );
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(body, tap, createWriteStream(file, { mode: 0o600 }), { signal });
  return { sha256: hash.digest('hex'), bytes };
}
