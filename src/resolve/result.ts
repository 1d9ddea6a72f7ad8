// What the resolve phase takes and gives.

import type { DependencyPlan } from '../deps/plan/plan.js';
import type { PlatformLock } from './platform-lock.js';

/** The locks, or (conda path) only pip's check. */
export interface ResolveResult {
  /** Every requirement is locked or checked (nothing left out, nothing only in source form). */
  readonly verified: boolean;
  readonly python: string;
  /** One per requested platform, in the order asked; empty on the conda path, which conda resolves in the build. */
  readonly locks: readonly PlatformLock[];
  /** The conda path: what pip found for the pip part of the set. */
  readonly checkedPackages: readonly { readonly name: string; readonly version: string }[];
  /** One line per requirement left out, with the reason. */
  readonly notChecked: readonly string[];
  /** Changes resolve had to make (an MLflow pin that does not fit), for the report. */
  readonly notes: readonly string[];
  readonly tool: string;
}

/** What resolve locks. */
export interface ResolveInput {
  readonly plan: DependencyPlan;
  /** The repo's (or model's) environment file, for messages. */
  readonly envFile: string;
  /** Where earlier builds left their dependency images (and with them their locks); undefined: do not look. */
  readonly depsRepository: string | undefined;
}

/**
 * Whether a build after this resolve may install anything: not when every platform's lock was an earlier build's
 * (read back from its dependency images' labels: the registry holds those images). Conda (no lock) always builds.
 */
export function installsAnything(result: ResolveResult): boolean {
  return result.locks.length === 0 || result.locks.some((lock) => !lock.reused);
}
