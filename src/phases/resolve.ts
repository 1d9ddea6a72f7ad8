// Phase 4: ask pip whether the patched dependencies install for the image's python and platform, before any build.

import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builderPins, constraintsFileLines, requirementsFileLines } from '../deps/install-set.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { requirementName } from '../deps/requirement-name.js';
import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import { TEMPLATES_DIR } from '../paths.js';
import type { Logger } from '../report/logger.js';
import {
  type ExplainContext,
  explainConflict,
  explainIndexFailure,
  explainNotChecked,
  explainNotFound,
} from '../resolve/explain.js';
import { resolveSet } from '../resolve/resolve-set.js';
import type { PipIndex } from '../tools/pip-args.js';
import { pipIndexFromEnv } from '../tools/pip-index.js';
import type { ResolvedPackage } from '../tools/pip-output.js';
import { ensurePipVenv, type PipVenv, PipVenvError } from '../tools/pip-venv.js';
import type { PhaseBehaviour } from './phase.js';

/** What pip would install, and what it could not check. */
export interface ResolveResult {
  /** Every requirement was checked (nothing left out, nothing only in source form). */
  readonly verified: boolean;
  readonly packages: readonly ResolvedPackage[];
  readonly pipVersion: string;
  /** One line per requirement left out of the check, with the reason. */
  readonly notChecked: readonly string[];
  readonly python: string;
  readonly platform: string;
}

export const PIP_SHIM = join(TEMPLATES_DIR, 'checks', 'pip_for_target.py');

/** Packages whose versions the done event names, when the set has them. */
const NOTABLE = ['flwr', 'numpy', 'torch', 'tensorflow', 'protobuf'];

// Proxies reach pip through its environment, as in the build; index settings through argv and a netrc.
const PROXY_VARIABLES = /^(HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy)$/;
const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export const resolvePhase: PhaseBehaviour<ResolveResult> = {
  failureCode: 'RESOLVE_FAILED',
  describe: describeResolve,
  skip: (job) =>
    job.config.skipResolve ? '--skip-resolve: the dependencies are not checked before the build' : undefined,
};

