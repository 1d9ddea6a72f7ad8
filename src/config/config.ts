// argv and environment → one frozen Config. The only module that reads process.env.

import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { flwrSupports } from '../deps/flwr-releases.js';
import { parsePythonMinors } from '../deps/python-version.js';
import { UsageError } from '../errors.js';
import type { PhaseName, PlanName } from '../plans/phase-table.js';
import { type ArgumentForm, readArgumentForm, withoutInterpreter } from './argument-forms.js';
import {
  DEFAULT_DEADLINE_S,
  DEFAULT_KEEP_DEPS,
  DEFAULT_MAX_REPO_FILES,
  DEFAULT_MAX_REPO_MB,
  DEFAULT_MQTT_PORT,
  DEFAULT_OBSERVER_PORT,
  DEFAULT_PLATFORMS,
  DEFAULT_PYTHON_VERSIONS,
} from './defaults.js';
import { type Endpoint, parseEndpoint, parsePort } from './endpoint.js';
import { type OptionName, type OptionValues, parseCommandLine } from './options.js';
import { parseRegistryTarget, type RegistryTarget } from './registry-target.js';
import { parseRepoUrl, type RepoUrl } from './repo-url.js';
import {
  BUILD_ENV_PASSTHROUGH,
  collectSecrets,
  deepFreeze,
  keepCount,
  type MlModelFlavor,
  nonEmpty,
  type Problem,
  parseFlavor,
  parsePhaseTimeouts,
  parsePlatforms,
  parseTrackingUri,
  positiveInteger,
  runIdProblem,
  toRegistryName,
} from './values.js';

export { DEFAULT_MQTT_PORT, DEFAULT_OBSERVER_PORT };

/** Host variables that subprocesses (git, buildah, python) need to work; nothing secret. */
const TOOL_ENV_NAMES =
  /^(PATH|HOME|LANG|LC_ALL|LC_CTYPE|TZ|TMPDIR|XDG_RUNTIME_DIR|SSL_CERT_FILE|SSL_CERT_DIR|CONTAINERS_[A-Z_]+|BUILDAH_[A-Z_]+|STORAGE_DRIVER|STORAGE_OPTS)$/;
const PROJECT_ID = /^[A-Za-z0-9._-]{1,128}$/;
const isProjectId = (text: string | undefined): text is string =>
  text !== undefined && PROJECT_ID.test(text) && !text.includes('..');
// Refs and image references are passed to git and buildah: a leading "-" would read as an option.
const SAFE_VALUE = /^[^-\s][^\s]*$/;
/** Options that only the fl_actors plan reads. */
const FL_ACTORS_ONLY: readonly OptionName[] = [
  'ref',
  'submodules',
  'allow-file-url',
  'max-repo-mb',
  'max-repo-files',
  'ml-model-flavor',
];

/** What every plan reads. */
export interface CommonConfig {
  readonly plan: PlanName;
  readonly registry: RegistryTarget;
  readonly projectId: string;
  readonly mqtt: Endpoint;
  readonly observer: Endpoint;
  /** The platforms to build for, e.g. `linux/amd64` (validate refuses those it cannot build). */
  readonly platforms: readonly string[];
  readonly notifications: boolean;
  readonly dryRun: boolean;
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
  /** The host environment subprocesses inherit (PATH, HOME, container storage settings…). */
  readonly toolEnv: Readonly<Record<string, string>>;
  /** A folder holding unpacked qemu-user-static emulators (FLOPS_QEMU_DIR); PATH is searched too. */
  readonly qemuDir: string | undefined;
}

/** The fl_actors plan: the learner and aggregator images of an ML repo. */
export interface FlActorsConfig extends CommonConfig {
  readonly plan: 'fl_actors';
  readonly repo: RepoUrl;
  /** The model's MLflow flavor; undefined in the first form when --ml-model-flavor is not given. */
  readonly flavor: MlModelFlavor | undefined;
  readonly ref: string | undefined;
  readonly gitToken: string | undefined;
  /** Fetch the repo's submodules (off unless `--submodules`). */
  readonly submodules: boolean;
  /** The repo's working tree (without `.git`) may hold at most this many bytes and files. */
  readonly maxRepoBytes: number;
  readonly maxRepoFiles: number;
}

/** The trained_model plan: the serving image of the model an MLflow run logged. */
export interface TrainedModelConfig extends CommonConfig {
  readonly plan: 'trained_model';
  /** As the manager passes it; the image's path uses it lower-cased. */
  readonly customerId: string;
  readonly trackingUri: URL;
  readonly runId: string;
}

