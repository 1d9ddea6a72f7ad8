// The fl_actors plan: clone → validate → patch → resolve → inject → build → push, each fed what it needs.

import type { FlActorsConfig } from '../config/config.js';
import { baseImageTag } from '../images/image-names.js';
import { flActorsSuccess } from '../outcome/fl-actors.js';
import { type BuildResult, build, buildPhase } from '../phases/build.js';
import { type CloneResult, clone, clonePhase } from '../phases/clone.js';
import { type InjectResult, inject, injectPhase } from '../phases/inject.js';
import { type PatchResult, patch, patchPhase } from '../phases/patch.js';
import { type PushResult, push, pushPhase } from '../phases/push.js';
import { type ResolveResult, resolve, resolvePhase } from '../phases/resolve.js';
import { type ValidateResult, validate, validatePhase } from '../phases/validate.js';
import { phaseNames } from './phase-table.js';
import { need, type Plan } from './plan.js';

/** Each phase's result, by name: the phase table's fl_actors rows. */
export interface FlActorsResults {
  clone: CloneResult;
  validate: ValidateResult;
  patch: PatchResult;
  resolve: ResolveResult;
  inject: InjectResult;
  build: BuildResult;
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
      run: (job, done, log) =>
        resolve(job, { plan: need(done.patch, 'patch'), envFile: need(done.validate, 'validate').env.file }, log),
    },
    inject: {
      ...injectPhase,
      run: (job, done) => {
        const { repoDir, images } = need(done.clone, 'clone');
        return inject(job, { repoDir, images, plan: need(done.patch, 'patch') });
      },
    },
    build: {
      ...buildPhase,
      run: (job, done, log) => {
        const { images, commitSha } = need(done.clone, 'clone');
        return build(
          job,
          { images, commitSha, context: need(done.inject, 'inject'), plan: need(done.patch, 'patch') },
          log,
        );
      },
    },
    push: { ...pushPhase, run: (job, done, log) => push(job, need(done.build, 'build'), log) },
  },
  success: flActorsSuccess,
  builtTags: (done) => {
    const images = done.clone?.images;
    return images === undefined ? [] : [images.learner, images.aggregator, baseImageTag(images)];
  },
};
