// Phase 4: lock the dependencies of every image for its python and platform (uv, from metadata alone), reusing the
// lock of a previous build while the inputs are the same; a conflict fails here in seconds, explained by pip.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { builderPins, constraintsFileLines } from '../deps/install-set.js';
import { DEFAULT_AGGREGATOR_MLFLOW } from '../deps/plan/fl-additions.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { requirementName } from '../deps/requirement-name.js';
import { PhaseError } from '../errors.js';
import { DEPS_LABELS, inputsTag } from '../images/deps-image.js';
import type { Job } from '../job.js';
import { TEMPLATES_DIR } from '../paths.js';
import { hostPlatform, type PlatformInfo, platformInfo } from '../platforms.js';
import type { Logger } from '../report/logger.js';
import type { ExplainContext } from '../resolve/explain.js';
import { lockBesideFlower } from '../resolve/flower-fallback.js';
import { differences, lockDigest, pins, readLock } from '../resolve/lock.js';
import { checkWithPip, type PipCheckSetup } from '../resolve/pip-check.js';
import type { PlatformLock } from '../resolve/platform-lock.js';
import { type ToolAccess, toolAccess } from '../resolve/tool-access.js';
import { type LockAttempt, type LockRequest, lockInputsHash, lockTarget, type UvSetup } from '../resolve/uv-lock.js';
import { ensurePipVenv, type PipVenv, PipVenvError } from '../tools/pip-venv.js';
import { UV_VERSION } from '../tools/uv-args.js';
import type { PhaseBehaviour } from './phase.js';

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

export const PIP_SHIM = join(TEMPLATES_DIR, 'checks', 'pip_for_target.py');

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
    })),
    ...(differing.length > 0 ? { differing_versions: differing } : {}),
    ...(result.notes.length > 0 ? { notes: result.notes } : {}),
    ...(result.notChecked.length > 0 ? { not_checked: result.notChecked } : {}),
  };
}

/** Locks every platform, the first one first: the others are pinned to its versions wherever their wheels allow. */
export async function resolve(job: Job, input: ResolveInput, log: Logger): Promise<ResolveResult> {
  const { plan } = input;
  const workDir = join(job.workdir, 'resolve');
  await mkdir(workDir, { recursive: true });
  const access = await toolAccess(job);
  const venv = await toolVenv(job, access, log);
  const pip = pipSetup(job, access, venv, log);
  const host = hostPlatform();
  const platforms = job.config.platforms.map((name) => platformInfo(name) ?? host);
  const context = (platform: PlatformInfo): ExplainContext => ({
    python: plan.python,
    architecture: platform.architecture,
    envFile: input.envFile,
    flwrVersion: plan.flwrVersion,
    indexUrl: access.index.indexUrl,
    builderProjects: ['flwr', 'paho-mqtt', 'mlflow'],
  });

  if (plan.installer === 'conda') {
    // conda resolves its own packages in the build; conda's channels cannot be reached or locked here.
    const checked = await checkWithPip(plan, host.architecture, plan.aggregatorPins, context(host), workDir, pip);
    const condaPackages = (plan.condaEnvironment?.dependencies ?? []).filter((spec) => !/^(python|pip)\b/.test(spec));
    const condaNote = condaPackages.length > 0 ? [`${condaPackages.join(', ')}: not locked (conda installs them)`] : [];
    const notChecked = [...checked.notChecked, ...condaNote];
    return {
      verified: notChecked.length === 0,
      python: plan.python,
      locks: [],
      checkedPackages: checked.packages,
      notChecked,
      notes: [],
      tool: `pip ${venv.pipVersion} (conda path, not locked)`,
    };
  }

  const uv: UvSetup = {
    uv: venv.uv,
    env: access.env,
    index: access.index,
    timeoutMs: job.config.phaseTimeoutsMs.resolve,
    signal: job.signal,
  };
  let request: LockRequest = {
    requirements: [...plan.requirements, ...builderPins(plan)],
    pipOptions: plan.pipOptions,
    constraints: constraintsFileLines(plan),
    extras: plan.aggregatorPins,
    python: plan.python,
    workDir,
  };
  const locks: PlatformLock[] = [];
  const notChecked: string[] = [];
  const notes: string[] = [];
  // Reuse is keyed on what the repo and the builder asked for, not on what a fallback below changed.
  const asked = request;
  for (const platform of platforms) {
    const first = locks[0];
    const inputsHash = lockInputsHash(asked, platform.machine, access.index);
    const found = await findLock(job, input, platform, inputsHash);
    if (found !== undefined) {
      locks.push({ ...found, differs: first ? differences(first.base, found.base) : [], inputsHash });
      log.info({ platform: platform.platform, inputs: inputsHash.slice(0, 12) }, 'Reused the lock of an earlier build');
      continue;
    }
    const made = await lockPlatform(request, platform, first, uv, async () => {
      const checked = await checkWithPip(
        plan,
        platform.architecture,
        plan.aggregatorPins,
        context(platform),
        workDir,
        pip,
      );
      notChecked.push(...checked.notChecked);
      return checked.notCheckedItems;
    });
    const { note, request: used, ...lock } = made;
    if (note !== undefined) notes.push(note);
    request = used;
    locks.push({ ...lock, inputsHash, reused: false });
  }
  return {
    verified: notChecked.length === 0 && locks.every((lock) => lock.unlocked.length === 0),
    python: plan.python,
    locks,
    checkedPackages: [],
    notChecked: [...new Set(notChecked)],
    notes,
    tool: `uv ${UV_VERSION}`,
  };
}

