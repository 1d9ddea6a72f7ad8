// The trained_model plan: fetch → validate → patch → resolve → inject → build → push of the serving image.

import type { TrainedModelConfig } from '../config/config.js';
import type { BuiltImage } from '../images/built-image.js';
import { trainedModelSuccess } from '../outcome/trained-model.js';
import { buildServing, buildServingPhase, pushServing, pushServingPhase } from '../phases/build-serving.js';
import { type FetchResult, fetchModel, fetchModelPhase } from '../phases/fetch-model.js';
import { type PatchResult, patch, patchPhase } from '../phases/patch.js';
import { type ModelResult, readModel, readModelPhase } from '../phases/read-model.js';
import { renderServing, renderServingPhase, type ServingContext } from '../phases/render-serving.js';
import { type ResolveResult, resolve, resolvePhase } from '../phases/resolve.js';
import type { ImageOutcome } from '../report/messages.js';
import { phaseNames } from './phase-table.js';
import { need, type Plan } from './plan.js';

/** Each phase's result, by name: the phase table's trained_model rows. */
export interface TrainedModelResults {
  fetch: FetchResult;
  validate: ModelResult;
  patch: PatchResult;
  resolve: ResolveResult;
  inject: ServingContext;
  build: BuiltImage;
  push: ImageOutcome;
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
        const { env, python } = need(done.validate, 'validate');
        return patch(job, { env, python, imports: [], purpose: 'serving' });
      },
    },
    resolve: {
      ...resolvePhase,
      run: (job, done, log) =>
        resolve(job, { plan: need(done.patch, 'patch'), envFile: need(done.validate, 'validate').env.file }, log),
    },
    inject: {
      ...renderServingPhase,
      run: (job, done) => renderServing(job, modelDir(done.fetch), need(done.patch, 'patch')),
    },
    build: {
      ...buildServingPhase,
      run: (job, done, log) =>
        buildServing(
          job,
          {
            image: need(done.fetch, 'fetch').image,
            context: need(done.inject, 'inject'),
            plan: need(done.patch, 'patch'),
            flavor: need(done.validate, 'validate').flavor,
          },
          log,
        ),
    },
    push: { ...pushServingPhase, run: (job, done, log) => pushServing(job, need(done.build, 'build'), log) },
  },
  success: trainedModelSuccess,
  builtTags: (done) => (done.build === undefined ? [] : [done.build.reference]),
};

/** The fetched model's folder; fetch returns none only when the image exists, and then nothing runs after it. */
function modelDir(fetched: FetchResult | undefined): string {
  const dir = need(fetched, 'fetch').modelDir;
  if (dir === undefined) throw new Error('internal: no model was fetched');
  return dir;
}
