// One image's SIF, made as Apptainer makes one from an OCI image: the image's root filesystem (its dependency image's
// layers and the builder's own) with /.singularity.d, in a squashfs partition, beside its definition and metadata.

import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PhaseError } from '../errors.js';
import type { WrittenLayer } from '../images/layer.js';
import type { Job } from '../job.js';
import type { PlatformInfo } from '../platforms.js';
import type { ImageConfig } from '../tables/oci.js';
import { run } from '../tools/exec.js';
import { MKSQUASHFS_OPTIONS, sifArch, siftoolAddArgs } from './sif-args.js';
import { deffile, inspectMetadata, singularityEntries } from './singularity-d.js';

/** The launch script at the start of every SIF Apptainer writes (32 bytes with its padding). */
export const SIF_LAUNCH = '#!/usr/bin/env run-singularity\n';
const LAUNCH_BYTES = 32;

/** What one SIF is made from. */
export interface SifSource {
  /** The dependency image, local (built by this job) or in the registry. */
  readonly depsRef: string;
  readonly platform: PlatformInfo;
  readonly layers: readonly WrittenLayer[];
  /** The image's config on top of the dependency image's (its entrypoint, environment, labels). */
  readonly configOf: (base: ImageConfig) => ImageConfig;
  /** The image's reference, for the definition Apptainer records. */
  readonly reference: string;
  readonly file: string;
}

// Extracts the builder's layers over the dependency image's mounted root, adds /.singularity.d and squashes it all, so
// that owners stay as the image has them. A shell script: tar, cp and mksquashfs take the root as an argument, and its
// path is known only where buildah mounted it (as root, or inside buildah unshare), from $FLOPS_SIF_ROOT.
const SQUASH_SCRIPT = `set -e
staging="$1"; out="$2"; shift 2
for layer in "$@"; do tar -xzpf "$layer" -C "$FLOPS_SIF_ROOT" --same-owner --numeric-owner; done
cp -a "$staging/." "$FLOPS_SIF_ROOT/"
mksquashfs "$FLOPS_SIF_ROOT" "$out" ${MKSQUASHFS_OPTIONS.join(' ')}`;

/** Makes the SIF of one image at `source.file`. */
export async function makeSif(job: Job, source: SifSource, signal: AbortSignal): Promise<void> {
  const arch = sifArch(source.platform.architecture);
  if (arch === undefined) {
    throw new PhaseError('CONVERT_FAILED', `SIF has no architecture code for ${source.platform.platform}`);
  }
  // The phase's time limit arrives through the signal.
  const call = { signal };
  const work = `${source.file}.parts`;
  await mkdir(work, { recursive: true });
  const { stdout } = await job.buildah.runOr(
    'CONVERT_FAILED',
    `starting a container of ${source.depsRef}`,
    fromArgs(job, source),
    call,
  );
  const container = stdout.trim();
  try {
    const inspected = await job.buildah.run(['inspect', '--type', 'container', '--', container], call);
    const base = (JSON.parse(inspected.stdout) as { OCIv1: ImageConfig }).OCIv1;
    const config = source.configOf(base);
    const staging = join(work, 'root');
    await writeRootEntries(staging, config);
    const squashfs = join(work, 'rootfs.squashfs');
    const layers = source.layers.map((layer) => layer.file);
    await job.buildah
      .runMounted({ FLOPS_SIF_ROOT: container }, ['sh', '-c', SQUASH_SCRIPT, 'sh', staging, squashfs, ...layers], call)
      .catch((error: unknown) => {
        throw new PhaseError(
          'CONVERT_FAILED',
          `squashing the root filesystem of ${source.reference} failed: ${tail(error)}`,
          {
            cause: error,
          },
        );
      });
    await writeFile(join(work, 'deffile'), deffile(source.reference));
    await writeFile(join(work, 'inspect-metadata.json'), inspectMetadata(config, source.reference));
    await siftool(job, ['new', '--', source.file], call);
    await siftool(job, siftoolAddArgs(source.file, join(work, 'deffile'), { kind: 'deffile' }), call);
    await siftool(job, siftoolAddArgs(source.file, join(work, 'inspect-metadata.json'), { kind: 'metadata' }), call);
    await siftool(job, siftoolAddArgs(source.file, squashfs, { kind: 'rootfs', arch }), call);
    await writeLaunchScript(source.file);
  } finally {
    // Its own bounds: after a cancel the phase's signal is aborted already, and the container must still go.
    const cleanup = { signal: new AbortController().signal, timeoutMs: 60_000 };
    await job.buildah.run(['rm', '--', container], cleanup).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

/** `buildah from` the dependency image: local when this job built it, else pulled for the image's platform. */
function fromArgs(job: Job, source: SifSource): string[] {
  const access = job.registryAccess;
  return [
    'from',
    // Not buildah's "<image>-working-container": leftovers.ts removes such containers made during a job when it ends,
    // and this one is removed by makeSif itself.
    '--name',
    `flops-sif-${randomBytes(6).toString('hex')}`,
    // buildah 1.28's spelling of "only when not in local storage" (a dependency image this job built is there).
    '--pull=false',
    '--quiet',
    '--platform',
    source.platform.platform,
    `--tls-verify=${String(job.config.registry.tls)}`,
    ...(access.authFile ? ['--authfile', access.authFile] : []),
    ...(access.certDir ? ['--cert-dir', access.certDir] : []),
    '--',
    source.depsRef,
  ];
}

/** /.singularity.d and the root's links, in a folder copied over the image's root. */
async function writeRootEntries(staging: string, config: ImageConfig): Promise<void> {
  for (const entry of singularityEntries(config)) {
    const path = join(staging, entry.path);
    await mkdir(entry.kind === 'dir' ? path : dirname(path), { recursive: true });
    if (entry.kind === 'file') await writeFile(path, entry.text, { mode: entry.mode });
    if (entry.kind === 'link') await symlink(entry.target, path);
  }
}

/** siftool writes a SIF without a launch script; Apptainer's library writes this one into the header's first field. */
async function writeLaunchScript(file: string): Promise<void> {
  const header = Buffer.alloc(LAUNCH_BYTES);
  header.write(SIF_LAUNCH, 'utf8');
  const handle = await open(file, 'r+');
  try {
    await handle.write(header, 0, LAUNCH_BYTES, 0);
  } finally {
    await handle.close();
  }
}

async function siftool(job: Job, args: readonly string[], call: { signal: AbortSignal }): Promise<void> {
  await run('siftool', args, { cwd: job.workdir, env: job.toolEnv, ...call }).catch((error: unknown) => {
    throw new PhaseError('CONVERT_FAILED', `siftool ${args[0] ?? ''} failed: ${tail(error)}`, { cause: error });
  });
}

function tail(error: unknown): string {
  const text =
    error instanceof Error ? ('stderrTail' in error && String(error.stderrTail)) || error.message : String(error);
  return text.trim().split('\n').slice(-3).join(' ');
}
