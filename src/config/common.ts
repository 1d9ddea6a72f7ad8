// What every plan reads: the registry, the manager's endpoints, platforms, pythons, limits and the host environment.

import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { flwrSupports } from '../deps/flwr-releases.js';
import { parsePythonMinors } from '../deps/python-version.js';
import { baseTemplateProblem } from '../images/base-python.js';
import type { Platforms } from '../platforms.js';
import { type Endpoint, parseEndpoint } from '../tables/endpoint.js';
import type { PhaseName, PlanName } from '../tables/phase-table.js';
import { parseRegistryTarget, type RegistryTarget } from '../tables/registry-target.js';
import type { ArgumentForm } from './argument-forms.js';
import { isProblem, isProjectId, type OptionText, parseBroker, SAFE_VALUE } from './checks.js';
import {
  DEFAULT_DEADLINE_S,
  DEFAULT_KEEP_DEPS,
  DEFAULT_OBSERVER_PORT,
  DEFAULT_PLATFORMS,
  DEFAULT_PYTHON_VERSIONS,
} from './defaults.js';
import { parseLabels } from './labels.js';
import type { OptionValues } from './options.js';
import { readS3Settings, type S3Settings, s3Secrets } from './s3.js';
import {
  BUILD_ENV_PASSTHROUGH,
  keepCount,
  nonEmpty,
  parsePhaseTimeouts,
  parsePlatforms,
  positiveInteger,
} from './values.js';

/** Host variables that subprocesses (git, buildah, python) need to work; nothing secret. */
const TOOL_ENV_NAMES =
  /^(PATH|HOME|LANG|LC_ALL|LC_CTYPE|TZ|TMPDIR|XDG_RUNTIME_DIR|SSL_CERT_FILE|SSL_CERT_DIR|CONTAINERS_[A-Z_]+|BUILDAH_[A-Z_]+|STORAGE_DRIVER|STORAGE_OPTS)$/;

/** What every plan reads. */
export interface CommonConfig {
  readonly plan: PlanName;
  readonly registry: RegistryTarget;
  readonly projectId: string;
  readonly mqtt: Endpoint;
  readonly observer: Endpoint;
  /** The platforms to build for, each a row of the platforms table (one the builder cannot build for is refused here). */
  readonly platforms: Platforms;
  readonly notifications: boolean;
  readonly dryRun: boolean;
  /** Make and push each image's SIF too (`--sif`). */
  readonly sif: boolean;
  readonly force: boolean;
  readonly workdir: string | undefined;
  readonly baseImage: string | undefined;
  /** The image of the conda path (repos with conda-only packages); undefined: the pinned default. */
  readonly condaBaseImage: string | undefined;
  /** The python minors images are made for, oldest first. */
  readonly pythonVersions: readonly string[];
  /** Keep PyTorch's CUDA wheels and conda's CUDA packages instead of the CPU-only ones. */
  readonly torchCuda: boolean;
  readonly useDevelBaseImages: boolean;
  readonly resultFile: string | undefined;
  readonly caCertFile: string | undefined;
  readonly registryCredentials: { readonly username: string; readonly password: string } | undefined;
  /** Values passed to the fetching build steps (pip index, proxies); may hold credentials. */
  readonly buildEnv: Readonly<Record<string, string>>;
  /** Every secret value known at start, to be blanked out of anything printed or published. */
  readonly secrets: readonly string[];
  readonly logLevel: string;
  /** Every phase's time limit, in milliseconds. */
  readonly phaseTimeoutsMs: Readonly<Record<PhaseName, number>>;
  /** The whole job's time limit, in milliseconds. */
  readonly deadlineMs: number;
  /** Dependency images and locks kept per role and architecture in the registry; 0 keeps every one. */
  readonly keepDeps: number;
  /** Remove the images this job built from local storage when it ends. */
  readonly pruneImages: boolean;
  /** Do not check the dependencies before building (offline use). */
  readonly skipResolve: boolean;
  /** The builder's own virtual environment with a pinned pip, for the resolve phase (made on first use). */
  readonly pipVenv: string;
  /** The host's variables that subprocesses need (PATH, HOME, container storage settings…), as read at start. */
  readonly hostEnv: Readonly<Record<string, string>>;
  /** A folder holding unpacked qemu-user-static emulators (FLOPS_QEMU_DIR); PATH is searched too. */
  readonly qemuDir: string | undefined;
  /** Where the installer's downloads outlive the job (`--download-cache`); undefined: in the job's own folder. */
  readonly downloadCache: string | undefined;
  /** `--label KEY=VALUE`: added to every image the job names; never one of the builder's own keys. */
  readonly labels: Readonly<Record<string, string>>;
  /** S3's endpoint and credentials, for s3:// sources and models (the standard AWS variables). */
  readonly s3: S3Settings;
}

/** The common part as read, before a plan's reader adds its own secrets and names the plan. */
export type CommonValues = Omit<CommonConfig, 'plan' | 'secrets'> & {
  readonly secretValues: readonly string[];
  readonly secretUrls: readonly string[];
};

