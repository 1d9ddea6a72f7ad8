// From the repo's environment to what the images install: every change a careful engineer would make, each with its reason.

import { splitCondaSpec } from './conda.js';
import type { EnvSpec, Requirement } from './env-spec.js';
import {
  chooseFlwr,
  FLWR_PINNED,
  FLWR_RELEASES,
  type FlwrPinned,
  PAHO_MQTT_VERSION,
  type RepoBound,
} from './flwr-releases.js';
import { FRAMEWORKS, frameworkBounds, frameworkPythonProblem, markerMachine } from './known-packages.js';
import { intersects, satisfies } from './pep440.js';
import { evaluateMarker, formatRequirement, type ParsedRequirement, parseRequirement } from './pep508.js';
import { companionFor, exactTorchVersion, PYTORCH_CPU_INDEX, TORCH_FAMILY, torchFor } from './torch.js';

/** The conda environment's name in every image, whatever the export called it. */
export const CONDA_ENV_NAME = 'flops';
/** The conda base image when `--conda-base-image` does not name one: Miniforge (conda-forge only), pinned. */
export const DEFAULT_CONDA_BASE_IMAGE = 'docker.io/condaforge/miniforge3:24.11.3-0';

/** What the plan depends on besides the environment file. */
export interface PlanOptions {
  /** `major.minor`, chosen by `validate`. */
  readonly python: string;
  /** The images' architecture in OCI terms (`amd64`, `arm64`). */
  readonly architecture: string;
  /** Keep PyTorch's default (CUDA) wheels and conda's CUDA packages. */
  readonly torchCuda: boolean;
  /** `--base-image`: replaces `python:<X.Y>-slim` on the pip path. */
  readonly baseImage: string | undefined;
  /** `--conda-base-image`: the image of the conda path. */
  readonly condaBaseImage: string | undefined;
}

/** The environment file the conda path renders (`environment.yaml` in the build context). */
export interface CondaEnvironmentFile {
  readonly name: typeof CONDA_ENV_NAME;
  readonly channels: readonly string[];
  readonly dependencies: readonly string[];
}

/** What the images install, and every change made to the repo's environment to get there. */
export interface DependencyPlan {
  readonly python: string;
  /** `pip` on `python:<X.Y>-slim`, or `conda` (conda env update) on a conda base when conda-only packages need it. */
  readonly installer: 'pip' | 'conda';
  readonly baseImage: string;
  readonly flwrVersion: string;
  /** paho-mqtt for the FL components' notifications. */
  readonly pahoMqttVersion: string;
  /** PEP 508 lines for the rendered requirements.txt, in file order. */
  readonly requirements: readonly string[];
  /** Lines for the rendered constraints.txt (from the repo's `-c` files). */
  readonly constraints: readonly string[];
  /** pip option lines (index URLs…) written at the top of the rendered requirements.txt. */
  readonly pipOptions: readonly string[];
  readonly condaEnvironment: CondaEnvironmentFile | undefined;
  /** One readable line per change, naming what changed, where it was written, and why. */
  readonly patches: readonly string[];
}

/** Why a dependency is refused, for programs and tests; the message says it for people. */
export type RefusalCode =
  | 'UNREADABLE_REQUIREMENT'
  | 'VCS_REQUIREMENT'
  | 'LOCAL_PATH_REQUIREMENT'
  | 'FRAMEWORK_PYTHON'
  | 'TORCH_COMPANION_MISMATCH'
  | 'FLOWER_PYTHON'
  | 'PINS_CONFLICT'
  | 'NO_FLOWER_FITS';

/** The refusal code of each reason no Flower release could be chosen. */
const REFUSAL_OF_CHOICE = {
  python: 'FLOWER_PYTHON',
  'pins-clash': 'PINS_CONFLICT',
  'no-release-fits': 'NO_FLOWER_FITS',
} as const;