export type Config = FlActorsConfig | TrainedModelConfig;

/** What the command line asked for. */
export type Invocation = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config };

/** Reads the command line and environment; throws UsageError listing every problem. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Invocation {
  const { positionals, values, problems: optionProblems } = parseCommandLine(withoutInterpreter(argv));
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  const problems = [...optionProblems];
  const form = readArgumentForm(positionals);
  const notifications = values['deactivate-notifications'] !== true;
  if ('problem' in form) {
    throw new UsageError([...problems, form.problem], {
      plan: form.plan,
      projectId: isProjectId(form.projectId) ? form.projectId : undefined,
      mqtt: readEndpoint(form.broker, DEFAULT_MQTT_PORT),
      observer: readEndpoint(form.observer, DEFAULT_OBSERVER_PORT),
      notifications,
    });
  }
  const text = (name: OptionName): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  // In the first form the repo comes first: its problem is reported first, as the command line reads.
  const repoFirst = form.plan === 'fl_actors' && form.form === 'positional';
  const firstRepo = repoFirst ? readRepo(form.repo, values, problems) : undefined;
  const common = readCommon(form, values, text, env, problems);
  const config =
    form.plan === 'fl_actors'
      ? readFlActors(
          form,
          repoFirst ? firstRepo : readRepo(form.repo, values, problems),
          common,
          values,
          text,
          env,
          problems,
        )
      : readTrainedModel(form, common, values, problems);
  if (problems.length > 0 || config === undefined) {
    throw new UsageError(problems, {
      plan: form.plan,
      projectId: isProjectId(form.projectId) ? form.projectId : undefined,
      mqtt: parseBroker(form.broker, form.form === 'positional' ? form.mqttPort : undefined, []),
      observer: readEndpoint(form.observer, DEFAULT_OBSERVER_PORT),
      notifications,
    });
  }
  return { kind: 'run', config: deepFreeze(config) };
}

type Text = (name: OptionName) => string | undefined;
type Common = Omit<CommonConfig, 'plan' | 'secrets'> & {
  readonly secretValues: readonly string[];
  readonly secretUrls: readonly string[];
};

function readCommon(
  form: ArgumentForm,
  values: OptionValues,
  text: Text,
  env: NodeJS.ProcessEnv,
  problems: string[],
): Common | undefined {
  const registry = parseRegistryTarget(form.registry);
  if (typeof registry === 'string') problems.push(`registry_url "${form.registry}": ${registry}`);
  if (!isProjectId(form.projectId)) {
    problems.push(`project_id "${form.projectId}": use 1 to 128 letters, digits, ".", "_" or "-", without ".."`);
  }
  const mqtt = parseBroker(form.broker, form.form === 'positional' ? form.mqttPort : undefined, problems);
  const observer = parseEndpoint(form.observer, DEFAULT_OBSERVER_PORT);
  if (typeof observer === 'string') problems.push(`observer_ip "${form.observer}": ${observer}`);

  const platformsText = text('supported-platforms');
  const platforms = platformsText === undefined ? DEFAULT_PLATFORMS : parsePlatforms(platformsText);
  if (isProblem(platforms)) problems.push(`--supported_platforms "${platformsText}": ${platforms.problem}`);
  const baseImage = safeReference('--base-image', text('base-image') ?? nonEmpty(env.FLOPS_BASE_IMAGE), problems);
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
  const deadlineS = positiveInteger(
    '--deadline',
    text('deadline') ?? nonEmpty(env.FLOPS_DEADLINE),
    DEFAULT_DEADLINE_S,
    problems,
  );
  const phaseTimeoutsS = parsePhaseTimeouts(form.plan, values['phase-timeout'], env.FLOPS_PHASE_TIMEOUTS, problems);

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
    secretValues: [password].filter((value): value is string => value !== undefined),
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
    toolEnv: Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] => TOOL_ENV_NAMES.test(entry[0]) && entry[1] !== undefined,
      ),
    ),
  };
}

function readRepo(text: string, values: OptionValues, problems: string[]): RepoUrl | undefined {
  const repo = parseRepoUrl(text, values['allow-file-url'] === true);
  if (typeof repo !== 'string') return repo;
  problems.push(`repo_url "${text}": ${repo}`);
  return undefined;
}

function readFlActors(
  form: Extract<ArgumentForm, { plan: 'fl_actors' }>,
  repo: RepoUrl | undefined,
  common: Common | undefined,
  values: OptionValues,
  text: Text,
  env: NodeJS.ProcessEnv,
  problems: string[],
): FlActorsConfig | undefined {
  const flavorText = form.form === 'manager' ? form.flavor : text('ml-model-flavor');
  const flavor = flavorText === undefined ? undefined : parseFlavor(flavorText);
  if (isProblem(flavor)) {
    problems.push(
      `${form.form === 'manager' ? 'ml_model_flavor' : '--ml-model-flavor'} "${flavorText}": ${flavor.problem}`,
    );
  }
  const ref = text('ref');
  if (ref !== undefined && !SAFE_VALUE.test(ref))
    problems.push(`--ref "${ref}": must not start with "-" or contain white space`);
  const maxRepoMb = positiveInteger(
    '--max-repo-mb',
    text('max-repo-mb') ?? nonEmpty(env.FLOPS_MAX_REPO_MB),
    DEFAULT_MAX_REPO_MB,
    problems,
  );
  const maxRepoFiles = positiveInteger(
    '--max-repo-files',
    text('max-repo-files') ?? nonEmpty(env.FLOPS_MAX_REPO_FILES),
    DEFAULT_MAX_REPO_FILES,
    problems,
  );
  if (common === undefined || repo === undefined || isProblem(flavor)) return undefined;
  const gitToken = nonEmpty(env.GIT_TOKEN);
  const { secretValues, secretUrls, ...rest } = common;
  return {
    ...rest,
    plan: 'fl_actors',
    repo,
    flavor,
    ref,
    gitToken,
    submodules: values.submodules === true,
    maxRepoBytes: maxRepoMb * 1024 * 1024,
    maxRepoFiles,
    secrets: collectSecrets([gitToken, ...secretValues], [repo.url, ...secretUrls]),
  };
}

function readTrainedModel(
  form: Extract<ArgumentForm, { plan: 'trained_model' }>,
  common: Common | undefined,
  values: OptionValues,
  problems: string[],
): TrainedModelConfig | undefined {
  for (const name of FL_ACTORS_ONLY) {
    if (values[name] !== undefined) problems.push(`--${name} applies to fl_actors only, not to trained_model`);
  }
  const customer = toRegistryName(form.customerId);
  if (customer === undefined) {
    problems.push(
      `customer_id "${form.customerId}": use letters, digits, ".", "_" or "-" (it becomes the image's path)`,
    );
  }
  const trackingUri = parseTrackingUri(form.trackingUri);
  if (isProblem(trackingUri)) problems.push(`tracking_server_uri "${form.trackingUri}": ${trackingUri.problem}`);
  const runProblem = runIdProblem(form.runId);
  if (runProblem !== undefined) problems.push(`run_id "${form.runId}": ${runProblem}`);
  if (common === undefined || customer === undefined || isProblem(trackingUri) || problems.length > 0) return undefined;
  const { secretValues, secretUrls, ...rest } = common;
  return {
    ...rest,
    plan: 'trained_model',
    customerId: form.customerId,
    trackingUri,
    runId: form.runId,
    secrets: collectSecrets(secretValues, [trackingUri.href, ...secretUrls]),
  };
}

function parseBroker(brokerText: string, portText: string | undefined, problems: string[]): Endpoint | undefined {
  const broker = parseEndpoint(brokerText, DEFAULT_MQTT_PORT);
  if (typeof broker === 'string') {
    problems.push(`mqtt_ip "${brokerText}": ${broker}`);
    return undefined;
  }
  if (portText === undefined) return broker;
  const port = parsePort(portText);
  if (port === undefined) {
    problems.push(`mqtt_port "${portText}": must be a number from 1 to 65535`);
    return undefined;
  }
  const brokerNamesPort = /^(\[[^\]]+\]|[^:[]+):/.test(brokerText);
  if (brokerNamesPort && broker.port !== port) {
    problems.push(`mqtt_ip "${brokerText}" and mqtt_port "${portText}" name different ports; give one`);
    return undefined;
  }
  return { host: broker.host, port };
}

/** An endpoint when the text is one, for reporting a usage failure; undefined otherwise. */
function readEndpoint(text: string | undefined, defaultPort: number): Endpoint | undefined {
  const endpoint = text === undefined ? undefined : parseEndpoint(text, defaultPort);
  return typeof endpoint === 'object' ? endpoint : undefined;
}

function safeReference(name: string, value: string | undefined, problems: string[]): string | undefined {
  if (value !== undefined && !SAFE_VALUE.test(value)) {
    problems.push(`${name} "${value}": must be an image reference, not starting with "-"`);
  }
  return value;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'problem' in value;
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
