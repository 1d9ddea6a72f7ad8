// trained_model phase 5: render the serving image's build context: the model, its requirements, the Containerfile.

import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderTemplate } from '../context/render.js';
import { builderPins, constraintsFileLines, requirementsFileLines } from '../deps/install-set.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import { TEMPLATES_DIR } from '../paths.js';
import type { PhaseBehaviour } from './phase.js';

/** The serving image's context. */
export interface ServingContext {
  readonly contextDir: string;
  readonly containerfile: string;
}

export const renderServingPhase: PhaseBehaviour<ServingContext> = {
  failureCode: 'TEMPLATE_FAILED',
  describe: (result) => ({ summary: 'build context rendered', context_dir: result.contextDir }),
  skipRest: (_result, job) =>
    job.config.dryRun ? 'dry run: the build context is rendered, nothing is built or pushed' : undefined,
};

/** Copies the model and writes the requirements and the Containerfile into the job's folder. */
export async function renderServing(job: Job, modelDir: string, plan: DependencyPlan): Promise<ServingContext> {
  const contextDir = join(job.workdir, 'context');
  await mkdir(contextDir, { recursive: true });
  await cp(modelDir, join(contextDir, 'model'), { recursive: true });
  await writeFile(join(contextDir, 'requirements.txt'), lines(requirementsFileLines(plan)));
  await writeFile(join(contextDir, 'runtime-requirements.txt'), lines(builderPins(plan)));
  await writeFile(join(contextDir, 'constraints.txt'), lines(constraintsFileLines(plan)));
  await cp(join(TEMPLATES_DIR, 'runtime', 'with-build-secrets.sh'), join(contextDir, 'flops', 'with-build-secrets.sh'));
  const template = await readFile(join(TEMPLATES_DIR, 'trained-model.Containerfile'), 'utf8');
  let rendered: string;
  try {
    rendered = renderTemplate(template, { BASE_IMAGE: plan.baseImage });
  } catch (error) {
    throw new PhaseError('TEMPLATE_FAILED', `trained-model.Containerfile: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const containerfile = 'trained-model.Containerfile';
  await writeFile(join(contextDir, containerfile), rendered);
  return { contextDir, containerfile };
}

function lines(items: readonly string[]): string {
  return items.map((line) => `${line}\n`).join('');
}
