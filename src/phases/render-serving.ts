// trained_model phase 5: render the serving image's build context: the model, its dependency Containerfiles and
// locks for every platform, and the image's Containerfile.

import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ImageContext, writeImageContext } from '../context/image-context.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { depsRepository } from '../images/deps-image.js';
import type { TrainedModelImage } from '../images/image-names.js';
import type { Job } from '../job.js';
import type { PlatformLock } from '../resolve/platform-lock.js';
import { labelsSummary, type PhaseBehaviour } from './phase.js';

/** The serving context, and the `--label` labels the image will carry. */
export type ServingContext = ImageContext & { readonly labels: Readonly<Record<string, string>> };

export const renderServingPhase: PhaseBehaviour<ServingContext> = {
  failureCode: 'TEMPLATE_FAILED',
  describe: (result) => ({
    summary: `build context rendered for ${result.deps.map((deps) => deps.platform.platform).join(' and ')}${labelsSummary(result.labels)}`,
    context_dir: result.contextDir,
    labels: { ...result.labels },
  }),
  skipRest: (_result, job) =>
    job.config.dryRun ? 'dry run: the build context is rendered, nothing is built or pushed' : undefined,
};

/** What the serving image is made of. */
export interface ServingInput {
  readonly modelDir: string;
  readonly image: TrainedModelImage;
  readonly plan: DependencyPlan;
  readonly locks: readonly PlatformLock[] | undefined;
  readonly flavor: string | undefined;
}

/** Copies the model and renders the rest of the context. */
export async function renderServing(job: Job, input: ServingInput): Promise<ServingContext> {
  const contextDir = join(job.workdir, 'context');
  await mkdir(contextDir, { recursive: true });
  await cp(input.modelDir, join(contextDir, 'model'), { recursive: true });
  const context = await writeImageContext(job, {
    contextDir,
    plan: input.plan,
    locks: input.locks,
    roles: ['model'],
    depsRepository: depsRepository(input.image.path),
    env: input.flavor === undefined ? {} : { ML_MODEL_FLAVOR: input.flavor },
  });
  return { ...context, labels: job.config.labels };
}
