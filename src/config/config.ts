// argv and environment → one frozen Config. The only module that reads process.env.

import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { flwrSupports } from '../deps/flwr-releases.js';
import { DEFAULT_CONDA_BASE_IMAGE } from '../deps/plan.js';
import { parsePythonMinors, SUPPORTED_PYTHON_MINORS } from '../deps/python-version.js';
import { type PhaseName, UsageError } from '../errors.js';
import { DEFAULT_PHASE_TIMEOUTS_S, phaseNames } from '../plans/phase-table.js';
import { type Endpoint, parseEndpoint, parsePort } from './endpoint.js';
import { parseRegistryTarget, type RegistryTarget } from './registry-target.js';
import { parseRepoUrl, type RepoUrl } from './repo-url.js';

/** The manager broker's port when neither `mqtt_port` nor `broker:port` says otherwise. */
export const DEFAULT_MQTT_PORT = 9027;
/** The observer's port when `observer` carries none. */
export const DEFAULT_OBSERVER_PORT = 2727;

/** Limits on the cloned repo's working tree (without `.git`), checked before anything is copied. */
export const DEFAULT_MAX_REPO_MB = 500;
export const DEFAULT_MAX_REPO_FILES = 20_000;
/** The whole job's deadline, in seconds. */
export const DEFAULT_DEADLINE_S = 5400;
// The phases whose time limits can be set (fl_actors' names; trained_model's come with its plan).
const PHASES = phaseNames('fl_actors');

/** Environment variables handed to the build steps that fetch packages. */
export const BUILD_ENV_PASSTHROUGH = [
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
  'PIP_TRUSTED_HOST',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
] as const;

/** Host variables that subprocesses (git, buildah, python) need to work; nothing secret. */
const TOOL_ENV_NAMES =
  /^(PATH|HOME|LANG|LC_ALL|LC_CTYPE|TZ|TMPDIR|XDG_RUNTIME_DIR|SSL_CERT_FILE|SSL_CERT_DIR|CONTAINERS_[A-Z_]+|BUILDAH_[A-Z_]+|STORAGE_DRIVER|STORAGE_OPTS)$/;

/** Everything the job needs to know, read once at start. */
export interface Config {
  readonly repo: RepoUrl;
  readonly registry: RegistryTarget;
  readonly projectId: string;
  readonly mqtt: Endpoint;
  readonly observer: Endpoint;
  readonly notifications: boolean;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly workdir: string | undefined;
  readonly ref: string | undefined;
  readonly baseImage: string | undefined;
  /** The image of the conda path (repos with conda-only packages); undefined: the pinned default. */
  readonly condaBaseImage: string | undefined;
  /** The python minors images are made for, oldest first. */
  readonly pythonVersions: readonly string[];
  /** Keep PyTorch's CUDA wheels and conda's CUDA packages instead of the CPU-only ones. */
  readonly torchCuda: boolean;
  readonly resultFile: string | undefined;
  readonly caCertFile: string | undefined;
  readonly gitToken: string | undefined;
  readonly registryCredentials: { readonly username: string; readonly password: string } | undefined;
  /** Values passed to the fetching build steps (pip index, proxies); may hold credentials. */
  readonly buildEnv: Readonly<Record<string, string>>;
  /** Every secret value known at start, to be blanked out of anything printed or published. */
  readonly secrets: readonly string[];
  readonly logLevel: string;
  /** The repo's working tree (without `.git`) may hold at most this many bytes and files. */
  readonly maxRepoBytes: number;
  readonly maxRepoFiles: number;
  /** Fetch the repo's submodules (off unless `--submodules`). */
  readonly submodules: boolean;
  /** Every phase's time limit, in milliseconds. */
  readonly phaseTimeoutsMs: Readonly<Record<PhaseName, number>>;
  /** The whole job's time limit, in milliseconds. */
  readonly deadlineMs: number;
  /** Remove the images this job built from local storage when it ends. */
  readonly pruneImages: boolean;
  /** Do not ask pip whether the dependencies install before building (offline use). */
  readonly skipResolve: boolean;
  /** The builder's own virtual environment with a pinned pip, for the resolve phase (made on first use). */
  readonly pipVenv: string;
  /** The host environment subprocesses inherit (PATH, HOME, container storage settings…). */
  readonly toolEnv: Readonly<Record<string, string>>;
}

/** What the command line asked for. */
export type Invocation = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config };

