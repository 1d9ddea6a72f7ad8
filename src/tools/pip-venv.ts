// The builder's own tool environment (pinned pip and uv): made on first use, remade when broken or outdated.

import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CommandError } from '../errors.js';
import { run } from './exec.js';
import { PIP_VERSION, type PipIndex, pipSelfInstallArgs } from './pip-args.js';
import { UV_VERSION } from './uv-args.js';

/** Where the environment goes and how pip reaches the index while installing itself. */
export interface PipVenvOptions {
  readonly dir: string;
  /** The python that makes the environment (default `python3` on PATH). */
  readonly python?: string;
  /** The subprocess environment: PATH, HOME, proxies, NETRC; nothing PIP_*. */
  readonly env: Readonly<Record<string, string>>;
  readonly index: PipIndex;
  readonly certFile: string | undefined;
  /** The limit of each step (making the environment, installing pip), when shorter than the phase's (`signal`). */
  readonly timeoutMs?: number;
  readonly signal: AbortSignal;
}

/** A ready environment: the python to run pip with, uv, and whether this call made it. */
export interface PipVenv {
  readonly python: string;
  readonly uv: string;
  readonly pipVersion: string;
  readonly created: boolean;
}

/** Why the environment could not be made; the message says what to install or check. */
export class PipVenvError extends Error {
  override readonly name = 'PipVenvError';
}

/**
 * Returns the environment at `dir` when its pip is the pinned one; otherwise makes a new one beside it and moves it
 * into place, so a job that fails half-way, or two jobs at once, never leave a broken one behind.
 */
export async function ensurePipVenv(options: PipVenvOptions): Promise<PipVenv> {
  const python = join(options.dir, 'bin', 'python');
  const uv = join(options.dir, 'bin', 'uv');
  await mkdir(dirname(options.dir), { recursive: true });
  const current = await pipVersionOf(python, options);
  if (current === PIP_VERSION && (await isUv(uv, options))) return { python, uv, pipVersion: current, created: false };

  const staging = await mkdtemp(`${options.dir}.new-`);
  try {
    await step(
      options.python ?? 'python3',
      ['-m', 'venv', staging],
      options,
      'make a virtual environment (on Debian: apt-get install python3-venv)',
    );
    await step(
      join(staging, 'bin', 'python'),
      pipSelfInstallArgs(options.index, options.certFile),
      options,
      `install pip ${PIP_VERSION} and uv ${UV_VERSION} from ${options.index.indexUrl}`,
    );
    // Only `bin/python -m pip` and `bin/uv` (a static binary) are used: both work from any location, so moving the
    // folder is safe (the `bin/pip` scripts keep the staging path in their first line).
    // Another job may have made one meanwhile: keep it rather than pull it from under that job.
    if ((await pipVersionOf(python, options)) !== PIP_VERSION || !(await isUv(uv, options))) {
      await rm(options.dir, { recursive: true, force: true });
      await rename(staging, options.dir).catch((error: NodeJS.ErrnoException) => {
        if (!['ENOTEMPTY', 'EEXIST'].includes(error.code ?? '')) throw error;
      });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const made = await pipVersionOf(python, options);
  if (made !== PIP_VERSION || !(await isUv(uv, options))) {
    throw new PipVenvError(
      `the virtual environment at ${options.dir} has pip ${made ?? 'missing'}, not ${PIP_VERSION}, or no uv ${UV_VERSION}`,
    );
  }
  return { python, uv, pipVersion: made, created: true };
}

/** The pip version an environment's python imports, or undefined when it is missing or broken. */
async function pipVersionOf(python: string, options: PipVenvOptions): Promise<string | undefined> {
  try {
    const { stdout } = await run(python, ['-I', '-c', 'import pip; print(pip.__version__)'], {
      cwd: dirname(options.dir),
      env: options.env,
      timeoutMs: 30_000,
      signal: options.signal,
    });
    return stdout.trim() || undefined;
  } catch (error) {
    if (options.signal.aborted) throw error;
    return undefined;
  }
}

/** Whether `uv` is there and the pinned version. */
async function isUv(uv: string, options: PipVenvOptions): Promise<boolean> {
  try {
    const { stdout } = await run(uv, ['--version'], {
      cwd: dirname(options.dir),
      env: options.env,
      timeoutMs: 30_000,
      signal: options.signal,
    });
    return stdout.trim().split(/\s+/)[1] === UV_VERSION;
  } catch (error) {
    if (options.signal.aborted) throw error;
    return false;
  }
}

async function step(file: string, args: readonly string[], options: PipVenvOptions, what: string): Promise<void> {
  try {
    await run(file, args, {
      cwd: dirname(options.dir),
      env: options.env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
  } catch (error) {
    if (!(error instanceof CommandError) || error.timedOut || error.cancelled) throw error;
    throw new PipVenvError(`could not ${what} for the resolve phase: ${error.stderrTail}`, { cause: error });
  }
}
