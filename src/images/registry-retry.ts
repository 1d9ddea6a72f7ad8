// Another try for work done through the registry's API (assembling and tagging an image) when the registry failed
// for now: the same bounded retries as a push with buildah, so a registry restart fits in either way.

import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import { RegistryError } from '../tools/registry-http.js';
import { retryForNow } from './push-image.js';

/** Runs `work` again after a failure to reach the registry (never after a refusal); `image` names it in the log. */
export async function retryUnreachable<T>(job: Job, image: string, work: () => Promise<T>, log: Logger): Promise<T> {
  return await retryForNow(job, image, work, isUnreachable, log);
}

function isUnreachable(error: Error): boolean {
  return error instanceof RegistryError && error.kind === 'unreachable';
}
