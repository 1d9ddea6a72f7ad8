// The training plan: clone → validate → patch → resolve → inject → build → imports → push of one SageMaker-style
// trainer. The fl_actors phases but for inject, with the training purpose's dependency steps and no FL components.

import type { TrainingConfig } from '../config/config.js';
import { lockDigest } from '../deps/lock.js';
import { whilePullingBase } from '../images/base-warmup.js';
import { builtDepsTags } from '../images/deps-build.js';
import { depsRepository } from '../images/deps-image.js';
import { imageLabels, LABELS } from '../images/labels.js';
import { importsReportLines } from '../imports/report-line.js';
import type { Job } from '../job.js';
import { type BuildResult, build, buildPhase } from '../phases/build.js';
import { cloneTraining, cloneTrainingPhase, type TrainingCloneResult } from '../phases/clone-training.js';
import { type ConvertResult, convert, convertPhase } from '../phases/convert.js';
import { checkRepoImports, type ImportsResult, importsPhase } from '../phases/imports.js';
import { type PatchResult, patch, patchPhase } from '../phases/patch.js';
import { type ImageTarget, type PushResult, push, pushPhase } from '../phases/push.js';
import { renderTraining, renderTrainingPhase, type TrainingContext } from '../phases/render-training.js';
import { type ResolveResult, resolve, resolvePhase } from '../phases/resolve.js';
import { type TrainingValidateResult, validateTraining, validateTrainingPhase } from '../phases/validate-training.js';
import { platformNames } from '../platforms.js';
import { installsAnything } from '../resolve/result.js';
import { phaseNames } from '../tables/phase-table.js';
import { importsInput } from './imports-input.js';
import { need, type Plan } from './plan.js';

/** Each phase's result, by name: the phase table's training rows. */
export interface TrainingResults {
  clone: TrainingCloneResult;
  validate: TrainingValidateResult;
  patch: PatchResult;
  resolve: ResolveResult;
  inject: TrainingContext;
  build: BuildResult;
  imports: ImportsResult;
  convert: ConvertResult;
  push: PushResult;
}

export const TRAINING_PLAN: Plan<TrainingResults, TrainingConfig> = {
  name: 'training',
  order: phaseNames('training'),
  phases: {
    clone: { ...cloneTrainingPhase, run: (job, _done, log) => cloneTraining(job, log) },
    validate: {
      ...validateTrainingPhase,
      run: (job, done) => validateTraining(job, need(done.clone, 'clone').repoDir),
    },
    patch: {
      ...patchPhase,
      run: (job, done) => {
        const { env, python, baseImage, imports } = need(done.validate, 'validate');
        return patch(job, { env, python, baseImage, imports, purpose: 'training' });
      },
    },
    resolve: {
      ...resolvePhase,
      run: (job, done, log) => {
        const { image } = need(done.clone, 'clone');
        const envFile = need(done.validate, 'validate').env.file;
        const deps = job.config.dryRun ? undefined : depsRepository(image.path);
        const plan = need(done.patch, 'patch');
        // The build's first install starts from the base image: it is pulled meanwhile.
        const work = () => resolve(job, { plan, envFile, depsRepository: deps }, log);
        return whilePullingBase(job, plan.baseImage, log, work, installsAnything);
      },
    },
    inject: {
      ...renderTrainingPhase,
      run: (job, done) => {
        const { repoDir, image } = need(done.clone, 'clone');
        return renderTraining(job, {
          repoDir,
          image,
          plan: need(done.patch, 'patch'),
          locks: done.resolve?.locks.length ? done.resolve.locks : undefined,
          entry: need(done.validate, 'validate').entry,
        });
      },
    },
    build: { ...buildPhase, run: (job, done, log) => build(job, need(done.inject, 'inject'), log) },
    imports: {
      ...importsPhase,
      run: (_job, done, log) => checkRepoImports(importsInput(done), log),
    },
    convert: {
      ...convertPhase,
      run: (job, done, log) =>
        convert(
          job,
          { context: need(done.inject, 'inject'), built: need(done.build, 'build'), targets: targetsOf(job, done) },
          log,
        ),
    },
    push: {
      ...pushPhase,
      run: (job, done, log) =>
        push(
          job,
          {
            context: need(done.inject, 'inject'),
            built: need(done.build, 'build'),
            // The SIFs' labels when convert made SIFs: the image and its SIF are labelled alike.
            targets: done.convert?.targets ?? targetsOf(job, done),
            sifs: done.convert?.files,
          },
          log,
        ),
    },
  },
  builtTags: (done) => builtDepsTags(done.build),
};

/** Where the trainer goes, with its labels. */
function targetsOf(job: Job<TrainingConfig>, done: Partial<TrainingResults>): { trainer: ImageTarget } {
  const { image } = need(done.clone, 'clone');
  return { trainer: { repository: image.repository, tag: image.tag, labels: labelsOf(job, done) } };
}

/** The trainer's labels: where it comes from, what made it, what it runs. */
function labelsOf(job: Job<TrainingConfig>, done: Partial<TrainingResults>): Record<string, string> {
  const plan = need(done.patch, 'patch');
  const lock = done.resolve?.locks[0];
  return {
    // The user's first: config refuses the builder's own keys, and they would lose here anyway.
    ...job.config.labels,
    ...imageLabels({
      sourceUrl: job.config.repo.display,
      revision: need(done.clone, 'clone').commitSha,
      created: new Date(),
      title: 'FLOps trainer',
      builderVersion: job.builderVersion,
      flwrVersion: undefined,
      pythonVersion: plan.python,
      mlModelFlavor: undefined,
      platforms: platformNames(job.config.platforms),
      // The patch report on the image: patch's changes, resolve's (a fallback, a pin moved for one platform), and
      // what provides each module the code imports (the imports phase; the serving image runs no repo code).
      patches: [...plan.patches, ...(done.resolve?.notes ?? []), ...importsReportLines(done.imports, 'trainer')],
    }),
    [LABELS.trainingEntry]: need(done.validate, 'validate').entry.value,
    [LABELS.trainingEntryOption]: job.config.entry ?? '',
    ...(lock ? { [LABELS.lockDigest]: lockDigest(lock.base) } : {}),
  };
}
