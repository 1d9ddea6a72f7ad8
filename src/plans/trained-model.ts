// The trained_model plan: fetch → validate → patch → resolve → inject → build → push of the serving image.

import type { TrainedModelConfig } from '../config/config.js';
import { lockDigest } from '../deps/lock.js';
import { whilePullingBase } from '../images/base-warmup.js';
import { builtDepsTags } from '../images/deps-build.js';
import { depsRepository } from '../images/deps-image.js';
import { imageLabels, LABELS } from '../images/labels.js';
import type { TrainedModelJob } from '../job.js';
import { type BuildResult, build, buildPhase } from '../phases/build.js';
import { type ConvertResult, convert, convertPhase } from '../phases/convert.js';
import { type FetchResult, fetchModel, fetchModelPhase } from '../phases/fetch-model.js';
import { type PatchResult, patch, patchPhase } from '../phases/patch.js';
import { type ImageTarget, type PushResult, push, pushPhase } from '../phases/push.js';
import { type ModelResult, readModel, readModelPhase } from '../phases/read-model.js';
import { renderServing, renderServingPhase, type ServingContext } from '../phases/render-serving.js';
import { type ResolveResult, resolve, resolvePhase } from '../phases/resolve.js';
import { platformNames } from '../platforms.js';
import { installsAnything } from '../resolve/result.js';
import { phaseNames } from '../tables/phase-table.js';
import { need, type Plan } from './plan.js';

/** Each phase's result, by name: the phase table's trained_model rows. */
export interface TrainedModelResults {
  fetch: FetchResult;
  validate: ModelResult;
  patch: PatchResult;
  resolve: ResolveResult;
  inject: ServingContext;
  build: BuildResult;
  convert: ConvertResult;
  push: PushResult;
}

export const TRAINED_MODEL_PLAN: Plan<TrainedModelResults, TrainedModelConfig> = {
  name: 'trained_model',
  order: phaseNames('trained_model'),
  phases: {
    fetch: { ...fetchModelPhase, run: (job, _done, log) => fetchModel(job, log) },
    validate: { ...readModelPhase, run: (job, done) => readModel(job, modelDir(done.fetch)) },
    patch: {
      ...patchPhase,
      run: (job, done) => {
        const { env, python, baseImage } = need(done.validate, 'validate');
        return patch(job, { env, python, baseImage, imports: [], purpose: 'serving' });
      },
    },
    resolve: {
      ...resolvePhase,
      run: (job, done, log) => {
        const { image } = need(done.fetch, 'fetch');
        const envFile = need(done.validate, 'validate').env.file;
        const deps = job.config.dryRun ? undefined : depsRepository(image.path);
        const plan = need(done.patch, 'patch');
        // The build's first install starts from the base image: it is pulled meanwhile.
        const work = () => resolve(job, { plan, envFile, depsRepository: deps }, log);
        return whilePullingBase(job, plan.baseImage, log, work, installsAnything);
      },
    },
    inject: {
      ...renderServingPhase,
      run: (job, done) =>
        renderServing(job, {
          modelDir: modelDir(done.fetch),
          image: need(done.fetch, 'fetch').image,
          plan: need(done.patch, 'patch'),
          locks: done.resolve?.locks.length ? done.resolve.locks : undefined,
          flavor: need(done.validate, 'validate').flavor,
        }),
    },
    build: { ...buildPhase, run: (job, done, log) => build(job, need(done.inject, 'inject'), log) },
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

/** The fetched model's folder; fetch returns none only when the image exists, and then nothing runs after it. */
function modelDir(fetched: FetchResult | undefined): string {
  const dir = need(fetched, 'fetch').modelDir;
  if (dir === undefined) throw new Error('internal: no model was fetched');
  return dir;
}

/** Where the serving image goes, with its labels. */
function targetsOf(job: TrainedModelJob, done: Partial<TrainedModelResults>): { model: ImageTarget } {
  const { image } = need(done.fetch, 'fetch');
  return { model: { repository: image.repository, tag: image.tag, labels: labelsOf(job, done) } };
}

/** The serving image's labels: the run, the flavor, the builder. */
function labelsOf(job: TrainedModelJob, done: Partial<TrainedModelResults>): Record<string, string> {
  const plan = need(done.patch, 'patch');
  const lock = done.resolve?.locks[0];
  // A registered model's version names its run through the tracking server.
  const runId = done.fetch?.run?.runId ?? job.config.runId;
  const registered = job.config.registeredModel;
  return {
    ...job.config.labels,
    ...imageLabels({
      sourceUrl: `${job.config.trackingUri.origin}/#/experiments/${done.fetch?.run?.experimentId ?? ''}/runs/${runId}`,
      revision: runId,
      created: new Date(),
      title: 'FLOps trained model',
      builderVersion: job.builderVersion,
      flwrVersion: undefined,
      pythonVersion: plan.python,
      mlModelFlavor: need(done.validate, 'validate').flavor,
      platforms: platformNames(job.config.platforms),
      // The patch report on the image: patch's changes, then resolve's (a fallback, a pin moved for one platform).
      patches: [...plan.patches, ...(done.resolve?.notes ?? [])],
    }),
    'io.flops.mlflow.run-id': runId,
    ...(registered ? { 'io.flops.mlflow.registered-model': `${registered.name}/${registered.version}` } : {}),
    ...(lock ? { [LABELS.lockDigest]: lockDigest(lock.base) } : {}),
  };
}
