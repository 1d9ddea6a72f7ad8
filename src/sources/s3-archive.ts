// Downloads an archive from S3 or an S3-compatible server with the AWS SDK's S3 client: path-style requests when an
// endpoint is set, a few bounded retries, and errors that name the object.

import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from '../config/s3.js';
import { loadS3Sdk, type S3Sdk } from './s3-sdk.js';
import { type SavedArchive, saveStream } from './save-stream.js';
import { SourceError } from './source-error.js';

/** What to download, and where to. */
export interface S3Download {
  readonly settings: S3Settings;
  readonly bucket: string;
  readonly key: string;
  readonly file: string;
  readonly maxBytes: number;
  readonly extraCa: string | undefined;
  readonly signal: AbortSignal;
}

// Three attempts, each connecting within 5 s and hearing back within 8 s, and an answer within 25 s in all: an
// endpoint that is unreachable, or reachable but silent, fails within 30 s.
const MAX_ATTEMPTS = 3;
const CONNECT_TIMEOUT_MS = 5000;
const REQUEST_TIMEOUT_MS = 8000;
const ANSWER_WITHIN_MS = 25_000;

/** A client for the settings; the caller destroys it. */
export function s3Client(sdk: S3Sdk, settings: S3Settings, extraCa: string | undefined): S3Client {
  return new sdk.S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    // A copy: the SDK marks the object it is given, and the config is frozen.
    ...(settings.credentials ? { credentials: { ...settings.credentials } } : {}),
    maxAttempts: MAX_ATTEMPTS,
    // S3-compatible servers do not all speak the checksums the SDK adds by default since early 2025.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      ...(extraCa ? { httpsAgent: { ca: extraCa } } : {}),
    },
  });
}

/** Downloads s3://bucket/key into `file`. */
export async function downloadS3Archive(options: S3Download): Promise<SavedArchive> {
  const sdk = await loadS3Sdk();
  const client = s3Client(sdk, options.settings, options.extraCa);
  const object = `s3://${options.bucket}/${options.key}`;
  const answer = new AbortController();
  const timer = setTimeout(() => answer.abort(), ANSWER_WITHIN_MS);
  try {
    const abortSignal = AbortSignal.any([options.signal, answer.signal]);
    const response = await client
      .send(new sdk.GetObjectCommand({ Bucket: options.bucket, Key: options.key }), { abortSignal })
      .catch((error: unknown) => {
        if (options.signal.aborted) throw error;
        if (answer.signal.aborted) throw silent(object, options.settings, error);
        throw s3Error(sdk, error, object, options.settings);
      })
      .finally(() => clearTimeout(timer));
    if (response.Body === undefined) throw new SourceError('S3_OBJECT_NOT_FOUND', `${object} has no content`);
    return await saveStream(response.Body as Readable, options.file, options.maxBytes, options.signal);
  } finally {
    client.destroy();
  }
}

function silent(object: string, settings: S3Settings, cause: unknown): SourceError {
  const where = settings.endpoint ? ` at ${settings.endpoint}` : '';
  return new SourceError(
    'S3_UNREACHABLE',
    `S3${where} did not answer for ${object} within ${ANSWER_WITHIN_MS / 1000} s; check AWS_ENDPOINT_URL_S3 and the network`,
    { cause },
  );
}

/** Says which of the usual S3 failures it was, naming the object (and the endpoint, never the key). */
export function s3Error(sdk: S3Sdk, error: unknown, object: string, settings: S3Settings): unknown {
  const where = settings.endpoint ? ` at ${settings.endpoint}` : '';
  if (error instanceof sdk.S3ServiceException) {
    const status = error.$metadata.httpStatusCode;
    if (error.name === 'NoSuchBucket') {
      return new SourceError('S3_BUCKET_NOT_FOUND', `the bucket of ${object} does not exist${where}`, { cause: error });
    }
    if (error.name === 'NoSuchKey' || status === 404) {
      return new SourceError('S3_OBJECT_NOT_FOUND', `${object} does not exist${where}; check the key`, {
        cause: error,
      });
    }
    if (status === 401 || status === 403 || /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch/.test(error.name)) {
      return new SourceError(
        'S3_ACCESS_DENIED',
        `S3${where} refused access to ${object} (${error.name}); check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket's policy`,
        { cause: error },
      );
    }
    if (status !== undefined && status < 500) {
      return new SourceError('S3_ACCESS_DENIED', `S3${where} refused ${object}: ${error.name} (HTTP ${status})`, {
        cause: error,
      });
    }
  }
  if (error instanceof Error && error.name === 'AbortError') return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new SourceError(
    'S3_UNREACHABLE',
    `cannot reach S3${where} for ${object}: ${message}; check AWS_ENDPOINT_URL_S3 and the network`,
    { cause: error },
  );
}