export const USAGE = `Usage: flops-image-builder <repo_url> <registry_url> <project_id> <mqtt_broker> [<mqtt_port>] <observer> [options]

Builds the Flower learner and aggregator images of an ML git repo and pushes them to the registry.

Arguments:
  repo_url       https://, http://, git://, ssh:// or git@host:owner/repo.git
  registry_url   http://host:port (plain HTTP), https://host[:port] or host[:port] (TLS)
  project_id     the FL project's id: letters, digits, ".", "_" and "-", at most 128 characters
  mqtt_broker    host[:port] of the manager's MQTT broker
  mqtt_port      the broker's port (default ${DEFAULT_MQTT_PORT})
  observer       host[:port] that receives readable progress lines (default port ${DEFAULT_OBSERVER_PORT})

Options:
  --deactivate-notifications  publish nothing over MQTT and send nothing to the observer
  --dry-run                   stop after rendering the build contexts (no buildah, no push)
  --workdir DIR               keep the clone and build contexts in DIR (default: a temporary folder, removed at exit)
  --ref BRANCH|SHA            build this branch or commit instead of the default branch
  --base-image REF            use this exact base image (env FLOPS_BASE_IMAGE)
  --conda-base-image REF      the image for repos whose conda packages need conda (env FLOPS_CONDA_BASE_IMAGE; default ${DEFAULT_CONDA_BASE_IMAGE})
  --python-versions LIST      the python minors images are made for (env FLOPS_PYTHON_VERSIONS; default ${SUPPORTED_PYTHON_MINORS.join(',')})
  --torch-cuda                install PyTorch's CUDA wheels (default: CPU-only wheels; env FLOPS_TORCH_CUDA=1)
  --ca-cert FILE              extra CA certificates for builds and registry traffic (env FLOPS_EXTRA_CA_CERTS)
  --force                     build even when the images already exist
  --result-file FILE          also write the outcome as JSON to FILE
  --allow-file-url            accept file:// repo URLs (local testing)
  --submodules                also fetch the repo's submodules (default: not fetched)
  --max-repo-mb N             refuse a repo whose files (without .git) exceed N MB (default ${DEFAULT_MAX_REPO_MB}; env FLOPS_MAX_REPO_MB)
  --max-repo-files N          refuse a repo with more than N files (default ${DEFAULT_MAX_REPO_FILES}; env FLOPS_MAX_REPO_FILES)
  --phase-timeout PHASE=S     time limit of one phase in seconds, repeatable (env FLOPS_PHASE_TIMEOUTS="build=3600,push=600")
  --deadline S                time limit of the whole job in seconds (default ${DEFAULT_DEADLINE_S}; env FLOPS_DEADLINE)
  --prune-images              remove the images this job built from local storage when it ends
  --skip-resolve              do not ask pip whether the dependencies install before building (offline use)
  --help, --version

Environment: REGISTRY_USERNAME, REGISTRY_PASSWORD, GIT_TOKEN, PIP_INDEX_URL, PIP_EXTRA_INDEX_URL,
HTTP_PROXY, HTTPS_PROXY, NO_PROXY, LOG_LEVEL, FLOPS_PIP_VENV (the resolve phase's pip, default
~/.cache/flops-image-builder/pip-venv).`;

const OPTIONS = {
  'deactivate-notifications': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  'allow-file-url': { type: 'boolean' },
  submodules: { type: 'boolean' },
  'prune-images': { type: 'boolean' },
  'skip-resolve': { type: 'boolean' },
  'max-repo-mb': { type: 'string' },
  'max-repo-files': { type: 'string' },
  'phase-timeout': { type: 'string', multiple: true },
  deadline: { type: 'string' },
  workdir: { type: 'string' },
  ref: { type: 'string' },
  'base-image': { type: 'string' },
  'conda-base-image': { type: 'string' },
  'python-versions': { type: 'string' },
  'torch-cuda': { type: 'boolean' },
  'ca-cert': { type: 'string' },
  'result-file': { type: 'string' },
  help: { type: 'boolean' },
  version: { type: 'boolean' },
} as const;

const PROJECT_ID = /^[A-Za-z0-9._-]{1,128}$/;
// Refs and image references are passed to git and buildah: a leading "-" would read as an option.
const SAFE_VALUE = /^[^-\s][^\s]*$/;

