// The aggregator's own layer, made in a working container rather than in a `buildah bud` stage: its packages are
// installed by `buildah run` (fl-templates/aggregator-install.sh) and the container is committed straight to the
// registry. A bud stage writes its layer into local storage, then `buildah push` reads it back to compress it: on
// the cold job's critical path that was about 20 s of a 90 s job. Here the layer is compressed and uploaded once,
// and nothing of it is stored locally. The container stays until the layer is pushed and (on a foreign platform)
// checked, whose environment it is.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import {
  buildahCreatedByArgs,
  buildahFromArgs,
  buildahRmArgs,
  buildahRunArgs,
  type RunMount,
} from '../tools/buildah-args.js';
import type { ContainerInstall } from './install-stages.js';

/** A working container whose install ran: its name, and what its layer lets code import (JSON text). */
export interface InstalledContainer {
  readonly container: string;
  readonly modules: string;
}

/** Where the script finds what the builder mounts (fl-templates/aggregator-install.sh says the same). */
const TOOLS_TARGET = '/opt/flops/tools';
const LOCKS_TARGET = '/opt/flops/locks';
const SECRETS_TARGET = '/run/secrets';
const OUT_TARGET = '/opt/flops/out';
/** The uv cache the dependency Containerfile's `RUN --mount=type=cache` steps use: the same id, the same folder. */
const UV_CACHE = { id: 'flops-uv-cache', target: '/tmp/uv-cache' } as const;

// Removing a container of a whole environment takes seconds; it runs after a cancel too.
const REMOVE_MS = 120_000;

/**
 * Starts a working container of `fromImage` (the built stage `install.from`) and runs the install script in it. On a
 * failure the container is removed before the error is thrown; otherwise the caller removes it (removeContainer).
 */
export async function installInContainer(
  job: Job,
  contextDir: string,
  install: ContainerInstall,
  fromImage: string,
  log: Logger,
): Promise<InstalledContainer> {
  const what = `installing the aggregator's packages (${install.name})`;
  const started = await job.buildah.runOr('BUILD_FAILED', what, buildahFromArgs(fromImage), { signal: job.signal });
  const container = started.stdout.trim();
  const out = await mkdtemp(join(job.workdir, 'container-install-'));
  try {
    const binds: RunMount[] = [
      { source: join(contextDir, 'tools'), target: TOOLS_TARGET, readOnly: true },
      { source: join(contextDir, install.locks), target: LOCKS_TARGET, readOnly: true },
      { source: job.buildSecrets.dir, target: SECRETS_TARGET, readOnly: true },
      { source: out, target: OUT_TARGET, readOnly: false },
    ];
    const command: [string, ...string[]] = ['sh', `${TOOLS_TARGET}/${install.script}`, ...install.args];
    const args = buildahRunArgs({ container, binds, caches: { [UV_CACHE.id]: UV_CACHE.target }, command });
    log.info({ layer: install.name, from: install.from.target }, 'Installing in a working container');
    await job.buildah.runOr('BUILD_FAILED', what, args, {
      signal: job.signal,
      onLine: (line) => log.info({ layer: install.name, buildah: line }, 'buildah'),
    });
    const describe = buildahCreatedByArgs(container, install.createdBy);
    await job.buildah.runOr('BUILD_FAILED', what, describe, { signal: job.signal });
    return { container, modules: (await readFile(join(out, 'modules.json'), 'utf8')).trim() };
  } catch (error) {
    await removeContainer(job, container);
    throw error;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Removes a working container (after a cancel too: its own time limit, not the job's signal). Never throws. */
export async function removeContainer(job: Job, container: string): Promise<void> {
  await job.buildah
    .run(buildahRmArgs([container]), { timeoutMs: REMOVE_MS, signal: AbortSignal.timeout(REMOVE_MS) })
    .catch((error: unknown) => job.log.warn({ container, err: error }, 'Could not remove a working container'));
}
