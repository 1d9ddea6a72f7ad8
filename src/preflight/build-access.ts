// Before any clone or resolve time is spent: can buildah build here? As root (a privileged container), or as a
// non-root user with a subordinate id range that newuidmap and newgidmap map into a user namespace (rootless).
// Without either, the first pull or RUN would fail minutes into the job with an opaque message.

import { tmpdir, userInfo } from 'node:os';
import { delimiter } from 'node:path';
import { CommandError } from '../errors.js';
import { Buildah } from '../tools/buildah.js';
import { buildahStorageDriverArgs, buildahUnshareArgs } from '../tools/buildah-args.js';
import { type HostTool, missingTools, SIF_TOOLS } from './host-tools.js';
import { type IdRange, rangeFor, readIdFile } from './subordinate-ids.js';

/** The images run as uid 10001: a rootless build maps at least that many ids, and more for base images' own. */
export const MIN_SUBORDINATE_IDS = 65536;
const PROBE_MS = 15_000;

/** How this process builds. */
export type BuildAccess =
  | { readonly mode: 'root' }
  | {
      readonly mode: 'rootless';
      readonly user: string;
      readonly uid: number;
      readonly storageDriver: string;
      /** What buildah's environment gets for the job (STORAGE_DRIVER=overlay where the kernel allows it). */
      readonly env: Readonly<Record<string, string>>;
    };

/** Why this host cannot build what was asked, each missing piece with how to grant it. */
export class BuildAccessError extends Error {
  override readonly name = 'BuildAccessError';
  constructor(
    readonly missing: readonly string[],
    message = `buildah cannot build here: ${missing.join('; ')}. Run the builder as root in a privileged container, or as a user with a subordinate id range (see docs/operating.md, "Running without --privileged")`,
  ) {
    super(message);
  }
}

const ID_MAPPERS: readonly HostTool[] = ['newuidmap', 'newgidmap'].map((name) => ({
  name,
  install: 'Debian and Ubuntu: apt-get install uidmap; Fedora: shadow-utils',
}));

/** Checks that the programs `--sif` runs on the host are installed; throws BuildAccessError naming each missing one. */
export async function checkSifTools(env: Readonly<Record<string, string>>): Promise<void> {
  const missing = await missingTools(SIF_TOOLS, env.PATH ?? '');
  if (missing.length > 0) {
    throw new BuildAccessError(missing, `--sif cannot make SIF files here: ${missing.join('; ')}`);
  }
}

/** Who runs the builder and where the subordinate id files are; tests pass their own. */
export interface BuildHost {
  readonly uid: number;
  readonly subuid: string;
  readonly subgid: string;
}

const THIS_HOST: BuildHost = { uid: process.getuid?.() ?? 0, subuid: '/etc/subuid', subgid: '/etc/subgid' };

/** Checks how buildah may build for this process, in a second or so; throws BuildAccessError naming what is missing. */
export async function checkBuildAccess(
  env: Readonly<Record<string, string>>,
  signal: AbortSignal,
  host: BuildHost = THIS_HOST,
): Promise<BuildAccess> {
  const { uid } = host;
  if (uid === 0) return { mode: 'root' };
  const name = userName(uid);
  const missing: string[] = [];
  for (const [kind, file] of [
    ['UID', host.subuid],
    ['GID', host.subgid],
  ] as const) {
    const range = rangeFor(await readIdFile(file), { name, uid });
    const problem = rangeProblem(range, kind, file, name);
    if (problem) missing.push(problem);
  }
  // newuidmap/newgidmap must exist; whether they may map (setuid root, or file capabilities) the probe proves.
  // buildah finds them in /usr/bin or /usr/sbin when the job's PATH lacks them.
  missing.push(...(await missingTools(ID_MAPPERS, [env.PATH ?? '', '/usr/bin', '/usr/sbin'].join(delimiter))));
  if (missing.length > 0) throw new BuildAccessError(missing);
  return { mode: 'rootless', user: name, uid, ...(await probeUserNamespace(env, signal)) };
}

function userName(uid: number): string {
  try {
    return userInfo({ encoding: 'utf8' }).uid === uid ? userInfo().username : String(uid);
  } catch {
    // No passwd entry (an arbitrary uid, as OpenShift assigns): the files may still list the uid itself.
    return String(uid);
  }
}

function rangeProblem(range: IdRange | undefined, kind: 'UID' | 'GID', file: string, name: string): string | undefined {
  const grant = `grant one with: usermod --add-sub${kind.toLowerCase()}s 100000-165535 ${name}`;
  if (range === undefined) return `user ${name} has no subordinate ${kind} range in ${file} (${grant})`;
  if (range.count < MIN_SUBORDINATE_IDS) {
    return `user ${name}'s subordinate ${kind} range in ${file} has ${range.count} ids, fewer than the ${MIN_SUBORDINATE_IDS} images need (${grant})`;
  }
  return undefined;
}

/**
 * Enters buildah's user namespace once, then picks the storage: overlay where the kernel mounts it in a user namespace
 * (rootless buildah would otherwise settle for vfs, a full copy of every layer), vfs otherwise. An operator's own
 * STORAGE_DRIVER wins.
 */
async function probeUserNamespace(
  env: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<{ storageDriver: string; env: Readonly<Record<string, string>> }> {
  const call = { timeoutMs: PROBE_MS, signal };
  // No job yet: buildah runs with the host's tools environment, from a folder that is always there.
  const buildah = (extra: Record<string, string>): Buildah => new Buildah({ ...env, ...extra }, undefined, tmpdir());
  const driverWith = async (extra: Record<string, string>): Promise<string> =>
    (await buildah(extra).run(buildahStorageDriverArgs(), call)).stdout.trim();
  try {
    await buildah({}).run(buildahUnshareArgs(['true']), call);
  } catch (error) {
    if (!(error instanceof CommandError) || error.cancelled) throw error;
    throw new BuildAccessError([`buildah could not enter a user namespace: ${error.stderrTail || error.message}`]);
  }
  if (env.STORAGE_DRIVER === undefined) {
    // Fails when the kernel refuses, or when this storage was made with another driver: then buildah keeps its own.
    const overlay = await driverWith({ STORAGE_DRIVER: 'overlay' }).catch(() => undefined);
    if (overlay === 'overlay') return { storageDriver: 'overlay', env: { STORAGE_DRIVER: 'overlay' } };
  }
  return { storageDriver: (await driverWith({}).catch(() => '')) || 'unknown', env: {} };
}
