// Phase 5: render the build contexts: the repo, its patched requirements, the FL components and the Containerfiles.

import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { copyRepo } from '../context/copy-repo.js';
import { renderTemplate } from '../context/render.js';
import type { RenderedContext } from '../context/rendered-context.js';
import { builderPins, constraintsFileLines, requirementsFileLines } from '../deps/install-set.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { PhaseError } from '../errors.js';
import { baseImageTag, type ImageNames } from '../images/image-names.js';
import type { Job } from '../job.js';
import { TEMPLATES_DIR } from '../paths.js';
import type { PhaseBehaviour } from './phase.js';

/** The rendered context, and how much of the repo went into it. */
export interface InjectResult extends RenderedContext {
  readonly repoFiles: number;
  readonly excludedFiles: number;
}

const ROLES = ['base', 'learner', 'aggregator'] as const;

export const injectPhase: PhaseBehaviour<InjectResult> = {
  failureCode: 'TEMPLATE_FAILED',
  describe: (result) => ({
    summary: `build contexts rendered (${result.repoFiles} repo files, ${result.excludedFiles} left out by .dockerignore)`,
    context_dir: result.contextDir,
  }),
  skipRest: (_result, job) =>
    job.config.dryRun ? 'dry run: the build contexts are rendered, nothing is built or pushed' : undefined,
};

/** What inject renders: the clone, the image names, and the dependency plan. */
export interface InjectInput {
  readonly repoDir: string;
  readonly images: ImageNames;
  readonly plan: DependencyPlan;
}

/** Renders the build contexts into the job's folder. */
export async function inject(job: Job, { repoDir, images, plan: patched }: InjectInput): Promise<InjectResult> {
  const contextDir = join(job.workdir, 'context');
  await mkdir(contextDir, { recursive: true });

  const copied = await copyRepo(repoDir, join(contextDir, 'repo'));
  if (copied.escapingLinks.length > 0) {
    throw new PhaseError(
      'TEMPLATE_FAILED',
      `symbolic links that point outside the repo are refused: ${copied.escapingLinks.join(', ')}`,
    );
  }
  await writeFile(join(contextDir, 'requirements.txt'), lines(requirementsFileLines(patched)));
  await writeFile(join(contextDir, 'runtime-requirements.txt'), lines(builderPins(patched)));
  await writeFile(join(contextDir, 'constraints.txt'), lines(constraintsFileLines(patched)));
  if (patched.condaEnvironment !== undefined) {
    await writeFile(join(contextDir, 'environment.yaml'), stringify(patched.condaEnvironment));
  }
  await cp(join(TEMPLATES_DIR, 'runtime'), join(contextDir, 'flops'), {
    recursive: true,
    filter: (source) => !/(__pycache__|\.pyc$|[\\/]tests?([\\/]|$))/.test(source.slice(TEMPLATES_DIR.length)),
  });

  const values = {
    BASE_IMAGE: patched.baseImage,
    FROM_IMAGE: baseImageTag(images),
  };
  for (const role of ROLES) {
    // The conda path has its own base template; learner and aggregator are the same for both.
    const source = role === 'base' && patched.installer === 'conda' ? 'base-conda' : role;
    const template = await readFile(join(TEMPLATES_DIR, `${source}.Containerfile`), 'utf8');
    const rendered = renderOrFail(template, values, role);
    await writeFile(join(contextDir, `${role}.Containerfile`), rendered);
  }
  return {
    contextDir,
    containerfiles: {
      base: 'base.Containerfile',
      learner: 'learner.Containerfile',
      aggregator: 'aggregator.Containerfile',
    },
    repoFiles: copied.files,
    excludedFiles: copied.excluded,
  };
}

function renderOrFail(template: string, values: Record<string, string>, role: string): string {
  try {
    return renderTemplate(template, values);
  } catch (error) {
    throw new PhaseError('TEMPLATE_FAILED', `${role}.Containerfile: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Lines as a file's text, each ended by a newline. */
function lines(items: readonly string[]): string {
  return items.map((line) => `${line}\n`).join('');
}
