// The AWS SDK's S3 client, loaded on first use: most jobs never read S3, and loading the SDK at start-up cost every
// job about 0.2 s, a fifth of a rebuild of a built commit.

/** The SDK's module. */
export type S3Sdk = typeof import('@aws-sdk/client-s3');

let loading: Promise<S3Sdk> | undefined;

/** The SDK, loaded once per process. */
export function loadS3Sdk(): Promise<S3Sdk> {
  loading ??= import('@aws-sdk/client-s3');
  return loading;
}
