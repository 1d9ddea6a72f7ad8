// The fl_actors plan: clone → validate → patch → resolve → inject → build → imports → convert → push, each fed what it
// needs.

import type { FlActorsConfig } from '../config/config.js';
import { lockDigest, lockedVersion } from '../deps/lock.js';
import { whilePullingBase } from '../images/base-warmup.js';
import { builtDepsTags } from '../images/deps-build.js';
import { depsRepository } from '../images/deps-image.js';
import { imageLabels, LABELS } from '../images/labels.js';
import { importsReportLines } from '../imports/report-line.js';
import type { FlActorsJob } from '../job.js';
import { type BuildResult, build, buildPhase } from '../phases/build.js';
import { type CloneResult, clone, clonePhase } from '../phases/clone.js';
import { type ConvertResult, convert, convertPhase } from '../phases/convert.js';
import { checkRepoImports, type ImportsResult, importsPhase } from '../phases/imports.js';
import { type InjectResult, inject, injectPhase } from '../phases/inject.js';
import { type PatchResult, patch, patchPhase } from '../phases/patch.js';
import { type ImageTarget, type PushResult, push, pushPhase } from '../phases/push.js';
import { type ResolveResult, resolve, resolvePhase } from '../phases/resolve.js';
import { type ValidateResult, validate, validatePhase } from '../phases/validate.js';
import { platformNames } from '../platforms.js';
import { installsAnything } from '../resolve/result.js';
import { phaseNames } from '../tables/phase-table.js';
import { importsInput } from './imports-input.js';
import { need, type Plan } from './plan.js';

/** Each phase's result, by name: the phase table's fl_actors rows. */
export interface FlActorsResults {
  clone: CloneResult;
  validate: ValidateResult;
  patch: PatchResult;
  resolve: ResolveResult;
  inject: InjectResult;
  build: BuildResult;
  imports: ImportsResult;
  convert: ConvertResult;
  push: PushResult;
}

export const FL_ACTORS_PLAN: Plan<FlActorsResults, FlActorsConfig> = {
  name: 'fl_actors',
  // A phase of the table without a result above fails to compile; the unit tests check the converse.
  order: phaseNames('fl_actors'),
  phases: {
    clone: { ...clonePhase, run: (job, _done, log) => clone(job, log) },
    validate: { ...validatePhase, run: (job, done) => validate(job, need(done.clone, 'clone').repoDir) },
    patch: { ...patchPhase, run: (job, done) => patch(job, { ...need(done.validate, 'validate'), purpose: 'fl' }) },
    resolve: {
      ...resolvePhase,
      run: (job, done, log) => {
        const { images } = need(done.clone, 'clone');
        const envFile = need(done.validate, 'validate').env.file;
        const deps = job.config.dryRun ? undefined : depsRepository(images.path);
        const plan = need(done.patch, 'patch');
        // The build's first install starts from the base image: it is pulled meanwhile.
        const work = () => resolve(job, { plan, envFile, depsRepository: deps }, log);
        return whilePullingBase(job, plan.baseImage, log, work, installsAnything);
      },
    },
    inject: {
      ...injectPhase,
      run: (job, done) => {
        const { repoDir, images } = need(done.clone, 'clone');
        const locks = done.resolve?.locks.length ? done.resolve.locks : undefined;
        return inject(job, { repoDir, images, plan: need(done.patch, 'patch'), locks });
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

/** Where the learner and aggregator go, with their labels. */
function targetsOf(
  job: FlActorsJob,
  done: Partial<FlActorsResults>,
): { learner: ImageTarget; aggregator: ImageTarget } {
  const { images } = need(done.clone, 'clone');
  const target = (role: 'learner' | 'aggregator', repository: string): ImageTarget => ({
    repository,
    tag: images.tag,
    labels: labelsOf(job, done, role),
  });
  return {
    learner: target('learner', images.learnerRepository),
    aggregator: target('aggregator', images.aggregatorRepository),
  };
}

/** The labels of the learner or aggregator: where it comes from, what made it, what it holds. */
function labelsOf(
  job: FlActorsJob,
  done: Partial<FlActorsResults>,
  role: 'learner' | 'aggregator',
): Record<string, string> {
  const plan = need(done.patch, 'patch');
  const lock = done.resolve?.locks[0];
  return {
    // The user's first: config refuses the builder's own keys, and they would lose here anyway.
    ...job.config.labels,
    ...imageLabels({
      sourceUrl: job.config.repo.display,
      revision: need(done.clone, 'clone').commitSha,
      created: new Date(),
      title: `FLOps ${role}`,
      builderVersion: job.builderVersion,
      // resolve may have fallen back to an older Flower release than the plan chose (see resolve/flower-fallback).
      flwrVersion: lockedVersion(lock?.base, 'flwr') ?? plan.flwrVersion,
      pythonVersion: plan.python,
      mlModelFlavor: job.config.flavor,
      platforms: platformNames(job.config.platforms),
      // The patch report on the image: patch's changes, resolve's (a fallback, a pin moved for one platform), and
      // what provides each module the code imports (the imports phase; the serving image runs no repo code).
      patches: [...plan.patches, ...(done.resolve?.notes ?? []), ...importsReportLines(done.imports, role)],
    }),
    ...(lock ? { [LABELS.lockDigest]: lockDigest(lock.base) } : {}),
  };
}
