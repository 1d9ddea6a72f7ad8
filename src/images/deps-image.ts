// Dependency images: a base image plus an installed lock, named by a hash of everything that decides their content,
// kept in the registry beside the images built on them, so a fresh builder finds them and installs nothing.

import { createHash } from 'node:crypto';
import type { PlanPurpose } from '../deps/plan/types.js';

/**
 * What a dependency image is for: the learner (the base set), the aggregator (base set and its own layer), a model,
 * a trainer.
 */
export type DepsRole = 'learner' | 'aggregator' | 'model' | 'trainer';

/** The role whose dependency image carries a plan's lock record: the one installing the most. */
export const LOCK_HOLDER: Readonly<Record<PlanPurpose, DepsRole>> = {
  fl: 'aggregator',
  serving: 'model',
  training: 'trainer',
};

/** Labels of a dependency image: the locks it installed, so a later job can reuse them without resolving. */
export const DEPS_LABELS = Object.freeze({
  lock: 'io.flops.deps.lock',
  extras: 'io.flops.deps.lock-extras',
  unlocked: 'io.flops.deps.unlocked',
  moved: 'io.flops.deps.moved',
  lockDigest: 'io.flops.deps.lock-digest',
  inputs: 'io.flops.deps.inputs',
  /** What the image lets code import (fl-templates/checks/installed_modules.py's JSON), for the import check. */
  modules: 'io.flops.deps.modules',
});

/** The repository holding the dependency images of the images under `path` (`alice/mnist/flops-deps`). */
export function depsRepository(path: string): string {
  return `${path}/flops-deps`;
}

/** A lock record's tag, as `inputsTag` makes it; the group is `<role>-<architecture>`. */
export const LOCK_RECORD_TAG = /^([a-z]+-[a-z0-9]+)-in-[0-9a-f]+$/;

/** The tag of the dependency image a lock's inputs lead to: how a fresh builder finds the lock it made before. */
export function inputsTag(role: DepsRole, architecture: string, inputsHash: string): string {
  return `${role}-${architecture}-in-${inputsHash.slice(0, 32)}`;
}

/** The tag of a dependency image by its content. */
export function contentTag(role: DepsRole, architecture: string, contentHash: string): string {
  return `${role}-${architecture}-${contentHash.slice(0, 32)}`;
}

/** What decides a dependency image's content. */
export interface DepsContent {
  readonly role: DepsRole;
  readonly platform: string;
  readonly python: string;
  /** The locks installed (base, then the role's own layer), and what is installed unlocked (source-only). */
  readonly locks: readonly string[];
  readonly unlocked: readonly string[];
  /** The digest of the base image's manifest for the platform. */
  readonly baseDigest: string;
  /** The rendered Containerfile of the dependency stages (the templates' own version). */
  readonly containerfile: string;
  /** The digest of the script that lists the image's modules into its label. */
  readonly moduleLister: string;
  /** The digest of the scripts that install the aggregator's own layer in a working container. */
  readonly ownInstaller: string;
}

/** The hash a dependency image is named by. */
export function depsContentHash(content: DepsContent): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
