// argv and environment → one frozen Config. The only module that reads process.env.

import { accessSync, constants, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { parseEndpoint, parsePort, type Endpoint } from './endpoint.js';
import { parseRegistryTarget, type RegistryTarget } from './registry-target.js';
import { parseRepoUrl, type RepoUrl } from './repo-url.js';

/** The manager broker's port when neither `mqtt_port` nor `broker:port` says otherwise. */
export const DEFAULT_MQTT_PORT = 9027;
/** The observer's port when `observer` carries none. */
export const DEFAULT_OBSERVER_PORT = 2727;

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
const TOOL_ENV_NAMES = /^(PATH|HOME|LANG|LC_ALL|LC_CTYPE|TZ|TMPDIR|XDG_RUNTIME_DIR|SSL_CERT_FILE|SSL_CERT_DIR|CONTAINERS_[A-Z_]+|BUILDAH_[A-Z_]+|STORAGE_DRIVER|STORAGE_OPTS)$/;

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
  readonly resultFile: string | undefined;
  readonly caCertFile: string | undefined;
  readonly gitToken: string | undefined;
  readonly registryCredentials: { readonly username: string; readonly password: string } | undefined;
  /** Values passed to the fetching build steps (pip index, proxies); may hold credentials. */
  readonly buildEnv: Readonly<Record<string, string>>;
  /** Every secret value known at start, to be blanked out of anything printed or published. */
  readonly secrets: readonly string[];
  readonly logLevel: string;
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
  --ca-cert FILE              extra CA certificates for builds and registry traffic (env FLOPS_EXTRA_CA_CERTS)
  --force                     build even when the images already exist
  --result-file FILE          also write the outcome as JSON to FILE
  --allow-file-url            accept file:// repo URLs (local testing)
  --help, --version

Environment: REGISTRY_USERNAME, REGISTRY_PASSWORD, GIT_TOKEN, PIP_INDEX_URL, PIP_EXTRA_INDEX_URL,
HTTP_PROXY, HTTPS_PROXY, NO_PROXY, LOG_LEVEL.`;

const OPTIONS = {
  'deactivate-notifications': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  'allow-file-url': { type: 'boolean' },
  workdir: { type: 'string' },
  ref: { type: 'string' },
  'base-image': { type: 'string' },
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
  if (ref !== undefined && !SAFE_VALUE.test(ref)) problems.push(`--ref "${ref}": must not start with "-" or contain white space`);
  const baseImage = text('base-image') ?? nonEmpty(env.FLOPS_BASE_IMAGE);
  if (baseImage !== undefined && !SAFE_VALUE.test(baseImage)) {
    problems.push(`--base-image "${baseImage}": must be an image reference, not starting with "-"`);
  }
  const caCertFile = text('ca-cert') ?? nonEmpty(env.FLOPS_EXTRA_CA_CERTS);
  if (caCertFile !== undefined && !isReadable(caCertFile)) problems.push(`--ca-cert "${caCertFile}": the file cannot be read`);

  const username = nonEmpty(env.REGISTRY_USERNAME);
  const password = nonEmpty(env.REGISTRY_PASSWORD);
  if ((username === undefined) !== (password === undefined)) {
    problems.push('REGISTRY_USERNAME and REGISTRY_PASSWORD must be set together');
  }

  if (problems.length > 0 || typeof repo === 'string' || typeof registry === 'string' || typeof observer === 'string' || mqtt === undefined) {
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
    resultFile: text('result-file'),
    caCertFile,
    gitToken,
    registryCredentials: username !== undefined && password !== undefined ? { username, password } : undefined,
    buildEnv,
    secrets: collectSecrets([gitToken, password], [repo.url, ...Object.values(buildEnv)]),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    toolEnv: Object.fromEntries(
      Object.entries(env).filter((entry): entry is [string, string] => TOOL_ENV_NAMES.test(entry[0]) && entry[1] !== undefined),
    ),
  };
  return { kind: 'run', config: deepFreeze(config) };
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
