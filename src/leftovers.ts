// What a job leaves in buildah's storage (working containers of a killed build, the images it made), and its removal.

import type { Job } from './job.js';
import { buildahContainersArgs, buildahImagesArgs, buildahRmArgs, buildahRmiArgs } from './tools/buildah-args.js';

/** What was in storage when the job started: anything else of the kind below was made by this job. */
export interface StorageSnapshot {
  readonly containers: ReadonlySet<string>;
  readonly images: ReadonlySet<string>;
}

interface ContainerEntry {
  readonly id: string;
  readonly builder: boolean;
  readonly containername: string;
}

interface ImageEntry {
  readonly id: string;
  readonly names: readonly string[] | null;
}

// buildah bud names a stage's working container "<image>-working-container", with "-N" added when that name is taken.
const WORKING_CONTAINER = /-working-container(-\d+)?$/;

// Clean-up runs after a cancel, when the job's own signal is aborted already: it gets its own bounds.
const CLEANUP_COMMAND_MS = 60_000;

/** Lists containers and images before the job touches storage; undefined for a dry run, which never runs buildah. */
export async function snapshotStorage(job: Job): Promise<StorageSnapshot | undefined> {
  if (job.config.dryRun) return undefined;
  // The images are compared only to prune them; without --prune-images, not listing them saves a buildah call.
  const [containers, images] = await Promise.all([
    listContainers(job),
    job.config.pruneImages ? listImages(job) : Promise.resolve([]),
  ]);
  return { containers: new Set(containers.map((entry) => entry.id)), images: new Set(images.map((entry) => entry.id)) };
}

/**
 * Removes the working containers this job's builds left (a killed `buildah bud` leaves its stage's container
 * mounted) and, with `--prune-images`, the images it made: learner, aggregator, the base tag and their
 * untagged intermediate layers. Never throws: what it could not remove is logged.
 */
export async function removeLeftovers(
  job: Job,
  before: StorageSnapshot | undefined,
  tagged: readonly string[],
): Promise<void> {
  if (!before) return;
  const log = job.log.child({ phase: 'cleanup' });
  try {
    const containers = (await listContainers(job)).filter(
      (entry) => entry.builder && !before.containers.has(entry.id) && WORKING_CONTAINER.test(entry.containername),
    );
    if (containers.length > 0) {
      await buildah(job, buildahRmArgs(containers.map((entry) => entry.id)));
      log.info(
        { containers: containers.map((entry) => entry.containername) },
        'Removed working containers the build left',
      );
    }
    if (!job.config.pruneImages || tagged.length === 0) return;
    const images = await listImages(job);
    const present = tagged.filter((name) => images.some((entry) => (entry.names ?? []).includes(name)));
    const intermediate = images
      .filter((entry) => (entry.names ?? []).length === 0 && !before.images.has(entry.id))
      .map((entry) => entry.id);
    // By name, so an image that also carries another tag only loses ours; then the layers only this job made.
    // An image is removable only once nothing is built on it: a few passes settle the order.
    const removed: string[] = [];
    let left = [...present, ...intermediate];
    for (let pass = 0; pass < 5 && left.length > 0; pass += 1) {
      const failed: string[] = [];
      for (const image of left) {
        const ok = await buildah(job, buildahRmiArgs([image])).then(
          () => true,
          () => false,
        );
        (ok ? removed : failed).push(image);
      }
      if (failed.length === left.length) break;
      left = failed;
    }
    log.info(
      {
        images: removed.map((image) => (image.startsWith('sha256:') ? image.slice(0, 19) : image)),
        not_removed: left.length === 0 ? undefined : left,
      },
      'Pruned the images this job built',
    );
  } catch (error) {
    log.warn({ err: error }, 'Could not remove everything the build left in buildah storage');
  }
}

async function listContainers(job: Job): Promise<ContainerEntry[]> {
  return (JSON.parse(await buildah(job, buildahContainersArgs())) as ContainerEntry[] | null) ?? [];
}

async function listImages(job: Job): Promise<ImageEntry[]> {
  return (JSON.parse(await buildah(job, buildahImagesArgs())) as ImageEntry[] | null) ?? [];
}

async function buildah(job: Job, args: string[]): Promise<string> {
  const { stdout } = await job.buildah.run(args, {
    timeoutMs: CLEANUP_COMMAND_MS,
    signal: AbortSignal.timeout(CLEANUP_COMMAND_MS),
  });
  return stdout;
}
