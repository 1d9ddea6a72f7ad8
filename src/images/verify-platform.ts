// Before it is tagged: a dependency image for a platform the builder does not run on must load there. Its own
// python imports Flower, the FL runtime and every installed package under user-mode emulation (an unpacked
// qemu-user-static, nothing registered with the kernel); without an emulator, every extension module's ELF machine
// is checked instead. A failing check fails the build.
//
// The check needs nothing of the registry: it runs on the platform's base image with the environments whose layers the
// image is assembled from (install stages, the aggregator's working container: the same files), while those layers
// are pushed.

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import { TEMPLATES_DIR } from '../paths.js';
import type { PlatformInfo } from '../platforms.js';
import type { Logger } from '../report/logger.js';
import { buildahFromArgs, buildahRmArgs } from '../tools/buildah-args.js';

/** Which check ran on which image, and what it found. */
export interface PlatformCheck {
  readonly platform: string;
  readonly image: string;
  readonly method: 'qemu' | 'elf';
  /** Modules imported (qemu) or extension modules read (elf). */
  readonly checked: number;
  /** Modules that need an optional package the image does not have: reported, not fatal. */
  readonly warnings: readonly string[];
}

interface Report {
  readonly method: 'qemu' | 'elf';
  readonly checked: number;
  readonly failed: readonly { readonly module: string; readonly error: string }[];
  readonly warnings: readonly { readonly module: string; readonly error: string }[];
}

export const VERIFY_SCRIPT = join(TEMPLATES_DIR, 'checks', 'verify_platform.py');
/** Where the check finds the mounted image: a path known only once mounted, inside the user namespace when rootless. */
export const IMAGE_ROOT_VARIABLE = 'FLOPS_IMAGE_ROOT';
/** Where it finds the mounted install stages whose /opt/venv it checks: FLOPS_VENV_ROOT_0, _1, … in order. */
export const VENV_ROOT_PREFIX = 'FLOPS_VENV_ROOT_';
const CHECK_MS = 20 * 60_000;

/** What the check is asked to do. */
export interface VerifyOptions {
  readonly elfMachine: number;
  /** The user-mode emulator; without one the check reads ELF headers. */
  readonly qemu: string | undefined;
  /** The FL runtime's folder on this host, importable by the emulated python. */
  readonly pythonPath: string;
  /** The distributions whose modules are imported (the image's own layer); undefined for all. */
  readonly distributions: readonly string[] | undefined;
  readonly modules: readonly string[];
  /** How many install stages hold the environment (the learner's; the aggregator's beside it). */
  readonly environments: number;
}

/** `python3 verify_platform.py …`, the roots read from IMAGE_ROOT_VARIABLE (the base) and VENV_ROOT_PREFIX<n>. */
export function verifyPlatformArgs(options: VerifyOptions): [string, ...string[]] {
  return [
    'python3',
    VERIFY_SCRIPT,
    '--root-env',
    IMAGE_ROOT_VARIABLE,
    ...Array.from({ length: options.environments }, (_, index) => ['--venv-env', `${VENV_ROOT_PREFIX}${index}`]).flat(),
    '--elf-machine',
    String(options.elfMachine),
    ...(options.qemu === undefined ? [] : ['--qemu', options.qemu]),
    '--python-path',
    options.pythonPath,
    ...(options.distributions === undefined ? [] : ['--only', options.distributions.join(',')]),
    '--',
    ...options.modules,
  ];
}

/** Where an environment's files are: a local image (an install stage), or a working container holding them. */
export type EnvironmentSource = { readonly image: string } | { readonly container: string };

/** What the check runs on: a local image of the platform's base, and the environments the image's layers hold. */
export interface CheckedImage {
  /** The dependency image the check proves, for messages. */
  readonly name: string;
  readonly base: string;
  /** In order: the learner's environment, then the aggregator's beside it. */
  readonly environments: readonly EnvironmentSource[];
}

/** Mounts the base and the install stages, runs the check on them, and fails the phase naming what did not load. */
export async function verifyPlatform(
  job: Job,
  image: CheckedImage,
  platform: PlatformInfo,
  check: { readonly modules: readonly string[]; readonly distributions: readonly string[] | undefined },
  runtimeDir: string,
  log: Logger,
): Promise<PlatformCheck> {
  const call = { timeoutMs: CHECK_MS, signal: job.signal };
  // The containers made here, removed at the end; a working container given is its owner's to remove.
  const containers: string[] = [];
  const containerOf = async (source: EnvironmentSource): Promise<string> => {
    if ('container' in source) return source.container;
    const made = (await job.buildah.run(buildahFromArgs(source.image), call)).stdout.trim();
    containers.push(made);
    return made;
  };
  try {
    const base = await containerOf({ image: image.base });
    const environments: string[] = [];
    for (const source of image.environments) environments.push(await containerOf(source));
    const command = verifyPlatformArgs({
      elfMachine: platform.elfMachine,
      qemu: findEmulator(job, platform),
      pythonPath: runtimeDir,
      distributions: check.distributions,
      modules: check.modules,
      environments: environments.length,
    });
    const mounts = {
      [IMAGE_ROOT_VARIABLE]: base,
      ...Object.fromEntries(environments.map((container, index) => [`${VENV_ROOT_PREFIX}${index}`, container])),
    };
    const { stdout } = await job.buildah.runMounted(mounts, command, call);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report;
    if (report.failed.length > 0) {
      const what = report.failed.map((item) => `${item.module} (${item.error.split('\n').at(-1)})`).join('; ');
      throw new PhaseError(
        'PLATFORM_CHECK_FAILED',
        `the ${platform.platform} image ${image.name} does not load: ${what}; the ${report.method === 'qemu' ? 'emulated import' : 'ELF'} check ran before the image was tagged`,
      );
    }
    const warnings = report.warnings.map((item) => `${item.module}: ${item.error}`);
    log.info(
      {
        image: image.name,
        platform: platform.platform,
        method: report.method,
        checked: report.checked,
        warnings: warnings.length,
      },
      'Checked the image on its platform',
    );
    return { platform: platform.platform, image: image.name, method: report.method, checked: report.checked, warnings };
  } finally {
    if (containers.length > 0) await job.buildah.run(buildahRmArgs(containers), call).catch(() => undefined);
  }
}

/** `qemu-aarch64-static` from FLOPS_QEMU_DIR or PATH, or undefined when this machine has none. */
function findEmulator(job: Job, platform: PlatformInfo): string | undefined {
  const name = `qemu-${platform.qemu}-static`;
  const dirs = [job.config.qemuDir, ...(job.toolEnv.PATH ?? '').split(delimiter)].filter(
    (dir): dir is string => dir !== undefined && dir !== '',
  );
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}