/**
 * Locks one platform. When uv finds no wheel for a package it does not build it (that would run its code here): pip
 * then explains, and on the build's own platform the requirement that pulls the package in is left out of the lock
 * and installed after it, built in the image; on another platform that cannot work without emulation, and fails.
 */
async function lockPlatform(
  request: LockRequest,
  platform: PlatformInfo,
  first: PlatformLock | undefined,
  uv: UvSetup,
  explain: () => Promise<readonly { requirement: string; reason: string; parent?: string }[]>,
): Promise<Omit<PlatformLock, 'inputsHash' | 'reused'> & { readonly note?: string; readonly request: LockRequest }> {
  const alsoPin = first ? pins(first.base).concat(pins(first.extras)) : [];
  let attempt = await lockTarget(request, platform.machine, alsoPin, uv);
  // The first platform's versions may have no wheel here: then this platform resolves on its own, and says so.
  if (!attempt.ok && attempt.unsatisfiable && alsoPin.length > 0)
    attempt = await lockTarget(request, platform.machine, [], uv);
  const locked = (done: Extract<LockAttempt, { ok: true }>, used: LockRequest, note: string) => ({
    platform: platform.platform,
    base: done.base,
    extras: done.extras,
    unlocked: [],
    differs: first ? differences(first.base, done.base) : [],
    note,
    request: used,
  });
  // The repo's MLflow pin is the aggregator's client only if it fits the rest (mlflow 2.9 needs protobuf<5,
  // recent Flower protobuf>=5): else the newest 2.x client, which talks to the same 2.x tracking server.
  let candidate = request;
  let failure = attempt.ok ? '' : attempt.detail;
  const notes: string[] = [];
  const repoMlflow = request.extras.find((line) => /^mlflow==/.test(line));
  if (!attempt.ok && attempt.unsatisfiable && /\bmlflow\b/.test(failure) && repoMlflow !== undefined) {
    const extras = request.extras.map((line) => (line === repoMlflow ? DEFAULT_AGGREGATOR_MLFLOW : line));
    candidate = { ...request, extras };
    notes.push(
      `the repo's ${repoMlflow} does not install beside the images' other packages; the aggregator gets ${DEFAULT_AGGREGATOR_MLFLOW} instead`,
    );
    const retried = await lockTarget(candidate, platform.machine, [], uv);
    if (retried.ok) return locked(retried, candidate, notes.join('; '));
    failure = retried.detail;
  }
  // Then Flower: an older release, or a pin raised within its major version (see resolve/flower-fallback).
  if (!attempt.ok) {
    const fallback = await lockBesideFlower(candidate, platform.machine, failure, uv);
    if (fallback) return locked(fallback.attempt, fallback.request, [...notes, fallback.note].join('; '));
  }
  let unlocked: string[] = [];
  const noWheel = attempt.ok
    ? undefined
    : /(\S+?)==(\S+) has no wheels with a matching platform tag/.exec(attempt.detail);
  if (noWheel && platform.platform !== hostPlatform().platform) {
    throw new PhaseError(
      'NO_WHEEL_FOR_PLATFORM',
      `${noWheel[1]} ${noWheel[2]} has no wheel for ${platform.platform} (python ${request.python}), and the builder installs ${platform.platform} packages without emulating that platform; pin a release of ${noWheel[1]} that publishes ${platform.machine} wheels, or leave ${platform.platform} out of --supported_platforms`,
    );
  }
  if (!attempt.ok) {
    const left = (await explain()).filter((item) => item.reason === 'source-only');
    if (left.length === 0) {
      throw new PhaseError(
        'RESOLVE_FAILED',
        `uv could not lock the dependencies for ${platform.platform}: ${attempt.detail}`,
      );
    }
    if (platform.platform !== hostPlatform().platform) {
      const [item] = left;
      throw new PhaseError(
        'NO_WHEEL_FOR_PLATFORM',
        `${item?.requirement}${item?.parent ? ` (required by ${item.parent})` : ''} has no wheel for python ${request.python} on ${platform.platform}, only source releases, and the builder installs ${platform.platform} packages without emulating that platform; pin a release that publishes ${platform.machine} wheels, or leave ${platform.platform} out of --supported_platforms`,
      );
    }
    const culprits = new Set(left.map((item) => requirementName(item.parent ?? item.requirement)));
    unlocked = request.requirements.filter((line) => culprits.has(requirementName(line) ?? ''));
    const kept = request.requirements.filter((line) => !unlocked.includes(line));
    attempt = await lockTarget({ ...request, requirements: kept }, platform.machine, alsoPin, uv);
    if (!attempt.ok) {
      throw new PhaseError(
        'RESOLVE_FAILED',
        `uv could not lock the dependencies for ${platform.platform}: ${attempt.detail}`,
      );
    }
  }
  return {
    platform: platform.platform,
    base: attempt.base,
    extras: attempt.extras,
    unlocked,
    differs: first ? differences(first.base, attempt.base) : [],
    request,
  };
}

