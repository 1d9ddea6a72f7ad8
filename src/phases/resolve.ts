// Phase 4: lock the dependencies of every image for its python and platform (uv, from metadata alone), reusing the
// lock of a previous build while the inputs are the same; a conflict fails here in seconds, explained by pip. The
// policy (reuse, the MLflow and Flower fallbacks, packages without wheels) is in src/resolve/.

import { lockDigest } from '../deps/lock.js';
import { requirementName } from '../deps/requirement-name.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import { resolvePlan } from '../resolve/resolve-plan.js';
import type { ResolveInput, ResolveResult } from '../resolve/result.js';
import type { PhaseBehaviour } from './phase.js';

export type { ResolveInput, ResolveResult } from '../resolve/result.js';

/** Packages whose versions the done event names, when the set has them. */
const NOTABLE = ['flwr', 'numpy', 'torch', 'tensorflow', 'protobuf', 'mlflow'];

export const resolvePhase: PhaseBehaviour<ResolveResult> = {
  failureCode: 'RESOLVE_FAILED',
  describe: describeResolve,
  skip: (job) =>
    job.config.skipResolve
      ? '--skip-resolve: the dependencies are not locked before the build, which then resolves them itself'
      : undefined,
};

/** The done detail: per platform, the lock's size, digest and whether it was reused; the notable versions. */
export function describeResolve(result: ResolveResult): Record<string, unknown> {
  const first = result.locks[0];
  const packages = first ? [...first.base.packages, ...first.extras.packages] : result.checkedPackages;
  const versions = Object.fromEntries(
    NOTABLE.flatMap((name) => {
      const found = packages.find((item) => requirementName(item.name) === name);
      return found ? [[name, found.version]] : [];
    }),
  );
  const named = Object.entries(versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const perPlatform = result.locks.map(
    (lock) =>
      `${lock.platform}: ${lock.base.packages.length + lock.extras.packages.length} packages${lock.reused ? ' (lock reused)' : ''}`,
  );
  const what =
    result.locks.length > 0
      ? `locked for python ${result.python}, ${perPlatform.join('; ')}`
      : `${result.checkedPackages.length} pip packages install on python ${result.python} (conda resolves the rest in the build)`;
  const left = result.notChecked.length > 0 ? `; not locked: ${result.notChecked.length}` : '';
  const differing = result.locks.flatMap((lock) => lock.differs.map((line) => `${lock.platform}: ${line}`));
  const noted = result.notes.length > 0 ? `; ${result.notes.join('; ')}` : '';
  return {
    summary: `${what}${named ? `: ${named}` : ''}${left}${noted}`,
    verified: result.verified,
    python_version: result.python,
    tool: result.tool,
    versions,
    locks: result.locks.map((lock) => ({
      platform: lock.platform,
      digest: lockDigest(lock.base),
      packages: lock.base.packages.length,
      aggregator_packages: lock.extras.packages.length,
      reused: lock.reused,
      ...(lock.unlocked.length > 0 ? { unlocked: lock.unlocked } : {}),
      ...(lock.moved.length > 0 ? { moved: lock.moved } : {}),
    })),
    ...(differing.length > 0 ? { differing_versions: differing } : {}),
    ...(result.notes.length > 0 ? { notes: result.notes } : {}),
    ...(result.notChecked.length > 0 ? { not_checked: result.notChecked } : {}),
  };
}

/** Locks every platform, the first one first: the others are pinned to its versions wherever their wheels allow. */
export function resolve(job: Job, input: ResolveInput, log: Logger): Promise<ResolveResult> {
  return resolvePlan(job, input, log);
}
