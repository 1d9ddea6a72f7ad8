// Dependencies are locked once and installed exactly, and a fresh builder reuses what an earlier one left in the
// registry: the lock and the dependency images. A damaged cache is rebuilt with a warning, never a failure.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildah, containerFrom, exitCodeIn } from '../helpers/buildah.js';
import { addCommit, createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { type BuilderRun, runBuilder, startBuilder } from '../helpers/run-builder.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { type SimpleIndex, startSimpleIndex } from '../helpers/simple-index.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';
import { fullTierIt } from '../helpers/tier.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const TIMEOUT = 20 * 60_000;
/** The example's model_manager.py under a new first line: a change to the code alone. */
const codeChange = async (line: string): Promise<Record<string, string>> => ({
  'model_manager.py': `# ${line}\n${await readFile(join(EXAMPLE, 'model_manager.py'), 'utf8')}`,
});

describe('locks and dependency images, reused across builders', () => {
  let services: PipelineServices;
  let index: SimpleIndex;
  let repo: FixtureRepo;
  let tmp: string;
  let storage = 0;

  beforeAll(async () => {
    services = await startPipelineServices();
    index = await startSimpleIndex();
    tmp = await makeTempDir('reuse');
    await index.publish('flopstestpkg', '1.0');
    repo = await createFixtureRepo(services.git, {
      owner: 'reuse',
      name: 'locked',
      from: EXAMPLE,
      files: {
        'conda.yaml': null,
        'requirements.txt': `--extra-index-url ${index.url}\nnumpy==1.26.4\nflopstestpkg\n`,
        'data/train.csv': 'x\n',
      },
    });
  }, 600_000);

  afterAll(async () => {
    await index?.close();
    await services?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  /** A builder with buildah storage of its own, empty: a fresh builder container, as FLOps starts one per job. */
  async function freshStorageEnv(): Promise<Record<string, string>> {
    storage += 1;
    const dir = join(tmp, `storage-${storage}`);
    const conf = join(tmp, `storage-${storage}.conf`);
    await writeFile(conf, `[storage]\ndriver = "overlay"\nrunroot = "${dir}/run"\ngraphroot = "${dir}/graph"\n`);
    return { CONTAINERS_STORAGE_CONF: conf };
  }

  const build = async (projectId: string, env: Record<string, string> = {}): Promise<BuilderRun> => {
    const run = await runBuilder(
      builderArgs(services, repo.url, projectId, ['--ca-cert', MACHINE_CA_BUNDLE]),
      env,
      TIMEOUT,
    );
    expect(run.exitCode, run.stdout.slice(-4000)).toBe(0);
    return run;
  };
  /** The download cache this file's first build fills, and the wheels unpacked in it. */
  const downloads = () => join(tmp, 'downloads');
  const downloaded = async () => (await readdir(join(downloads(), 'flops-uv-cache', 'archive-v0'))).sort();
  const buildahSteps = (run: BuilderRun) => run.logs.filter((line) => typeof line.buildah === 'string');
  const said = (run: BuilderRun, message: string) => run.logs.filter((line) => line.msg === message).length;
  const versionIn = async (sha: string): Promise<number> => {
    const learner = await containerFrom(`${services.registry.hostPort}/reuse/locked/learner:${sha}`);
    try {
      const check = "import importlib.metadata as m; raise SystemExit(0 if m.version('flopstestpkg') == '1.0' else 3)";
      return await exitCodeIn(learner.name, ['/opt/venv/bin/python', '-c', check]);
    } finally {
      await learner.remove();
    }
  };

  it(
    'installs exactly the lock: a release published between resolve and build does not get in',
    async () => {
      const builder = startBuilder(
        builderArgs(services, repo.url, 'reuse-first', ['--ca-cert', MACHINE_CA_BUNDLE]),
        { ...(await freshStorageEnv()), FLOPS_DOWNLOAD_CACHE: downloads() },
        { timeoutMs: TIMEOUT },
      );
      await builder.waitForLine(
        (line) => line.includes('"phase":"resolve"') && line.includes('Completed step'),
        TIMEOUT,
      );
      await index.publish('flopstestpkg', '1.1');
      const run = await builder.result;
      expect(run.exitCode, run.stdout.slice(-4000)).toBe(0);
      expect(buildahSteps(run).length).toBeGreaterThan(0);
      expect(await versionIn(repo.sha)).toBe(0);
      // The job's folder is gone; uv's cache stayed in the folder --download-cache named.
      expect(await readFile(join(downloads(), 'flops-uv-cache', 'CACHEDIR.TAG'), 'utf8')).toMatch(/^Signature: /);
      expect((await downloaded()).length).toBeGreaterThan(5);
    },
    TIMEOUT,
  );

  it(
    'builds a code-only change in empty storage with no install and the old lock, though a newer release exists',
    async () => {
      const sha = await addCommit(repo, await codeChange('a code-only change'));
      const run = await build('reuse-code-only', await freshStorageEnv());
      expect(buildahSteps(run)).toEqual([]);
      expect(said(run, 'Reused the lock of an earlier build')).toBe(1);
      expect(said(run, 'Reusing the dependency image from the registry')).toBe(2);
      expect(await versionIn(sha)).toBe(0);
    },
    TIMEOUT,
  );

  it(
    "builds a commit that changes only .dockerignore'd files without installing anything",
    async () => {
      await addCommit(repo, { 'data/train.csv': 'x\n1\n' });
      const run = await build('reuse-ignored', await freshStorageEnv());
      expect(buildahSteps(run)).toEqual([]);
    },
    TIMEOUT,
  );

  // Full tier: a second cold install, in a new storage, of the same lock.
  fullTierIt(
    'rebuilds, with a warning, a dependency image that lost a layer in the registry',
    async () => {
      const deps = 'reuse/locked/flops-deps';
      const learnerTag = (await services.registry.listTags(deps)).find((tag) =>
        /^learner-amd64-[0-9a-f]{32}$/.test(tag),
      );
      if (learnerTag === undefined) throw new Error('no learner dependency image');
      const manifest = await services.registry.getManifest(deps, learnerTag);
      const layer = manifest.body.layers?.at(-1)?.digest;
      const gone = await request(`${services.registry.url}/v2/${deps}/blobs/${layer}`, { method: 'DELETE' });
      expect(gone.statusCode).toBe(202);
      await addCommit(repo, await codeChange('another code-only change'));
      const before = await downloaded();
      const run = await build('reuse-damaged', { ...(await freshStorageEnv()), FLOPS_DOWNLOAD_CACHE: downloads() });
      // The same lock again: every wheel came from the kept cache, none was added.
      expect(await downloaded()).toEqual(before);
      // The aggregator's dependency image is built on the learner's: it lost the same layer.
      expect(said(run, 'The dependency image in the registry lacks a layer; building it again')).toBeGreaterThanOrEqual(
        1,
      );
      expect(buildahSteps(run).length).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'locks again, with a warning, when the lock kept in the registry is unreadable',
    async () => {
      const deps = 'reuse/locked/flops-deps';
      const recordTag = (await services.registry.listTags(deps)).find((tag) => /-in-[0-9a-f]{32}$/.test(tag));
      if (recordTag === undefined) throw new Error('no lock record');
      // A record whose config carries no lock (as if written by something else) under the same tag.
      await buildah(['--version']);
      const config = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Labels: {} },
          rootfs: { type: 'layers', diff_ids: [] },
        }),
      );
      const digest = `sha256:${(await import('node:crypto')).createHash('sha256').update(config).digest('hex')}`;
      const start = await request(`${services.registry.url}/v2/${deps}/blobs/uploads/`, { method: 'POST' });
      await start.body.dump();
      const location = new URL(String(start.headers.location), services.registry.url);
      location.searchParams.set('digest', digest);
      await (await request(location, { method: 'PUT', body: config })).body.dump();
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length },
        layers: [],
      });
      const put = await request(`${services.registry.url}/v2/${deps}/manifests/${recordTag}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        body,
      });
      await put.body.dump();
      expect(put.statusCode).toBe(201);
      await addCommit(repo, await codeChange('a third code-only change'));
      // With the release published mid-build withdrawn, the index is as it was at the first lock: locking again must
      // give the same lock, so the dependency images built for it are found again and nothing is installed.
      await index.withdraw('flopstestpkg', '1.1');
      const run = await build('reuse-no-lock', await freshStorageEnv());
      expect(said(run, 'The lock kept in the registry is unreadable; locking again')).toBe(1);
      expect(said(run, 'Reused the lock of an earlier build')).toBe(0);
      expect(said(run, 'Reusing the dependency image from the registry')).toBe(2);
      expect(buildahSteps(run)).toEqual([]);
    },
    TIMEOUT,
  );
});
