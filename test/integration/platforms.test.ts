// Images for linux/amd64 and linux/arm64 under one tag, built without emulation and checked on arm64 under
// user-mode emulation (an unpacked qemu, nothing registered with the kernel) before anything is pushed.

import { readFileSync } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_TOPICS } from '../../src/report/messages.js';
import { type BaseImages, ensureBaseImages } from '../helpers/base-image.js';
import { buildah } from '../helpers/buildah.js';
import { createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { ensureQemu, QEMU_AARCH64 } from '../helpers/qemu.js';
import { type BuilderRun, runBuilder } from '../helpers/run-builder.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { type SimpleIndex, startSimpleIndex } from '../helpers/simple-index.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';
import { fullTierIt } from '../helpers/tier.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const TIMEOUT = 30 * 60_000;
const BOTH = '--supported_platforms=linux/amd64,linux/arm64';
const MLFLOW_CONDA = readFileSync(new URL('../fixtures/mlflow-export/conda.yaml', import.meta.url), 'utf8');

/** `path` of a mounted image with its symbolic links followed inside `root`, as the image would see them. */
async function realPathInside(root: string, path: string): Promise<string> {
  let current = path;
  for (let hop = 0; hop < 40; hop += 1) {
    const host = join(root, current);
    if (!(await lstat(host)).isSymbolicLink()) return host;
    const target = await readlink(host);
    current = posix.normalize(target.startsWith('/') ? target : posix.join(posix.dirname(current), target));
  }
  throw new Error(`too many symbolic links from ${path}`);
}

describe('images for linux/amd64 and linux/arm64', () => {
  let services: PipelineServices;
  let bases: BaseImages;
  let index: SimpleIndex;
  let repo: FixtureRepo;
  let qemuDir: string;

  beforeAll(async () => {
    services = await startPipelineServices();
    bases = await ensureBaseImages(services.registry);
    qemuDir = await ensureQemu();
    index = await startSimpleIndex();
    repo = await createFixtureRepo(services.git, { owner: 'edge', name: 'regression', from: EXAMPLE });
  }, 900_000);

  afterAll(async () => {
    await index?.close();
    await services?.stop();
  });

  const build = (projectId: string, extra: readonly string[], url = repo.url): Promise<BuilderRun> =>
    // A later --base-image wins over the one builderArgs gives.
    runBuilder(
      builderArgs(services, url, projectId, ['--ca-cert', MACHINE_CA_BUNDLE, ...extra]),
      { FLOPS_QEMU_DIR: qemuDir },
      TIMEOUT,
    );
  const failedWith = (run: BuilderRun) => run.logs.find((line) => line.msg === 'Failed step');
  const failureMessage = (run: BuilderRun): string => String((failedWith(run)?.err as { message?: string })?.message);

  /** Runs `code` with the python of the arm64 image `ref`, under qemu, in its mounted root filesystem. */
  async function inArm64(ref: string, code: string): Promise<{ exitCode: number; output: string }> {
    const container = await buildah(['from', '--arch', 'arm64', '--pull=always', '--tls-verify=false', '--quiet', ref]);
    try {
      const root = await buildah(['mount', container]);
      // qemu's -L does not follow an absolute link inside the root: the interpreter's real path is called.
      const python = await realPathInside(root, '/opt/venv/bin/python');
      const site = "import site, glob; site.addsitedir(glob.glob('/opt/venv/lib/python3*/site-packages')[0]); ";
      const result = await execa(QEMU_AARCH64, ['-L', root, python, '-c', site + code], { reject: false, all: true });
      return { exitCode: result.exitCode ?? -1, output: String(result.all) };
    } finally {
      await buildah(['rm', container]).catch(() => '');
    }
  }

  it(
    'pushes each image as an OCI image index of both platforms, the arm64 one checked under emulation first',
    async () => {
      const run = await build('edge-both', [BOTH, '--base-image', bases.debian]);
      expect(run.exitCode, run.stdout.slice(-4000)).toBe(0);
      const success = (
        await services.mqtt.waitFor(
          (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'edge-both',
        )
      ).json();
      expect(success.platforms).toEqual(['linux/amd64', 'linux/arm64']);
      expect(Object.keys(success.learner_image.platforms)).toEqual(['linux/amd64', 'linux/arm64']);
      const index = await services.registry.getManifest('edge/regression/learner', repo.sha);
      expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(index.digest).toBe(success.learner_image.digest);
      for (const platform of ['linux/amd64', 'linux/arm64']) {
        const config = await services.registry.getImageConfig('edge/regression/aggregator', repo.sha, platform);
        expect(`${config.os}/${config.architecture}`).toBe(platform);
      }
      const checked = run.logs.filter((line) => line.msg === 'Checked the image on its platform');
      expect(checked.map((line) => [line.platform, line.method])).toEqual([
        ['linux/arm64', 'qemu'],
        ['linux/arm64', 'qemu'],
      ]);
      const imported = await inArm64(
        `${services.registry.hostPort}/edge/regression/learner:${repo.sha}`,
        'import platform, numpy, flwr; print(platform.machine(), numpy.__version__)',
      );
      expect(imported.exitCode, imported.output).toBe(0);
      expect(imported.output).toContain('aarch64');
    },
    TIMEOUT,
  );

  it(
    'skips a commit whose images hold every platform asked for',
    async () => {
      const run = await build('edge-again', [BOTH, '--base-image', bases.debian]);
      expect(run.exitCode, run.stdout.slice(-2000)).toBe(0);
      expect(run.logs.some((line) => line.msg === 'Skipped step')).toBe(true);
    },
    TIMEOUT,
  );

  // Full tier: another whole arm64 build under emulation, on the other base layout.
  fullTierIt(
    'builds on a base that keeps python in /usr/local, as the python:X.Y-slim images do',
    async () => {
      const usrLocal = await createFixtureRepo(services.git, { owner: 'edge', name: 'usrlocal', from: EXAMPLE });
      const run = await build(
        'edge-usrlocal',
        ['--supported_platforms=linux/arm64', '--base-image', bases.usrLocal],
        usrLocal.url,
      );
      expect(run.exitCode, run.stdout.slice(-4000)).toBe(0);
      const imported = await inArm64(
        `${services.registry.hostPort}/edge/usrlocal/learner:${usrLocal.sha}`,
        'import sys, numpy, flwr; print(sys.base_prefix)',
      );
      expect(imported.exitCode, imported.output).toBe(0);
      expect(imported.output.trim().split('\n').at(-1)).toMatch(/\/usr\/local$/);
    },
    TIMEOUT,
  );

  // Full tier: a third two-platform build, the heaviest (scipy and sklearn checked under emulation).
  fullTierIt(
    'builds an MLflow-exported environment for both platforms, its psutil pin moved for arm64 only',
    async () => {
      // conda.yaml as MLflow's log_model writes it; psutil 5.9.8 has no linux/aarch64 wheel, 6.0.0 is the first.
      const exported = await createFixtureRepo(services.git, {
        owner: 'edge',
        name: 'mlflow-export',
        from: EXAMPLE,
        files: { 'conda.yaml': MLFLOW_CONDA },
      });
      const run = await build('edge-mlflow', [BOTH, '--base-image', bases.debian], exported.url);
      expect(run.exitCode, run.stdout.slice(-4000)).toBe(0);
      const success = (
        await services.mqtt.waitFor(
          (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'edge-mlflow',
        )
      ).json();
      const index = await services.registry.getManifest('edge/mlflow-export/learner', exported.sha);
      expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(Object.keys(success.learner_image.platforms)).toEqual(['linux/amd64', 'linux/arm64']);
      expect(Object.keys(success.aggregator_image.platforms)).toEqual(['linux/amd64', 'linux/arm64']);
      const moved = success.locks.map((lock: { platform: string; moved: string[] }) => [lock.platform, lock.moved]);
      expect(moved).toEqual([
        ['linux/amd64', []],
        ['linux/arm64', [expect.stringMatching(/^linux\/arm64: psutil==5\.9\.8 \(conda\.yaml:11\) moved to 6\.0\.0/)]],
      ]);
      // The images' patch report names the move too, as for every platform's image of the list.
      for (const { digest } of index.body.manifests ?? []) {
        const labels = await services.registry.getConfigLabels('edge/mlflow-export/learner', digest);
        expect(labels['io.flops.patches']).toMatch(
          /; linux\/arm64: psutil==5\.9\.8 \(conda\.yaml:11\) moved to 6\.0\.0/,
        );
      }
      const checked = run.logs.filter((line) => line.msg === 'Checked the image on its platform');
      expect(checked.map((line) => [line.platform, line.method])).toEqual([
        ['linux/arm64', 'qemu'],
        ['linux/arm64', 'qemu'],
      ]);
      const imported = await inArm64(
        `${services.registry.hostPort}/edge/mlflow-export/learner:${exported.sha}`,
        'import platform, psutil, sklearn, scipy, flwr; print(platform.machine(), psutil.__version__)',
      );
      expect(imported.exitCode, imported.output).toBe(0);
      expect(imported.output).toContain('aarch64 6.0.0');
    },
    TIMEOUT,
  );

  it('fails before any build step when the base has no image for a platform asked for, naming it', async () => {
    // A commit of its own: the first test's images of this commit would be skipped before inject.
    const amd64 = await createFixtureRepo(services.git, { owner: 'edge', name: 'amd64-only', from: EXAMPLE });
    const run = await build('edge-no-arm', [BOTH, '--base-image', bases.amd64Only], amd64.url);
    expect(run.exitCode).toBe(13);
    expect(failedWith(run)).toMatchObject({ phase: 'inject', code: 'PLATFORM_UNSUPPORTED' });
    expect(failureMessage(run)).toContain('linux/arm64');
    expect(run.logs.filter((line) => typeof line.buildah === 'string')).toEqual([]);
  });

  it('fails resolve for a package without a wheel for arm64, naming package, version and platform', async () => {
    await index.publish('flopsnative', '1.0', 'py3-none-manylinux_2_17_x86_64');
    const native = await createFixtureRepo(services.git, {
      owner: 'edge',
      name: 'native',
      from: EXAMPLE,
      files: { 'conda.yaml': null, 'requirements.txt': `--extra-index-url ${index.url}\nnumpy==1.26.4\nflopsnative\n` },
    });
    const run = await build('edge-native', [BOTH, '--base-image', bases.debian], native.url);
    expect(run.exitCode).toBe(16);
    const failed = failedWith(run);
    expect(failed).toMatchObject({ phase: 'resolve', code: 'NO_WHEEL_FOR_PLATFORM' });
    expect(failureMessage(run)).toMatch(/^flopsnative 1\.0 has no wheel for linux\/arm64/);
  });

  it('refuses linux/arm/v7 with its arguments, before any phase, saying why', async () => {
    const run = await build('edge-armv7', ['--supported_platforms=linux/amd64,linux/arm/v7']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('linux/arm/v7 is not supported: PyPI has no armv7 wheels');
    expect(failedWith(run)).toBeUndefined();
  });
});