/** The locks an earlier build made from the same inputs, read from its dependency images' labels. */
async function findLock(
  job: Job,
  input: ResolveInput,
  platform: PlatformInfo,
  inputsHash: string,
): Promise<Omit<PlatformLock, 'differs' | 'inputsHash'> | undefined> {
  if (input.depsRepository === undefined || job.config.force) return undefined;
  const role = input.plan.purpose === 'fl' ? 'aggregator' : 'model';
  const tag = inputsTag(role, platform.architecture, inputsHash);
  const image = await job.registry.platformImage(input.depsRepository, tag, platform.platform).catch(() => undefined);
  if (image === undefined) return undefined;
  const labels = image.config.config?.Labels ?? {};
  const base = labels[DEPS_LABELS.lock];
  if (base === undefined || readLock(base).packages.length === 0) {
    job.log.warn({ tag, platform: platform.platform }, 'The lock kept in the registry is unreadable; locking again');
    return undefined;
  }
  return {
    platform: platform.platform,
    base: readLock(base),
    extras: readLock(labels[DEPS_LABELS.extras] ?? ''),
    unlocked: (labels[DEPS_LABELS.unlocked] ?? '').split('\n').filter(Boolean),
    reused: true,
  };
}

async function toolVenv(job: Job, access: ToolAccess, log: Logger): Promise<PipVenv> {
  try {
    const venv = await ensurePipVenv({
      dir: job.config.pipVenv,
      env: access.env,
      index: access.index,
      certFile: access.certFile,
      timeoutMs: job.config.phaseTimeoutsMs.resolve,
      signal: job.signal,
    });
    if (venv.created) log.info({ venv: job.config.pipVenv, pip_version: venv.pipVersion }, 'Made the tool environment');
    return venv;
  } catch (error) {
    if (!(error instanceof PipVenvError)) throw error;
    throw new PhaseError(
      'RESOLVE_FAILED',
      `${error.message}. Set FLOPS_PIP_VENV to a writable folder, or build without this check with --skip-resolve.`,
      { cause: error },
    );
  }
}

function pipSetup(job: Job, access: ToolAccess, venv: PipVenv, log: Logger): PipCheckSetup {
  return {
    python: venv.python,
    shim: PIP_SHIM,
    env: access.env,
    index: access.index,
    certFile: access.certFile,
    timeoutMs: job.config.phaseTimeoutsMs.resolve,
    signal: job.signal,
    onLine: (line) => {
      if (/^(WARNING|ERROR|INFO):/.test(line)) log.info({ pip: line }, 'pip');
      else log.debug({ pip: line }, 'pip');
    },
  };
}
