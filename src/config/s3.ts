// The S3 settings: the standard AWS variables, read here (the only module set that reads the environment) and handed
// to the S3 client explicitly, so that the SDK's own readers see nothing it was not given.

import { nonEmpty } from './values.js';

/** Where S3 is and who we are there; `credentials` undefined leaves the SDK's default chain (an instance role). */
export interface S3Settings {
  readonly region: string;
  /** An S3-compatible server (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or MLFLOW_S3_ENDPOINT_URL); path-style then. */
  readonly endpoint: string | undefined;
  readonly credentials:
    | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
    | undefined;
}

// S3 needs a region to sign for; S3-compatible servers accept any, and AWS redirects from this one.
const DEFAULT_REGION = 'us-east-1';

/** Reads the AWS variables; AWS_DEFAULT_REGION counts as AWS_REGION (the JavaScript SDK reads only the latter). */
export function readS3Settings(env: NodeJS.ProcessEnv, problems: string[]): S3Settings {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    problems.push('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together');
  }
  // MLflow's own variable last: an MLflow deployment that sets only it means the same server.
  const endpoint =
    nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL) ?? nonEmpty(env.MLFLOW_S3_ENDPOINT_URL);
  if (endpoint !== undefined && !/^https?:\/\/[^\s/@]+(\/.*)?$/.test(endpoint)) {
    problems.push(`AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL "${endpoint}": expected an http:// or https:// URL`);
  }
  return {
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? DEFAULT_REGION,
    endpoint,
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
        : undefined,
  };
}

/** The S3 values never to print: the key pair and the session token. */
export function s3Secrets(settings: S3Settings): string[] {
  const { credentials } = settings;
  if (credentials === undefined) return [];
  return [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken].filter(
    (value): value is string => value !== undefined,
  );
}
