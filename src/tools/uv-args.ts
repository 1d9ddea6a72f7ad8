// Pure builders of uv argument arrays (lock and install); tested with tables of exact arrays.

import { newestPatch } from '../deps/python-version.js';
import type { PipIndex } from './pip-index.js';

/** The uv the builder installs into its own tool environment, and runs inside builds (a build-time mount). */
export const UV_VERSION = '0.13.9';

/**
 * The glibc the locks are made for: Debian 12's (bookworm). python:X.Y-slim images are newer and run these wheels
 * too; a lock made for a newer glibc could pick a wheel that fails to load on a Debian 12 base (--base-image).
 */
export const LOCK_GLIBC_MINOR = 36;

/** uv's name of a Linux platform: `aarch64-manylinux_2_36`. */
export function uvPythonPlatform(machine: string): string {
  return `${machine}-manylinux_2_${LOCK_GLIBC_MINOR}`;
}

/** What one lock is made for and from. */
export interface UvCompileOptions {
  /** The input: requirements.txt, or a pyproject.toml for explicit per-package indexes. */
  readonly input: string;
  readonly constraints: readonly string[];
  readonly output: string;
  readonly python: string;
  /** `platform_machine`: x86_64, aarch64. */
  readonly machine: string;
  readonly index: PipIndex;
  /** The repo's own pip option lines (`--extra-index-url …`), as uv reads the same flags. */
  readonly pipOptions: readonly string[];
}

/**
 * `uv pip compile`: exact versions with every hash the index gives, for one python and platform, from metadata
 * alone: `--no-build` never builds (and so never runs) a source release on the builder.
 */
export function uvCompileArgs(options: UvCompileOptions): string[] {
  return [
    'pip',
    'compile',
    '--quiet',
    '--no-config',
    '--no-header',
    '--no-annotate',
    '--generate-hashes',
    '--no-build',
    '--python-version',
    newestPatch(options.python),
    '--python-platform',
    uvPythonPlatform(options.machine),
    ...uvIndexArgs(options.index),
    ...options.pipOptions.flatMap(optionWords),
    ...options.constraints.flatMap((file) => ['--constraint', file]),
    '--output-file',
    options.output,
    '--',
    options.input,
  ];
}

/** The index settings as uv flags: uv reads none of pip's PIP_* variables. */
export function uvIndexArgs(index: PipIndex): string[] {
  return [
    '--index-url',
    index.indexUrl,
    ...index.extraIndexUrls.flatMap((url) => ['--extra-index-url', url]),
    ...index.trustedHosts.flatMap((host) => ['--allow-insecure-host', host]),
  ];
}

/** pip's option names that uv spells otherwise; pip's `--prefer-binary` has no uv meaning (uv prefers wheels). */
const UV_SPELLING: Readonly<Record<string, string | null>> = {
  '--trusted-host': '--allow-insecure-host',
  '--pre': '--prerelease=allow',
  '--prefer-binary': null,
  '-i': '--index-url',
  '-f': '--find-links',
};

/** A requirements file's option line (`--extra-index-url URL`) → uv's words. */
export function optionWords(line: string): string[] {
  const match = /^(--?[\w-]+)(?:[=\s]+(.+))?$/.exec(line.trim());
  if (!match?.[1]) return [line.trim()];
  const spelled = match[1] in UV_SPELLING ? UV_SPELLING[match[1]] : match[1];
  if (spelled === null || spelled === undefined) return [];
  return match[2] === undefined ? [spelled] : [spelled, match[2].trim()];
}
