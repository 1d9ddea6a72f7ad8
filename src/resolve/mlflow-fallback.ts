// The repo's MLflow pin is the aggregator's client only if it fits the rest (mlflow 2.9 needs protobuf<5, recent
// Flower protobuf>=5): else the newest 2.x client, which talks to the same 2.x tracking server.

import { DEFAULT_AGGREGATOR_MLFLOW } from '../deps/plan/fl-additions.js';
import { type LockAttempt, type LockRequest, lockTarget, type UvSetup } from './uv-lock.js';

/** A lock with the aggregator's default MLflow client, or the failure that remains. */
export type MlflowFallback =
  | {
      readonly ok: true;
      readonly request: LockRequest;
      readonly attempt: Extract<LockAttempt, { ok: true }>;
      readonly note: string;
    }
  | { readonly ok: false; readonly request: LockRequest; readonly failure: string; readonly note: string };

/** Undefined when uv's failure does not name mlflow, or the repo pins none for the aggregator. */
export async function lockBesideMlflow(
  request: LockRequest,
  machine: string,
  failure: string,
  uv: UvSetup,
): Promise<MlflowFallback | undefined> {
  const repoMlflow = request.extras.find((line) => /^mlflow==/.test(line));
  if (!/\bmlflow\b/.test(failure) || repoMlflow === undefined) return undefined;
  const extras = request.extras.map((line) => (line === repoMlflow ? DEFAULT_AGGREGATOR_MLFLOW : line));
  const candidate = { ...request, extras };
  const note = `the repo's ${repoMlflow} does not install beside the images' other packages; the aggregator gets ${DEFAULT_AGGREGATOR_MLFLOW} instead`;
  const retried = await lockTarget(candidate, machine, [], uv);
  return retried.ok
    ? { ok: true, request: candidate, attempt: retried, note }
    : { ok: false, request: candidate, failure: retried.detail, note };
}
