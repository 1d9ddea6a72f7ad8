// An image's process started the way Oakestra starts FLOps' images: the SLA's command in place of the entrypoint,
// in the image's WORKDIR, as the image's user, on the host network (buildah run, chroot isolation).

import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { execa, type ResultPromise } from 'execa';
import { buildah } from './buildah.js';
import { withTimeout } from './service-process.js';

// A run with a storage of its own (CONTAINERS_STORAGE_CONF, see run-builder.ts) looks into that storage too.
const ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/root',
  ...(process.env.CONTAINERS_STORAGE_CONF ? { CONTAINERS_STORAGE_CONF: process.env.CONTAINERS_STORAGE_CONF } : {}),
};

export interface ImageRun {
  readonly exitCode: number | undefined;
  /** stdout and stderr, interleaved. */
  readonly output: string;
}

/** A command running in a working container of an image. */
export interface ImageProcess {
  readonly finished: Promise<ImageRun>;
  /** SIGTERM to the command itself (buildah run would SIGKILL it), then its end. */
  terminate(timeoutMs?: number): Promise<ImageRun>;
  /** Ends the command if it still runs and removes the container. */
  remove(): Promise<void>;
}

/** Starts `command` (e.g. `python main.py …`) in a new container of the local image `ref`, with `env` added. */
export async function startInImage(
  ref: string,
  command: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 300_000,
): Promise<ImageProcess> {
  // A name of its own: buildah's default is shared by every test run on this storage.
  const wanted = `flops-test-${randomBytes(6).toString('hex')}`;
  const container = await buildah(['from', '--name', wanted, '--pull=never', '--quiet', ref]);
  const envArgs = Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
  const child: ResultPromise = execa(
    'buildah',
    ['run', '--isolation', 'chroot', '--network', 'host', ...envArgs, container, '--', ...command],
    { env: ENV, extendEnv: false, reject: false, all: true, timeout: timeoutMs },
  );
  const finished = child.then((result) => ({ exitCode: result.exitCode, output: String(result.all) }));
  const signalCommand = async (signal: NodeJS.Signals, reach: Reach): Promise<void> => {
    if (child.pid === undefined) return;
    for (const pid of await descendants(child.pid, reach)) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  };
  const terminate = async (waitMs = 30_000): Promise<ImageRun> => {
    await signalCommand('SIGTERM', 'command');
    return withTimeout(finished, waitMs, `${command.join(' ')} did not end after SIGTERM`);
  };
  return {
    finished,
    terminate,
    async remove() {
      // buildah's chroot runtime outlives a killed buildah: every process below it is ended first, the command's own
      // children too (a server's master, e.g. gunicorn's under `mlflow models serve`, would start new workers).
      await signalCommand('SIGKILL', 'all');
      child.kill('SIGKILL');
      await finished;
      await buildah(['rm', container]).catch(() => '');
    },
  };
}

/** Which processes below buildah a signal reaches: the command alone, or all (its runtime and children too). */
type Reach = 'command' | 'all';

/** The processes below `root` (not `root` itself): buildah's runtime, the command it started and its children. */
async function descendants(root: number, reach: Reach): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The command name may hold spaces and parentheses: the parent pid follows the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid > 0) parents.set(Number(entry), ppid);
  }
  const below = (pid: number): number[] =>
    [...parents].filter(([, parent]) => parent === pid).flatMap(([child]) => [child, ...below(child)]);
  // The command is the deepest process; signalling the runtime in between would end the command with SIGKILL.
  const found = below(root);
  if (reach === 'all') return found;
  return found.filter((pid) => !found.some((other) => parents.get(other) === pid));
}
