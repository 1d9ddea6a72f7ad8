// The options table: the parser's option list and the help text are both made from it.

import { parseArgs } from 'node:util';
import {
  DEFAULT_CONDA_BASE_IMAGE,
  DEFAULT_DEADLINE_S,
  DEFAULT_KEEP_DEPS,
  DEFAULT_MAX_REPO_FILES,
  DEFAULT_MAX_REPO_MB,
  DEFAULT_PLATFORMS,
  DEFAULT_PYTHON_VERSIONS,
} from './defaults.js';

/** One option: how it is spelled, what it takes, and what --help says of it. */
export interface OptionSpec {
  readonly name: string;
  /** Other spellings accepted (upstream's, with underscores). */
  readonly aliases?: readonly string[];
  readonly type: 'boolean' | 'string';
  /** May be given more than once. */
  readonly multiple?: boolean;
  /** The value's name in --help, e.g. `DIR`. */
  readonly value?: string;
  /** The environment variable that sets it when the option is not given. */
  readonly env?: string;
  /** The default as --help shows it. */
  readonly default?: string;
  readonly help: string;
}

export const OPTIONS = [
  {
    name: 'supported-platforms',
    aliases: ['supported_platforms'],
    type: 'string',
    value: 'LIST',
    default: DEFAULT_PLATFORMS.join(','),
    help: 'the platforms to build for, comma-separated: linux/amd64, linux/arm64',
  },
  {
    name: 'deactivate-notifications',
    type: 'boolean',
    help: 'publish nothing over MQTT and send nothing to the observer',
  },
  {
    name: 'use-devel-base-images',
    type: 'boolean',
    help: "accepted for the FLOps manager; no further effect: a dependency image matching the repo's is always reused",
  },
  {
    name: 'ml-model-flavor',
    type: 'string',
    value: 'FLAVOR',
    help: "the model's MLflow flavor in the first argument form (sklearn, pytorch, tensorflow, keras)",
  },
  {
    name: 'entry',
    type: 'string',
    value: 'FILE',
    help: "training: the repo's .py file `IMAGE train` runs (default: train.py, else the pyproject's `train` script)",
  },
  {
    name: 'sif',
    type: 'boolean',
    help: "also make each image's Apptainer file (.sif) and push it beside the image as <tag>-sif",
  },
  { name: 'dry-run', type: 'boolean', help: 'stop after rendering the build contexts (no buildah, no push)' },
  {
    name: 'workdir',
    type: 'string',
    value: 'DIR',
    help: 'keep the clone and build contexts in DIR (default: a temporary folder, removed at exit)',
  },
  {
    name: 'ref',
    type: 'string',
    value: 'BRANCH|SHA',
    help: 'build this branch or commit instead of the default branch',
  },
  {
    name: 'base-image',
    type: 'string',
    value: 'REF',
    env: 'FLOPS_BASE_IMAGE',
    help: 'use this base image, or a template with {python} in its tag filled with the chosen X.Y (a mirror: registry:5000/library/python:{python}-slim)',
  },
  {
    name: 'conda-base-image',
    type: 'string',
    value: 'REF',
    env: 'FLOPS_CONDA_BASE_IMAGE',
    default: DEFAULT_CONDA_BASE_IMAGE,
    help: 'the image for repos whose conda packages need conda',
  },
  {
    name: 'python-versions',
    type: 'string',
    value: 'LIST',
    env: 'FLOPS_PYTHON_VERSIONS',
    default: DEFAULT_PYTHON_VERSIONS.join(','),
    help: 'the python minors images are made for',
  },
  {
    name: 'torch-cuda',
    type: 'boolean',
    env: 'FLOPS_TORCH_CUDA',
    help: "install PyTorch's CUDA wheels (default: CPU-only wheels)",
  },
  {
    name: 'ca-cert',
    type: 'string',
    value: 'FILE',
    env: 'FLOPS_EXTRA_CA_CERTS',
    help: 'extra CA certificates for builds and registry traffic',
  },
  { name: 'force', type: 'boolean', help: 'build even when the images already exist' },
  { name: 'result-file', type: 'string', value: 'FILE', help: 'also write the outcome as JSON to FILE' },
  {
    name: 'label',
    type: 'string',
    multiple: true,
    value: 'KEY=VALUE',
    help: 'add this label to every image the job names (learner, aggregator, serving image, trainer), repeatable',
  },
  {
    name: 'ignore',
    type: 'string',
    multiple: true,
    value: 'PATTERN',
    help: "leave files matching PATTERN (.dockerignore syntax) out of the images, on top of the repo's .dockerignore; repeatable",
  },
  {
    name: 'allow-file-url',
    type: 'boolean',
    help: 'accept file:// and dir:// repo URLs (a folder the builder can see: local testing, a mounted volume)',
  },
  { name: 'submodules', type: 'boolean', help: "also fetch the repo's submodules (default: not fetched)" },
  {
    name: 'max-repo-mb',
    type: 'string',
    value: 'N',
    env: 'FLOPS_MAX_REPO_MB',
    default: String(DEFAULT_MAX_REPO_MB),
    help: 'refuse a repo whose files (without .git) exceed N MB',
  },
  {
    name: 'max-repo-files',
    type: 'string',
    value: 'N',
    env: 'FLOPS_MAX_REPO_FILES',
    default: String(DEFAULT_MAX_REPO_FILES),
    help: 'refuse a repo with more than N files',
  },
  {
    name: 'phase-timeout',
    type: 'string',
    multiple: true,
    value: 'PHASE=S',
    env: 'FLOPS_PHASE_TIMEOUTS',
    help: 'time limit of one phase in seconds, repeatable (env: "build=3600,push=600")',
  },
  {
    name: 'deadline',
    type: 'string',
    value: 'S',
    env: 'FLOPS_DEADLINE',
    default: String(DEFAULT_DEADLINE_S),
    help: 'time limit of the whole job in seconds',
  },
  {
    name: 'keep-deps',
    type: 'string',
    value: 'N',
    env: 'FLOPS_KEEP_DEPS',
    default: String(DEFAULT_KEEP_DEPS),
    help: 'keep the newest N dependency images per role and architecture in the registry, delete older ones (0: keep all)',
  },
  {
    name: 'download-cache',
    type: 'string',
    value: 'DIR',
    env: 'FLOPS_DOWNLOAD_CACHE',
    help: "keep the installer's download cache in DIR across jobs (a volume of the node); default: one per job",
  },
  { name: 'prune-images', type: 'boolean', help: 'remove the images this job built from local storage when it ends' },
  {
    name: 'skip-resolve',
    type: 'boolean',
    help: 'do not check that the dependencies install before building (offline use)',
  },
  { name: 'help', type: 'boolean', help: 'print this help' },
  { name: 'version', type: 'boolean', help: "print the builder's version" },
] as const satisfies readonly OptionSpec[];

