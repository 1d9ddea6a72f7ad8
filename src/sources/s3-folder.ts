// Downloads every object under an S3 prefix (a run's model, when MLflow's clients write artifacts to S3 directly).

import { mkdir } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { Readable } from 'node:stream';
import type { S3Settings } from '../config/s3.js';
import { s3Client, s3Error } from './s3-archive.js';
import { loadS3Sdk } from './s3-sdk.js';
import { saveStream } from './save-stream.js';
import { SourceError } from './source-error.js';

/** `s3://bucket/a/b` → bucket and key prefix (without trailing "/"). */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) return undefined;
  return { bucket: match[1] ?? '', prefix: (match[2] ?? '').replace(/\/+$/, '') };
}

/** Downloads the objects below `s3://bucket/prefix/` into `dest` (at their paths below the prefix). */
export async function downloadS3Folder(options: {
  readonly settings: S3Settings;
  readonly uri: string;
  readonly dest: string;
  readonly maxBytes: number;
  readonly extraCa: string | undefined;
  readonly signal: AbortSignal;
}): Promise<{ files: string[]; bytes: number }> {
  const where = parseS3Uri(options.uri);
  if (where === undefined) throw new SourceError('S3_OBJECT_NOT_FOUND', `${options.uri} is not an s3:// URI`);
  const sdk = await loadS3Sdk();
  const client = s3Client(sdk, options.settings, options.extraCa);
  const files: string[] = [];
  let bytes = 0;
  try {
    let token: string | undefined;
    do {
      const page = await client
        .send(
          new sdk.ListObjectsV2Command({ Bucket: where.bucket, Prefix: `${where.prefix}/`, ContinuationToken: token }),
          { abortSignal: options.signal },
        )
        .catch((error: unknown) => {
          throw s3Error(sdk, error, options.uri, options.settings);
        });
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        const relative = normalize(key.slice(where.prefix.length + 1));
        if (relative === '.' || relative.startsWith('..') || relative.startsWith('/') || key.endsWith('/')) continue;
        const target = join(options.dest, relative);
        await mkdir(dirname(target), { recursive: true });
        const response = await client
          .send(new sdk.GetObjectCommand({ Bucket: where.bucket, Key: key }), { abortSignal: options.signal })
          .catch((error: unknown) => {
            throw s3Error(sdk, error, `s3://${where.bucket}/${key}`, options.settings);
          });
        const saved = await saveStream(response.Body as Readable, target, options.maxBytes - bytes, options.signal);
        bytes += saved.bytes;
        files.push(relative);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  } finally {
    client.destroy();
  }
  return { files, bytes };
}