/** A dependency that cannot work and has no safe fix; the message says why and what to change. */
export class DependencyRefusal extends Error {
  override readonly name = 'DependencyRefusal';
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

interface Item {
  readonly source: Requirement;
  readonly constraint: boolean;
  readonly applies: boolean;
  /** The requirement as read; `parsed` is replaced when a patch changes it. */
  readonly original: ParsedRequirement;
  parsed: ParsedRequirement;
  removed: boolean;
  /** Raised to what the chosen Flower release needs. */
  raised: boolean;
}

const PRIVACY = "a learner must not report to a tracking server: that would break FL's privacy promise";
const REMOVED: Readonly<Record<string, string>> = {
  mlflow: PRIVACY,
  'mlflow-skinny': PRIVACY,
  flwr: 'the builder installs one Flower release shared by learner and aggregator',
  'paho-mqtt': 'the builder installs the paho-mqtt its FL components are tested with',
};
const CPU_REASON =
  'edge nodes rarely have NVIDIA GPUs and the CUDA wheels add gigabytes; build with --torch-cuda to keep them';

/** Plans the images' dependencies; throws DependencyRefusal when the environment cannot work. */
export function planDependencies(env: EnvSpec, options: PlanOptions): DependencyPlan {
  const { python } = options;
  const machine = markerMachine(options.architecture);
  const toItem =
    (constraint: boolean) =>
    (source: Requirement): Item => {
      const parsed = parseRequirement(source.requirement);
      if (parsed === undefined)
        throw new DependencyRefusal(
          'UNREADABLE_REQUIREMENT',
          `${source.requirement} (${where(source)}) is not a requirement pip can read; write it as PEP 508 says (name, extras, version, marker)`,
        );
      const applies = parsed.marker === undefined || evaluateMarker(parsed.marker, { python, machine }) !== false;
      return { source, constraint, applies, original: parsed, parsed, removed: false, raised: false };
    };
  const items = [...env.requirements.map(toItem(false)), ...env.constraints.map(toItem(true))];
  const patches: string[] = [];
  let pipOptions = env.pipOptions.map((option) => option.option);

  pipOptions = dropHashes(items, pipOptions, patches);
  refuseLocalAndVcs(items, patches);
  removeRuntimePackages(items, patches);
  const installer = condaDecision(env, options, items, patches);
  const pipItems = items.filter((item) => !(installer === 'conda' && item.source.fromConda !== undefined));
  refuseFrameworksWithoutPython(items, python);
  pairTorchCompanions(pipItems, patches);
  pipOptions = cpuTorch(pipItems, pipOptions, options, machine, patches);
  const flwrVersion = chooseFlower(items, python, patches);

  const live = (item: Item): boolean => !item.removed;
  return {
    python,
    installer,
    baseImage:
      installer === 'conda'
        ? (options.condaBaseImage ?? DEFAULT_CONDA_BASE_IMAGE)
        : (options.baseImage ?? `docker.io/library/python:${python}-slim`),
    flwrVersion,
    pahoMqttVersion: PAHO_MQTT_VERSION,
    requirements: pipItems.filter((item) => live(item) && !item.constraint).map(text),
    constraints: pipItems.filter((item) => live(item) && item.constraint).map(text),
    pipOptions: [...new Set(pipOptions)],
    condaEnvironment: installer === 'conda' ? condaEnvironment(env, items, options) : undefined,
    patches,
  };
}

function where(source: { file: string; line: number }): string {
  return `${source.file}:${source.line}`;
}

/** The line as the repo wrote it, unless a patch changed it. */
function text(item: Item): string {
  return item.parsed === item.original ? item.source.requirement : formatRequirement(item.parsed, displayName(item));
}

/** The name as the repo wrote it (`scikit_learn` stays), for the lines the images install. */
function displayName(item: Item): string | undefined {
  const written = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(item.source.requirement)?.[1];
  return item.source.fromConda !== undefined || written === undefined ? item.parsed.name : written;
}

function listed(items: readonly Item[]): string {
  const names = items.map((item) => `${item.source.requirement} (${where(item.source)})`);
  return names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
}

/** pip checks hashes all-or-nothing, and Flower and paho-mqtt come without them: the hashes go, and say so. */
function dropHashes(items: readonly Item[], pipOptions: string[], patches: string[]): string[] {
  const hashed = items.filter((item) => item.source.hashed === true);
  const requireHashes = pipOptions.includes('--require-hashes');
  if (hashed.length === 0 && !requireHashes) return pipOptions;
  const what = hashed.length > 0 ? `the --hash options of ${listed(hashed)}` : '--require-hashes';
  patches.push(
    `dropped ${what}: pip checks hashes for every package or none, and Flower and paho-mqtt are added without hashes (the versions stay pinned)`,
  );
  return pipOptions.filter((option) => option !== '--require-hashes');
}

function refuseLocalAndVcs(items: Item[], patches: string[]): void {
  for (const item of items) {
    const { parsed, source } = item;
    if (parsed.kind === 'vcs') {
      throw new DependencyRefusal(
        'VCS_REQUIREMENT',
        `${source.requirement} (${where(source)}) is installed from version control, which needs git in the base image, and the images have none; publish the package to an index, or point at a wheel or archive URL (name @ https://…/name-1.0-py3-none-any.whl)`,
      );
    }
    if (parsed.kind !== 'path') continue;
    if (/^(file:(\/\/)?)?\.\/?$/.test(parsed.url ?? '')) {
      item.removed = true;
      patches.push(
        `removed the repo itself ("${source.requirement}" at ${where(source)}): its code is at /app, on the images' PYTHONPATH`,
      );
      continue;
    }
    throw new DependencyRefusal(
      'LOCAL_PATH_REQUIREMENT',
      `${source.requirement} (${where(source)}) is a local path; the dependencies are installed before the repo is copied into the image, so move that code into the repo and import it from there, or publish it as a package`,
    );
  }
}

function removeRuntimePackages(items: Item[], patches: string[]): void {
  for (const item of items) {
    const reason = item.parsed.name === undefined ? undefined : REMOVED[item.parsed.name];
    if (reason === undefined) continue;
    item.removed = true;
    patches.push(`removed ${item.source.requirement} (${where(item.source)}): ${reason}`);
  }
}

/** pip on a slim python image unless conda-only packages need conda; CUDA packages go unless --torch-cuda. */
function condaDecision(env: EnvSpec, options: PlanOptions, items: readonly Item[], patches: string[]): 'pip' | 'conda' {
  const packages = env.conda?.packages ?? [];
  const cuda = packages.filter((item) => item.kind === 'cuda');
  if (cuda.length > 0 && !options.torchCuda) {
    patches.push(
      `removed the CUDA packages ${cuda.map((item) => `${item.spec} (${where(item)})`).join(', ')}: ${CPU_REASON}`,
    );
  }
  const needConda = packages.filter(
    (item) => item.kind === 'conda-only' || (item.kind === 'cuda' && options.torchCuda),
  );
  const provided = packages.filter((item) => item.kind === 'provided');
  const installer = needConda.length > 0 ? 'conda' : 'pip';
  if (provided.length > 0) {
    const names = provided.map((item) => item.name);
    const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', ');
    patches.push(
      installer === 'conda'
        ? `left ${shown} to conda's solver: they are python's own runtime and native libraries, and their pinned builds belong to the machine that exported them`
        : `left out ${shown}: they are python's own runtime and native libraries, which the python base image and the pip wheels bring themselves`,
    );
  }
  const converted = items.filter((item) => item.source.fromConda !== undefined && !item.removed);
  if (installer === 'conda') {
    const image = options.condaBaseImage ?? DEFAULT_CONDA_BASE_IMAGE;
    patches.push(
      `installed the conda packages with conda env update on ${image}: ${needConda.map((item) => `${item.spec} (${where(item)})`).join(', ')} ${needConda.length === 1 ? 'needs' : 'need'} conda's own binaries`,
    );
    const built = [
      ...needConda.map((item) => item.spec),
      ...converted.map((item) => item.source.fromConda ?? ''),
    ].filter(hasBuildString);
    if (built.length > 0)
      patches.push(
        `dropped the build strings of ${built.join(', ')}: a build string names a build for the platform that exported it`,
      );
    const name = env.conda?.name;
    if (name !== undefined && name !== CONDA_ENV_NAME)
      patches.push(`renamed the conda environment "${name}" to "${CONDA_ENV_NAME}"`);
  } else if (converted.length > 0) {
    const written = converted.map((item) => {
      const condaName = splitCondaSpec(item.source.fromConda ?? '').name;
      return condaName === item.parsed.name
        ? `${item.source.fromConda}`
        : `${item.source.fromConda} (as ${item.parsed.name})`;
    });
    patches.push(
      `installed the conda packages ${written.join(', ')} with pip: none of them needs conda, and a slim python image with pip is smaller and faster`,
    );
  }
  return installer;
}

