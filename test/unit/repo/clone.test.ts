// Every plan that builds from a repo fetches every source form: the training plan's clone on a real folder and a real
// HTTP archive (a loopback server), named and tagged as fl_actors' are, and an archive unpacked only when needed.

import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config, FlActorsConfig, TrainingConfig } from '../../../src/config/config.js';
import type { Job } from '../../../src/job.js';
import { clone } from '../../../src/phases/clone.js';
import { cloneTraining, cloneTrainingPhase } from '../../../src/phases/clone-training.js';
import { cloneSource } from '../../../src/repo/clone.js';
import { prepareJob } from '../../../src/setup.js';
import { folderEntries, writeArchive } from '../../helpers/archives.js';
import { type FileServer, startFileServer } from '../../helpers/file-server.js';
import { runAny } from '../../helpers/load-config.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

const log = pino({ level: 'silent' });
const MANAGER = ['http://registry:5000', 'proj-1', 'broker', 'observer'];

let scratch: string;
let project: string;
let files: FileServer;
beforeAll(async () => {
  scratch = await makeTempDir('unit-repo-clone');
  project = join(scratch, 'alice', 'iris');
  await mkdir(join(project, 'src'), { recursive: true });
  await writeFile(join(project, 'train.py'), 'print("training")\n');
  await writeFile(join(project, 'src', 'model.py'), 'X = 1\n');
  await mkdir(join(scratch, 'served', 'alice'), { recursive: true });
  const newest = new Date('2026-03-04T05:06:07Z');
  const entries = (await folderEntries(project)).map((entry) =>
    entry.name === 'train.py' ? { ...entry, mtime: newest } : entry,
  );
  await writeArchive(join(scratch, 'served', 'alice', 'iris.tar.gz'), entries);
  files = await startFileServer(join(scratch, 'served'));
});
afterAll(async () => {
  await files.stop();
  await removeTempDir(scratch);
});

/** A job of the command line, with its own folders; cleaned up by the caller. */
async function jobOf<C extends Config>(
  argv: readonly string[],
): Promise<{ job: Job<C>; cleanup: () => Promise<void> }> {
  const prepared = await prepareJob(runAny(argv), {}, log, new AbortController().signal);
  return prepared as unknown as { job: Job<C>; cleanup: () => Promise<void> };
}

describe('the training plan from a folder or an archive', () => {
  it('copies a dir:// folder and names the trainer by its tag, as fl_actors names its images', async () => {
    const url = `dir://${project}`;
    const training = await jobOf<TrainingConfig>([...MANAGER, 'training', url, '--allow-file-url', '--dry-run']);
    const flActors = await jobOf<FlActorsConfig>([
      ...MANAGER,
      'fl_actors',
      url,
      'sklearn',
      '--allow-file-url',
      '--dry-run',
    ]);
    try {
      const result = await cloneTraining(training.job, log);
      expect(result).toMatchObject({ kind: 'folder', commitDate: undefined, existing: undefined });
      expect(result.commitSha).toMatch(/^[0-9a-f]{40}$/);
      expect(result.image.reference).toBe(`registry:5000/alice/iris/trainer:${result.commitSha}`);
      expect(await readFile(join(result.repoDir, 'train.py'), 'utf8')).toBe('print("training")\n');
      expect(cloneTrainingPhase.describe(result)).toMatchObject({
        summary: `folder tag ${result.commitSha.slice(0, 12)}`,
      });
      // The same files make the same tag whichever plan reads them.
      const other = await clone(flActors.job, log);
      expect(other.commitSha).toBe(result.commitSha);
    } finally {
      await training.cleanup();
      await flActors.cleanup();
    }
  });

  it('downloads an https archive, tags it by its sha256 and dates it by its newest entry', async () => {
    const url = files.url('alice/iris.tar.gz');
    const { job, cleanup } = await jobOf<TrainingConfig>([...MANAGER, 'training', url, '--dry-run']);
    try {
      const result = await cloneTraining(job, log);
      expect(result).toMatchObject({ kind: 'archive', commitDate: new Date('2026-03-04T05:06:07Z') });
      expect(result.image.reference).toBe(`registry:5000/alice/iris/trainer:${result.commitSha}`);
      expect(await readFile(join(result.repoDir, 'src', 'model.py'), 'utf8')).toBe('X = 1\n');
    } finally {
      await cleanup();
    }
  });

  it('asks for the images by the archive tag and leaves an archive whose images exist packed', async () => {
    const url = files.url('alice/iris.tar.gz');
    const { job, cleanup } = await jobOf<TrainingConfig>([...MANAGER, 'training', url]);
    const asked: string[] = [];
    try {
      const result = await cloneSource(job, log, async (tag) => {
        asked.push(tag);
        return 'there already';
      });
      expect(asked).toEqual([result.commitSha]);
      expect(result).toMatchObject({ existing: 'there already', commitDate: undefined });
      await expect(access(result.repoDir)).rejects.toThrow();
    } finally {
      await cleanup();
    }
  });
});