export type OptionName = (typeof OPTIONS)[number]['name'];

/** What the command line gave for each option it named (strings for value options, true for flags). */
export type OptionValues = Partial<Record<OptionName, string | boolean | readonly string[]>>;

/** The command line split into positionals and options; unknown options and missing values are problems. */
export interface ParsedCommandLine {
  readonly positionals: readonly string[];
  readonly values: OptionValues;
  readonly problems: readonly string[];
}

const BY_SPELLING: ReadonlyMap<string, OptionSpec> = new Map(
  (OPTIONS as readonly OptionSpec[]).flatMap((spec) =>
    [spec.name, ...(spec.aliases ?? [])].map((name) => [name, spec]),
  ),
);

/** Splits argv with node's parseArgs, options anywhere; every spelling of an option lands under its name. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const options = Object.fromEntries(
    [...BY_SPELLING].map(([spelling, spec]) => [spelling, { type: spec.type, multiple: spec.multiple === true }]),
  );
  const { positionals, tokens } = parseArgs({
    args: [...argv],
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const problems: string[] = [];
  const values: Record<string, string | boolean | string[]> = {};
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = BY_SPELLING.get(token.name);
    if (spec === undefined) {
      problems.push(`unknown option "${token.rawName}"; see --help`);
      continue;
    }
    if (spec.type === 'boolean') {
      if (token.value !== undefined) problems.push(`${token.rawName} "${token.value}": takes no value`);
      values[spec.name] = true;
      continue;
    }
    if (token.value === undefined) {
      problems.push(`${token.rawName} needs a value`);
      continue;
    }
    // Without strict parsing, "--workdir --dry-run" would take "--dry-run" as the folder.
    if (token.inlineValue === false && token.value.startsWith('-')) {
      problems.push(`${token.rawName} "${token.value}": reads as an option, not a value; write ${token.rawName}=VALUE`);
      continue;
    }
    const previous = values[spec.name];
    values[spec.name] = spec.multiple ? [...(Array.isArray(previous) ? previous : []), token.value] : token.value;
  }
  return { positionals, values, problems };
}

/** The options part of --help, one line per option, made from the table. */
export function optionsHelp(): string {
  const rows = (OPTIONS as readonly OptionSpec[]).map((spec) => {
    const spelled = `--${spec.name}${spec.value ? ` ${spec.value}` : ''}`;
    const extras = [spec.env && `env ${spec.env}`, spec.default && `default ${spec.default}`].filter(Boolean);
    return [spelled, `${spec.help}${extras.length > 0 ? ` (${extras.join('; ')})` : ''}`] as const;
  });
  const width = Math.max(...rows.map(([spelled]) => spelled.length)) + 2;
  return rows.map(([spelled, help]) => `  ${spelled.padEnd(width)}${help}`).join('\n');
}