function refuseFrameworksWithoutPython(items: readonly Item[], python: string): void {
  for (const item of items) {
    if (
      item.removed ||
      !item.applies ||
      item.constraint ||
      item.parsed.kind !== 'index' ||
      item.parsed.name === undefined
    )
      continue;
    const problem = frameworkPythonProblem(item.parsed.name, item.parsed.specifier, python);
    if (problem)
      throw new DependencyRefusal('FRAMEWORK_PYTHON', `${item.source.requirement} (${where(item.source)}) ${problem}`);
  }
}

/** torchvision and torchaudio must be the releases built for the pinned torch; unpinned ones are pinned to them. */
function pairTorchCompanions(items: Item[], patches: string[]): void {
  const named = (name: string): Item[] =>
    items.filter(
      (item) =>
        !item.removed && item.applies && !item.constraint && item.parsed.kind === 'index' && item.parsed.name === name,
    );
  const torchItems = named('torch');
  if (torchItems.length !== 1) return;
  const torchItem = torchItems[0] as Item;
  const torch = exactTorchVersion(torchItem.parsed.specifier);
  if (torch === undefined) return;
  for (const name of ['torchvision', 'torchaudio'] as const) {
    const companion = companionFor(torch, name);
    if (companion === undefined) continue;
    for (const item of named(name)) {
      const pinned = exactTorchVersion(item.parsed.specifier);
      if (pinned !== undefined && pinned === companion) continue;
      if (item.parsed.specifier !== '' && !satisfies(companion, item.parsed.specifier.replace(/\+[A-Za-z0-9.]+/, ''))) {
        const builtFor = pinned === undefined ? undefined : torchFor(name, pinned);
        const why = builtFor
          ? `is built for torch ${builtFor}`
          : `does not allow ${name} ${companion}, the release built for it`;
        throw new DependencyRefusal(
          'TORCH_COMPANION_MISMATCH',
          `${item.source.requirement} (${where(item.source)}) ${why}, but ${torchItem.source.requirement} (${where(torchItem.source)}) is pinned; pin ${name}==${companion} or remove the ${name} pin`,
        );
      }
      item.parsed = { ...item.parsed, specifier: `==${companion}` };
      patches.push(
        `pinned ${item.source.requirement} (${where(item.source)}) to ${name}==${companion}: the release built for torch ${torch}`,
      );
    }
  }
}

