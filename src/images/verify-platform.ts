// Before it is tagged: a dependency image for a platform the builder does not run on must load there. Its own
// python imports Flower, the FL runtime and every installed package under user-mode emulation (an unpacked
// qemu-user-static, nothing registered with the kernel); without an emulator, every extension module's ELF machine
// is checked instead. A failing check fails the build.

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
}

/** `python3 verify_platform.py …`, the image's root read from IMAGE_ROOT_VARIABLE. */
export function verifyPlatformArgs(options: VerifyOptions): [string, ...string[]] {
  return [
    'python3',
    VERIFY_SCRIPT,
    '--root-env',
    IMAGE_ROOT_VARIABLE,
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

/** Mounts the local image, runs the check on it, and fails the phase naming what did not load. */
export async function verifyPlatform(
  job: Job,
  image: string,
  platform: PlatformInfo,
  check: { readonly modules: readonly string[]; readonly distributions: readonly string[] | undefined },
  runtimeDir: string,
  log: Logger,
): Promise<PlatformCheck> {
  const call = { timeoutMs: CHECK_MS, signal: job.signal };
  const container = (await job.buildah.run(buildahFromArgs(image), call)).stdout.trim();
  try {
    const command = verifyPlatformArgs({
      elfMachine: platform.elfMachine,
      qemu: findEmulator(job, platform),
      pythonPath: runtimeDir,
      distributions: check.distributions,
      modules: check.modules,
    });
    const { stdout } = await job.buildah.runMounted(container, IMAGE_ROOT_VARIABLE, command, call);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report;
    if (report.failed.length > 0) {
      const what = report.failed.map((item) => `${item.module} (${item.error.split('\n').at(-1)})`).join('; ');
      throw new PhaseError(
        'PLATFORM_CHECK_FAILED',
        `the ${platform.platform} image ${image} does not load: ${what}; the ${report.method === 'qemu' ? 'emulated import' : 'ELF'} check ran before the image was tagged`,
      );
    }
    const warnings = report.warnings.map((item) => `${item.module}: ${item.error}`);
    log.info(
      { image, platform: platform.platform, method: report.method, checked: report.checked, warnings: warnings.length },
      'Checked the image on its platform',
    );
    return { platform: platform.platform, image, method: report.method, checked: report.checked, warnings };
  } finally {
    await job.buildah.run(buildahRmArgs([container]), call).catch(() => undefined);
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