/** Reads what every plan reads; pushes each problem, and gives undefined when one leaves nothing to build on. */
export function readCommon(
  form: ArgumentForm,
  values: OptionValues,
  text: OptionText,
  env: NodeJS.ProcessEnv,
  problems: string[],
): CommonValues | undefined {
  const registry = parseRegistryTarget(form.registry);
  if (typeof registry === 'string') problems.push(`registry_url "${form.registry}": ${registry}`);
  if (!isProjectId(form.projectId)) {
    problems.push(`project_id "${form.projectId}": use 1 to 128 letters, digits, ".", "_" or "-", without ".."`);
  }
  const mqtt = parseBroker(form.broker, form.form === 'positional' ? form.mqttPort : undefined, problems);
  const observer = parseEndpoint(form.observer, DEFAULT_OBSERVER_PORT);
  if (typeof observer === 'string') problems.push(`observer_ip "${form.observer}": ${observer}`);

  const platformsText = text('supported-platforms');
  const platforms = parsePlatforms(platformsText ?? DEFAULT_PLATFORMS.join(','));
  if (isProblem(platforms)) problems.push(`--supported_platforms "${platformsText}": ${platforms.problem}`);
  const baseImage = safeReference('--base-image', text('base-image') ?? nonEmpty(env.FLOPS_BASE_IMAGE), problems);
  const baseTemplate = baseImage === undefined ? undefined : baseTemplateProblem(baseImage);
  if (baseTemplate !== undefined) problems.push(`--base-image "${baseImage}": ${baseTemplate}`);
  const condaBaseImage = safeReference(
    '--conda-base-image',
    text('conda-base-image') ?? nonEmpty(env.FLOPS_CONDA_BASE_IMAGE),
    problems,
  );
  const pythonText = text('python-versions') ?? nonEmpty(env.FLOPS_PYTHON_VERSIONS);
  const pythonVersions =
    pythonText === undefined ? DEFAULT_PYTHON_VERSIONS : parsePythonMinors(pythonText, (minor) => flwrSupports(minor));
  if (typeof pythonVersions === 'string') problems.push(`--python-versions "${pythonText}": ${pythonVersions}`);
  const caCertFile = text('ca-cert') ?? nonEmpty(env.FLOPS_EXTRA_CA_CERTS);
  if (caCertFile !== undefined && !isReadable(caCertFile))
    problems.push(`--ca-cert "${caCertFile}": the file cannot be read`);
  const downloadCache = text('download-cache') ?? nonEmpty(env.FLOPS_DOWNLOAD_CACHE);
  if (downloadCache !== undefined && !isUsableFolder(downloadCache))
    problems.push(`--download-cache "${downloadCache}": not a folder this user can write (it is made if missing)`);
  const deadlineS = positiveInteger(
    '--deadline',
    text('deadline') ?? nonEmpty(env.FLOPS_DEADLINE),
    DEFAULT_DEADLINE_S,
    problems,
  );
  const phaseTimeoutsS = parsePhaseTimeouts(form.plan, values['phase-timeout'], env.FLOPS_PHASE_TIMEOUTS, problems);

  const s3 = readS3Settings(env, problems);
  const labels = parseLabels(values.label, problems);
  const username = nonEmpty(env.REGISTRY_USERNAME);
  const password = nonEmpty(env.REGISTRY_PASSWORD);
  if ((username === undefined) !== (password === undefined)) {
    problems.push('REGISTRY_USERNAME and REGISTRY_PASSWORD must be set together');
  }
  if (
    typeof registry === 'string' ||
    typeof observer === 'string' ||
    isProblem(platforms) ||
    typeof pythonVersions === 'string' ||
    mqtt === undefined
  ) {
    return undefined;
  }
  const buildEnv = Object.fromEntries(BUILD_ENV_PASSTHROUGH.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  const home = nonEmpty(env.HOME) ?? homedir();
  return {
    registry,
    projectId: form.projectId,
    mqtt,
    observer,
    platforms,
    notifications: values['deactivate-notifications'] !== true,
    dryRun: values['dry-run'] === true,
    sif: values.sif === true,
    force: values.force === true,
    workdir: text('workdir'),
    baseImage,
    condaBaseImage,
    pythonVersions,
    torchCuda: values['torch-cuda'] === true || /^(1|true|yes)$/i.test(env.FLOPS_TORCH_CUDA ?? ''),
    useDevelBaseImages: values['use-devel-base-images'] === true,
    resultFile: text('result-file'),
    caCertFile,
    registryCredentials: username !== undefined && password !== undefined ? { username, password } : undefined,
    buildEnv,
    secretValues: [password, ...s3Secrets(s3)].filter((value): value is string => value !== undefined),
    secretUrls: Object.values(buildEnv),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    phaseTimeoutsMs: Object.fromEntries(
      Object.entries(phaseTimeoutsS).map(([phase, s]) => [phase, s * 1000]),
    ) as Record<PhaseName, number>,
    deadlineMs: deadlineS * 1000,
    keepDeps: keepCount('--keep-deps', text('keep-deps') ?? nonEmpty(env.FLOPS_KEEP_DEPS), DEFAULT_KEEP_DEPS, problems),
    pruneImages: values['prune-images'] === true,
    skipResolve: values['skip-resolve'] === true,
    pipVenv: resolve(
      nonEmpty(env.FLOPS_PIP_VENV) ??
        join(nonEmpty(env.XDG_CACHE_HOME) ?? join(home, '.cache'), 'flops-image-builder', 'pip-venv'),
    ),
    qemuDir: nonEmpty(env.FLOPS_QEMU_DIR),
    downloadCache: downloadCache === undefined ? undefined : resolve(downloadCache),
    labels,
    s3,
    hostEnv: Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] => TOOL_ENV_NAMES.test(entry[0]) && entry[1] !== undefined,
      ),
    ),
  };
}

function safeReference(name: string, value: string | undefined, problems: string[]): string | undefined {
  if (value !== undefined && !SAFE_VALUE.test(value)) {
    problems.push(`${name} "${value}": must be an image reference, not starting with "-"`);
  }
  return value;
}

/** A folder this user can write, or a path not there yet (the job makes it). */
function isUsableFolder(path: string): boolean {
  try {
    if (!statSync(path).isDirectory()) return false;
    accessSync(path, constants.W_OK);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