/** PyTorch's CPU-only wheels unless --torch-cuda: their index, and on amd64 exact pins marked `+cpu` so no CUDA wheel can slip in. */
function cpuTorch(
  items: Item[],
  pipOptions: string[],
  options: PlanOptions,
  machine: string,
  patches: string[],
): string[] {
  const family = items.filter(
    (item) =>
      !item.removed &&
      item.parsed.kind === 'index' &&
      (TORCH_FAMILY as readonly string[]).includes(item.parsed.name ?? ''),
  );
  if (family.length === 0 || options.torchCuda) return pipOptions;
  const cudaIndexes = pipOptions.filter((option) => /download\.pytorch\.org\/whl\/cu\d+/.test(option));
  if (cudaIndexes.length > 0) patches.push(`removed ${cudaIndexes.join(', ')}: ${CPU_REASON}`);
  const kept = pipOptions.filter((option) => !cudaIndexes.includes(option));
  const hasCpuIndex = kept.some(
    (option) => option.endsWith(` ${PYTORCH_CPU_INDEX}`) || option.endsWith(` ${PYTORCH_CPU_INDEX}/`),
  );
  // The +cpu builds exist only for x86_64 on PyTorch's index; for aarch64 its CPU wheels carry no label, so a
  // CUDA label (+cu118) is dropped there.
  const cpuLabel = machine === 'x86_64' ? '+cpu' : '';
  const marked = family.filter(
    (item) =>
      exactTorchVersion(item.parsed.specifier) !== undefined &&
      !item.parsed.specifier.endsWith(cpuLabel || '\0') &&
      (cpuLabel !== '' || /\+/.test(item.parsed.specifier)),
  );
  for (const item of marked)
    item.parsed = { ...item.parsed, specifier: item.parsed.specifier.replace(/\+[A-Za-z0-9.]+$/, '') + cpuLabel };
  const names = [...new Set(family.map((item) => item.parsed.name))].join(', ');
  const pins =
    marked.length > 0 ? ` (${marked.map((item) => `${item.parsed.name}${item.parsed.specifier}`).join(', ')})` : '';
  patches.push(`installed ${names} as CPU-only wheels from ${PYTORCH_CPU_INDEX}${pins}: ${CPU_REASON}`);
  return hasCpuIndex ? kept : [...kept, `--extra-index-url ${PYTORCH_CPU_INDEX}`];
}

