// Pure builders of pip argument arrays for the resolve phase; tested with tables of exact arrays.

import { newestPatch } from '../deps/python-version.js';
import { architectureInfo } from '../platforms.js';
import type { PipIndex } from './pip-index.js';
import { UV_VERSION } from './uv-args.js';

// Also offered here, where the resolve modules have always read them (they are defined with the index settings).
export { DEFAULT_INDEX_URL, type PipIndex } from './pip-index.js';

/** The pip the builder installs into its own virtual environment (recent: PEP 658 metadata, `--report`, `index versions --json`). */
export const PIP_VERSION = '26.3';

/**
 * The newest glibc the images may have: python:X.Y-slim is built on Debian trixie (glibc 2.41). A wheel needing a
 * newer glibc is not offered; one needing a glibc between bookworm's 2.36 and 2.41 passes here and fails in a build
 * on a bookworm base (`--base-image`), which is the side to err on: the check must never refuse what builds.
 */
export const TARGET_GLIBC_MINOR = 41;

/** The python pip checks for: the minor's newest patch release, as the images ship it. */
export function targetPythonVersion(python: string): string {
  return newestPatch(python);
}

/** The image pip checks for: its python (`3.11`) and architecture in OCI terms (`amd64`). */
export interface PipTarget {
  readonly python: string;
  readonly architecture: string;
}

/** What every pip call of the resolve phase shares. */
export interface PipCallOptions extends PipTarget {
  /** fl-templates/checks/pip_for_target.py: runs pip with environment markers evaluated for the target python. */
  readonly shim: string;
  readonly index: PipIndex;
  /** A CA bundle (the system's roots plus `--ca-cert`), or undefined for pip's default trust. */
  readonly certFile: string | undefined;
}

/** `pip install --dry-run --report` of the set the base image installs. */
export interface PipResolveOptions extends PipCallOptions {
  readonly reportFile: string;
  readonly requirementsFile: string;
  /** The repo's constraints (`-c`), when it has any. */
  readonly constraintsFile?: string;
  /** What the base image installs besides the requirements file (`flwr==1.42.0`, `paho-mqtt==2.2.0`). */
  readonly packages: readonly string[];
}

/** `pip index versions` of one project, with source releases allowed or wheels only. */
export interface PipVersionsOptions extends PipCallOptions {
  readonly project: string;
  readonly wheelsOnly: boolean;
}

// Nothing from the machine's pip configuration (files, PIP_* variables, keyring) and no cache left behind.
const ISOLATED = ['--isolated', '--disable-pip-version-check', '--no-input', '--no-cache-dir'];

// The legacy manylinux names and the glibc they stand for; manylinux2010 and manylinux1 exist for x86 only.
const LEGACY_MANYLINUX: readonly (readonly [number, string, boolean])[] = [
  [17, 'manylinux2014', false],
  [12, 'manylinux2010', true],
  [5, 'manylinux1', true],
];

/**
 * The platform tags of a glibc Linux image, newest first, as pip orders them on such a machine. pip does not expand
 * `--platform manylinux_2_28_x86_64` to older glibc tags, so each one is named: with only a few, pip backtracks to
 * old releases (torch 2.7 instead of 2.15) or finds nothing.
 */
export function manylinuxPlatforms(architecture: string, glibcMinor: number = TARGET_GLIBC_MINOR): string[] {
  const arch = architectureInfo(architecture)?.machine ?? architecture;
  const x86 = arch === 'x86_64';
  const lowest = x86 ? 5 : 17;
  const tags: string[] = [];
  for (let minor = glibcMinor; minor >= lowest; minor -= 1) {
    tags.push(`manylinux_2_${minor}_${arch}`);
    const legacy = LEGACY_MANYLINUX.find(([glibc, , x86Only]) => glibc === minor && (x86 || !x86Only));
    if (legacy) tags.push(`${legacy[1]}_${arch}`);
  }
  tags.push(`linux_${arch}`);
  return tags;
}

/** `--python-version 3.11 --platform … --implementation cp`: wheels for the image, not for the builder's own python. */
export function pipTargetArgs(target: PipTarget): string[] {
  return [
    '--python-version',
    targetPythonVersion(target.python),
    ...manylinuxPlatforms(target.architecture).flatMap((platform) => ['--platform', platform]),
    '--implementation',
    'cp',
  ];
}

/** The index, extra indexes, trusted hosts and CA bundle, as the build's pip gets them. */
export function pipIndexArgs(index: PipIndex, certFile: string | undefined): string[] {
  return [
    '--index-url',
    index.indexUrl,
    ...index.extraIndexUrls.flatMap((url) => ['--extra-index-url', url]),
    ...index.trustedHosts.flatMap((host) => ['--trusted-host', host]),
    ...(certFile ? ['--cert', certFile] : []),
  ];
}

/**
 * python argv for a dry-run install of exactly what the base image installs, for the target python and platform.
 * Wheels only (`--only-binary=:all:`): pip requires it with `--python-version`, and it keeps pip from building a
 * source release, which would run the package's code on the builder. Not `--quiet`: pip's "The conflict is caused
 * by" lines are info-level output.
 */
export function pipResolveArgs(options: PipResolveOptions): string[] {
  return [
    '-I',
    options.shim,
    targetPythonVersion(options.python),
    'install',
    ...ISOLATED,
    '--keyring-provider',
    'disabled',
    '--progress-bar',
    'off',
    '--dry-run',
    '--ignore-installed',
    '--report',
    options.reportFile,
    ...pipTargetArgs(options),
    '--only-binary=:all:',
    ...pipIndexArgs(options.index, options.certFile),
    '-r',
    options.requirementsFile,
    ...(options.constraintsFile ? ['-c', options.constraintsFile] : []),
    '--',
    ...options.packages,
  ];
}

/** python argv listing a project's versions for the target as JSON: every release, or those with a wheel for it. */
export function pipVersionsArgs(options: PipVersionsOptions): string[] {
  return [
    '-I',
    options.shim,
    targetPythonVersion(options.python),
    'index',
    'versions',
    ...ISOLATED,
    '--keyring-provider',
    'disabled',
    '--json',
    ...pipTargetArgs(options),
    ...(options.wheelsOnly ? ['--only-binary=:all:'] : []),
    ...pipIndexArgs(options.index, options.certFile),
    '--',
    options.project,
  ];
}

/**
 * python argv installing the pinned pip into the builder's virtual environment. Without `--keyring-provider`: the pip
 * that `python3 -m venv` bundles may predate it (Debian 12 ships 23.0).
 */
export function pipSelfInstallArgs(
  index: PipIndex,
  certFile: string | undefined,
  version: string = PIP_VERSION,
): string[] {
  return [
    '-I',
    '-m',
    'pip',
    'install',
    ...ISOLATED,
    '--progress-bar',
    'off',
    '--quiet',
    ...pipIndexArgs(index, certFile),
    '--',
    `pip==${version}`,
    `uv==${UV_VERSION}`,
  ];
}
