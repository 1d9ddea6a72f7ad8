// An image's process started the way Oakestra starts FLOps' images: the SLA's command in place of the entrypoint,
// in the image's WORKDIR, as the image's user, on the host network (buildah run, chroot isolation).

import { randomBytes } from 'node:crypto';
import { execa, type ResultPromise } from 'execa';
import { signalBelow } from '../../scripts/demo/process-tree.mjs';
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
  const terminate = async (waitMs = 30_000): Promise<ImageRun> => {
    await signalBelow(child.pid, 'SIGTERM', 'command');
    return withTimeout(finished, waitMs, `${command.join(' ')} did not end after SIGTERM`);
  };
  return {
    finished,
    terminate,
    async remove() {
      // buildah's chroot runtime outlives a killed buildah: every process below it is ended first.
      await signalBelow(child.pid, 'SIGKILL', 'all');
      child.kill('SIGKILL');
      await finished;
      await buildah(['rm', container]).catch(() => '');
    },
  };
}