/** Reads the command line and environment; throws UsageError listing every problem. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Invocation {
  const problems: string[] = [];
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === 'option' && !(token.name in OPTIONS)) {
      problems.push(`unknown option "${token.rawName}"; see --help`);
    } else if (token.kind === 'option' && OPTIONS[token.name as keyof typeof OPTIONS].type === 'string') {
      // Without strict parsing, "--workdir --dry-run" would take "--dry-run" as the folder.
      const missing = token.value === undefined || (token.inlineValue === false && token.value.startsWith('-'));
      if (missing) problems.push(`option "${token.rawName}" needs a value`);
    }
  }
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };

  const text = (name: keyof typeof OPTIONS): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const allowFileUrls = values['allow-file-url'] === true;

  if (positionals.length < 5 || positionals.length > 6) {
    throw new UsageError([
      ...problems,
      `expected 5 or 6 arguments (repo_url registry_url project_id mqtt_broker [mqtt_port] observer), got ${positionals.length}`,
    ]);
  }
  const [repoText = '', registryText = '', projectId = '', brokerText = ''] = positionals;
  const portText = positionals.length === 6 ? positionals[4] : undefined;
  const observerText = positionals.at(-1) ?? '';

  const repo = parseRepoUrl(repoText, allowFileUrls);
  if (typeof repo === 'string') problems.push(`repo_url "${repoText}": ${repo}`);
  const registry = parseRegistryTarget(registryText);
  if (typeof registry === 'string') problems.push(`registry_url "${registryText}": ${registry}`);
  if (!PROJECT_ID.test(projectId) || projectId.includes('..')) {
    problems.push(`project_id "${projectId}": use 1 to 128 letters, digits, ".", "_" or "-", without ".."`);
  }
  const mqtt = parseBroker(brokerText, portText, problems);
  const observer = parseEndpoint(observerText, DEFAULT_OBSERVER_PORT);
  if (typeof observer === 'string') problems.push(`observer "${observerText}": ${observer}`);

  const ref = text('ref');
  if (ref !== undefined && !SAFE_VALUE.test(ref))
    problems.push(`--ref "${ref}": must not start with "-" or contain white space`);
  const baseImage = text('base-image') ?? nonEmpty(env.FLOPS_BASE_IMAGE);
  if (baseImage !== undefined && !SAFE_VALUE.test(baseImage)) {
    problems.push(`--base-image "${baseImage}": must be an image reference, not starting with "-"`);
  }
  const condaBaseImage = text('conda-base-image') ?? nonEmpty(env.FLOPS_CONDA_BASE_IMAGE);
  if (condaBaseImage !== undefined && !SAFE_VALUE.test(condaBaseImage)) {
    problems.push(`--conda-base-image "${condaBaseImage}": must be an image reference, not starting with "-"`);
  }
  const pythonText = text('python-versions') ?? nonEmpty(env.FLOPS_PYTHON_VERSIONS);
  const pythonVersions =
    pythonText === undefined ? SUPPORTED_PYTHON_MINORS : parsePythonMinors(pythonText, (minor) => flwrSupports(minor));
  if (typeof pythonVersions === 'string') problems.push(`--python-versions "${pythonText}": ${pythonVersions}`);
  const caCertFile = text('ca-cert') ?? nonEmpty(env.FLOPS_EXTRA_CA_CERTS);
  if (caCertFile !== undefined && !isReadable(caCertFile))
    problems.push(`--ca-cert "${caCertFile}": the file cannot be read`);

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
  const deadlineS = positiveInteger(
    '--deadline',
    text('deadline') ?? nonEmpty(env.FLOPS_DEADLINE),
    DEFAULT_DEADLINE_S,
    problems,
  );
  const phaseTimeoutsS = parsePhaseTimeouts(values['phase-timeout'], env.FLOPS_PHASE_TIMEOUTS, problems);

  const username = nonEmpty(env.REGISTRY_USERNAME);
  const password = nonEmpty(env.REGISTRY_PASSWORD);
  if ((username === undefined) !== (password === undefined)) {
    problems.push('REGISTRY_USERNAME and REGISTRY_PASSWORD must be set together');
  }

  if (
    problems.length > 0 ||
    typeof pythonVersions === 'string' ||
    typeof repo === 'string' ||
    typeof registry === 'string' ||
    typeof observer === 'string' ||
    mqtt === undefined
  ) {
    throw new UsageError(problems);
  }

  const buildEnv = Object.fromEntries(
    BUILD_ENV_PASSTHROUGH.flatMap((name) => (env[name] ? [[name, env[name] as string]] : [])),
  );
  const gitToken = nonEmpty(env.GIT_TOKEN);
  const config: Config = {
    repo,
    registry,
    projectId,
    mqtt,
    observer,
    notifications: values['deactivate-notifications'] !== true,
    dryRun: values['dry-run'] === true,
    force: values.force === true,
    workdir: text('workdir'),
    ref,
    baseImage,
    condaBaseImage,
    pythonVersions,
    torchCuda: values['torch-cuda'] === true || /^(1|true|yes)$/i.test(env.FLOPS_TORCH_CUDA ?? ''),
    resultFile: text('result-file'),
    caCertFile,
    gitToken,
    registryCredentials: username !== undefined && password !== undefined ? { username, password } : undefined,
    buildEnv,
    secrets: collectSecrets([gitToken, password], [repo.url, ...Object.values(buildEnv)]),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    maxRepoBytes: maxRepoMb * 1024 * 1024,
    maxRepoFiles,
    submodules: values.submodules === true,
    phaseTimeoutsMs: Object.fromEntries(PHASES.map((phase) => [phase, phaseTimeoutsS[phase] * 1000])) as Record<
      PhaseName,
      number
    >,
    deadlineMs: deadlineS * 1000,
    pruneImages: values['prune-images'] === true,
    skipResolve: values['skip-resolve'] === true,
    pipVenv: resolve(
      nonEmpty(env.FLOPS_PIP_VENV) ??
        join(
          nonEmpty(env.XDG_CACHE_HOME) ?? join(nonEmpty(env.HOME) ?? homedir(), '.cache'),
          'flops-image-builder',
          'pip-venv',
        ),
    ),
    toolEnv: Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] => TOOL_ENV_NAMES.test(entry[0]) && entry[1] !== undefined,
      ),
    ),
  };
  return { kind: 'run', config: deepFreeze(config) };
}

/** A whole number of at least 1 (limits, seconds); the default when not given. */
function positiveInteger(name: string, text: string | undefined, fallback: number, problems: string[]): number {
  if (text === undefined) return fallback;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : 0;
  if (value < 1) problems.push(`${name} "${text}": must be a whole number from 1 to 999999999`);
  return value || fallback;
}