/** The newest Flower release that fits python and the repo's pins; raises a pin only when none fits. */
function chooseFlower(items: Item[], python: string, patches: string[]): string {
  const pins: Partial<Record<FlwrPinned, RepoBound[]>> = {};
  const bounds: Partial<Record<FlwrPinned, RepoBound[]>> = {};
  const pinItems: Partial<Record<FlwrPinned, Item[]>> = {};
  for (const item of items) {
    if (item.removed || !item.applies || item.parsed.kind !== 'index' || item.parsed.name === undefined) continue;
    const name = item.parsed.name;
    if ((FLWR_PINNED as readonly string[]).includes(name) && item.parsed.specifier !== '') {
      append(pins, name as FlwrPinned, {
        specifier: item.parsed.specifier,
        by: `${item.source.requirement} (${where(item.source)})`,
      });
      append(pinItems, name as FlwrPinned, item);
    }
    if (!item.constraint && FRAMEWORKS[name] !== undefined) {
      for (const [packageName, specifier] of Object.entries(frameworkBounds(name, item.parsed.specifier, python))) {
        append(bounds, packageName as FlwrPinned, {
          specifier,
          by: `${item.source.requirement} (${where(item.source)})`,
        });
      }
    }
  }
  const choice = chooseFlwr({ python, pins, bounds });
  if ('problem' in choice) throw new DependencyRefusal(REFUSAL_OF_CHOICE[choice.kind], choice.problem);

  for (const raise of choice.raises) {
    for (const item of pinItems[raise.package] ?? []) {
      item.parsed = { ...item.parsed, specifier: raise.to };
      item.raised = true;
    }
    patches.push(
      `raised ${raise.from.map((bound) => bound.by).join(', ')} to ${raise.package}${raise.to}: no Flower release fits python ${python} and every pin as written, and flwr ${choice.version} needs ${raise.package}${raise.to}, which the repo's other packages accept`,
    );
  }
  const newest = FLWR_RELEASES.find((release) => satisfies(`${python}.99`, release.python));
  if (newest !== undefined && newest.version !== choice.version && choice.raises.length === 0) {
    const blockers = FLWR_PINNED.filter(
      (name) =>
        !intersects(
          newest.requires[name],
          ...(pins[name] ?? []).map((pin) => pin.specifier),
          ...(bounds[name] ?? []).map((bound) => bound.specifier),
        ),
    );
    const why = blockers.map(
      (name) =>
        `${name}${newest.requires[name]}, which ${[...(pins[name] ?? []), ...(bounds[name] ?? [])].map((bound) => bound.by).join(' and ')} rule${(pins[name] ?? []).length + (bounds[name] ?? []).length === 1 ? 's' : ''} out`,
    );
    patches.push(
      `pinned flwr ${choice.version} rather than ${newest.version}, the newest for python ${python}, to keep the repo's pins: flwr ${newest.version} needs ${why.join('; ')}`,
    );
  }
  return choice.version;
}

function condaEnvironment(env: EnvSpec, items: readonly Item[], options: PlanOptions): CondaEnvironmentFile {
  const packages = (env.conda?.packages ?? [])
    .filter((item) => item.kind === 'conda-only' || (item.kind === 'cuda' && options.torchCuda))
    .map((item) => ({ line: item.line, spec: withoutBuild(item.spec) }));
  const converted = items
    .filter((item) => !item.removed && !item.constraint && item.source.fromConda !== undefined)
    .map((item) => {
      const written = item.source.fromConda ?? '';
      // A raised pin is a PEP 440 specifier, which conda's match specs read the same way.
      return {
        line: item.source.line,
        spec: item.raised ? `${splitCondaSpec(written).name}${item.parsed.specifier}` : withoutBuild(written),
      };
    });
  const dependencies = [...packages, ...converted]
    .sort((left, right) => left.line - right.line)
    .map((entry) => entry.spec);
  return {
    name: CONDA_ENV_NAME,
    channels: env.conda && env.conda.channels.length > 0 ? env.conda.channels : ['conda-forge'],
    dependencies: [`python=${options.python}`, 'pip', ...dependencies],
  };
}

/** Whether a conda spec names a build (`=py311h64a7726_0`, or a third word). */
function hasBuildString(spec: string): boolean {
  return /^[^=\s]+=[^=]+=.+$/.test(spec.trim()) || /^\S+\s+\S+\s+\S+$/.test(spec.trim());
}

/** `mkl=2023.1.0=h213fc3f_46344` → `mkl=2023.1.0`: a build string names a build for one platform. */
function withoutBuild(spec: string): string {
  const { name, constraint } = splitCondaSpec(spec);
  return `${name}${constraint ?? ''}`;
}

/** Adds `value` to the list under `key`, starting the list if needed. */
function append<K extends string, V>(lists: Partial<Record<K, V[]>>, key: K, value: V): void {
  const list = lists[key] ?? [];
  list.push(value);
  lists[key] = list;
}