/** The done detail: a count, the notable versions, and what was not checked. */
export function describeResolve(result: ResolveResult): Record<string, unknown> {
  const versions = Object.fromEntries(
    NOTABLE.flatMap((name) => {
      const found = result.packages.find((item) => requirementName(item.name) === name);
      return found ? [[name, found.version]] : [];
    }),
  );
  const named = Object.entries(versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const checked =
    result.packages.length > 0
      ? `${result.packages.length} packages install on python ${result.python} (${result.platform})${named ? `: ${named}` : ''}`
      : `the dependencies could not be checked on python ${result.python} (${result.platform})`;
  const left = result.notChecked.length > 0 ? `; not checked: ${result.notChecked.length}` : '';
  return {
    summary: `${checked}${left}`,
    verified: result.verified,
    packages: result.packages.length,
    versions,
    python_version: result.python,
    platform: result.platform,
    pip_version: result.pipVersion,
    ...(result.notChecked.length > 0 ? { not_checked: result.notChecked } : {}),
  };
}

/** What resolve checks: the dependency plan, and the environment file it came from (for messages). */
export interface ResolveInput {
  readonly plan: DependencyPlan;
  readonly envFile: string;
}

/** Asks pip whether the plan installs for the image's python and platform; a conflict fails in seconds. */
export async function resolve(job: Job, { plan: patched, envFile }: ResolveInput, log: Logger): Promise<ResolveResult> {
  const workDir = join(job.workdir, 'resolve');
  await mkdir(workDir, { recursive: true });
  const { index, certFile, pipEnv } = await pipAccess(job);
  const timeoutMs = job.config.phaseTimeoutsMs.resolve;
  const context: ExplainContext = {
    python: patched.python,
    architecture: job.architecture,
    envFile,
    flwrVersion: patched.flwrVersion,
    indexUrl: index.indexUrl,
    builderProjects: ['flwr', 'paho-mqtt'],
  };

  let venv: PipVenv;
  try {
    venv = await ensurePipVenv({
      dir: job.config.pipVenv,
      env: pipEnv,
      index,
      certFile,
      timeoutMs,
      signal: job.signal,
    });
  } catch (error) {
    if (!(error instanceof PipVenvError)) throw error;
    throw new PhaseError(
      'RESOLVE_FAILED',
      `${error.message}. Set FLOPS_PIP_VENV to a writable folder, or build without this check with --skip-resolve.`,
      { cause: error },
    );
  }
  if (venv.created)
    log.info({ venv: job.config.pipVenv, pip_version: venv.pipVersion }, 'Made the virtual environment for pip');

  const outcome = await resolveSet(
    {
      target: { python: patched.python, architecture: job.architecture },
      requirements: requirementsFileLines(patched),
      constraints: constraintsFileLines(patched),
      packages: builderPins(patched),
      workDir,
    },
    {
      python: venv.python,
      shim: PIP_SHIM,
      env: pipEnv,
      index,
      certFile,
      timeoutMs,
      signal: job.signal,
      onLine: (line) => logPip(log, line),
    },
  );
  const base = { python: patched.python, platform: `linux/${job.architecture}` };
  const condaPackages = (patched.condaEnvironment?.dependencies ?? []).filter((spec) => !/^(python|pip)\b/.test(spec));
  const condaNote =
    condaPackages.length > 0
      ? [`${condaPackages.join(', ')}: not checked (conda installs them; this check asks pip only)`]
      : [];
  switch (outcome.status) {
    case 'installable': {
      if (outcome.markerPython !== patched.python)
        log.warn({ marker_python: outcome.markerPython }, 'pip evaluated markers for another python');
      const notChecked = [...outcome.notChecked.map((item) => explainNotChecked(item, context)), ...condaNote];
      return {
        ...base,
        verified: notChecked.length === 0,
        packages: outcome.packages,
        pipVersion: outcome.pipVersion,
        notChecked,
      };
    }
    case 'unchecked': {
      const notChecked = [...outcome.notChecked.map((item) => explainNotChecked(item, context)), ...condaNote];
      return { ...base, verified: false, packages: [], pipVersion: venv.pipVersion, notChecked };
    }
    case 'conflict':
      throw new PhaseError('DEPENDENCY_CONFLICT', explainConflict(outcome, context));
    case 'not-found':
      throw new PhaseError('DEPENDENCY_CONFLICT', explainNotFound(outcome, context));
    case 'index-failed':
      throw new PhaseError('RESOLVE_FAILED', explainIndexFailure(outcome, context));
    case 'failed':
      throw new PhaseError(
        'RESOLVE_FAILED',
        `pip could not check the dependencies: ${outcome.detail}. Use --skip-resolve to build without this check.`,
      );
  }
}

/**
 * How pip reaches the index, as the build's pip does: the build environment's index settings (their credentials in a
 * private netrc), its proxies in the environment, and the CA bundle.
 */
async function pipAccess(
  job: Job,
): Promise<{ index: PipIndex; certFile: string | undefined; pipEnv: Record<string, string> }> {
  const { index, netrc } = pipIndexFromEnv(job.config.buildEnv);
  const pipEnv: Record<string, string> = {
    ...job.config.toolEnv,
    ...Object.fromEntries(Object.entries(job.config.buildEnv).filter(([name]) => PROXY_VARIABLES.test(name))),
  };
  if (netrc) {
    pipEnv.NETRC = join(job.privateDir, 'pip-netrc');
    await writeFile(pipEnv.NETRC, netrc, { mode: 0o600 });
  }
  return { index, certFile: await caBundle(job), pipEnv };
}

/** pip's warnings and errors (retries, backtracking) for the operator; its progress for debugging. */
function logPip(log: Logger, line: string): void {
  if (/^(WARNING|ERROR|INFO):/.test(line)) log.info({ pip: line }, 'pip');
  else log.debug({ pip: line }, 'pip');
}

/**
 * With --ca-cert, the machine's roots plus that CA, as the build's pip gets the image's roots plus it; without,
 * pip's default trust. A bundle rather than the CA alone: older pips replace their roots with `--cert`.
 */
async function caBundle(job: Job): Promise<string | undefined> {
  const extra = await readFile(job.buildSecrets.caFile, 'utf8');
  if (extra.trim() === '') return undefined;
  const roots = job.config.toolEnv.SSL_CERT_FILE ?? SYSTEM_CA_BUNDLE;
  const rootsText = await access(roots).then(
    () => readFile(roots, 'utf8'),
    () => '',
  );
  const bundle = join(job.privateDir, 'pip-ca.pem');
  await writeFile(bundle, `${rootsText}\n${extra}\n`, { mode: 0o600 });
  return bundle;
}