/** `PHASE=SECONDS` pairs from the environment (comma-separated) and then the options, which win. */
function parsePhaseTimeouts(
  options: string | boolean | (string | boolean)[] | undefined,
  envText: string | undefined,
  problems: string[],
): Record<PhaseName, number> {
  const timeouts = Object.fromEntries(PHASES.map((phase) => [phase, DEFAULT_PHASE_TIMEOUTS_S[phase]])) as Record<
    PhaseName,
    number
  >;
  const fromEnv = (envText ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => ['FLOPS_PHASE_TIMEOUTS', item] as const);
  const fromOptions = (Array.isArray(options) ? options : [options])
    .filter((item): item is string => typeof item === 'string')
    .map((item) => ['--phase-timeout', item] as const);
  for (const [name, item] of [...fromEnv, ...fromOptions]) {
    const [, phase = '', seconds = ''] = /^([^=]*)=(.*)$/.exec(item) ?? [];
    if (!(PHASES as readonly string[]).includes(phase)) {
      problems.push(`${name} "${item}": expected PHASE=SECONDS with PHASE one of ${PHASES.join(', ')}`);
      continue;
    }
    const value = /^\d{1,9}$/.test(seconds) ? Number(seconds) : 0;
    if (value < 1) problems.push(`${name} "${item}": the seconds must be a whole number from 1 to 999999999`);
    else timeouts[phase as PhaseName] = value;
  }
  return timeouts;
}

function parseBroker(brokerText: string, portText: string | undefined, problems: string[]): Endpoint | undefined {
  const broker = parseEndpoint(brokerText, DEFAULT_MQTT_PORT);
  if (typeof broker === 'string') {
    problems.push(`mqtt_broker "${brokerText}": ${broker}`);
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
    problems.push(`mqtt_broker "${brokerText}" and mqtt_port "${portText}" name different ports; give one`);
    return undefined;
  }
  return { host: broker.host, port };
}

/** Secret values worth blanking: tokens, passwords, and the user info of URLs (`user:password@`). */
function collectSecrets(values: (string | undefined)[], urls: string[]): string[] {
  const secrets = new Set(values.filter((value): value is string => value !== undefined));
  for (const url of urls) {
    const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/]+)@/i.exec(url)?.[1];
    if (!userInfo) continue;
    secrets.add(userInfo);
    // A short user name such as "git" is not secret, and blanking it would garble messages.
    for (const part of userInfo.split(':')) if (part.length >= 6) secrets.add(part);
  }
  return [...secrets];
}

/** Freezes an object and everything inside it, so no phase can change the configuration. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
