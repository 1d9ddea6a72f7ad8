// --sif end to end: the example repo's learner and aggregator built with --sif, each image's SIF pushed as Apptainer's
// ORAS push stores one, then looked at with siftool and its runscript run from the unpacked squashfs. Apptainer itself
// is not installable here: the files are checked against what its SIF library and runscript write.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_TOPICS } from '../../src/report/messages.js';
import { dockerEnv, runscript } from '../../src/sif/singularity-d.js';
import { createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { type BuilderRun, runBuilder } from '../helpers/run-builder.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';
import { FULL_TIER } from '../helpers/tier.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
const tool = (file: string, args: readonly string[]) =>
  execa(file, [...args], { env: ENV, extendEnv: false, reject: false, all: true, timeout: 300_000 });

// Full tier, the whole file: its one build converts both images (mksquashfs at gzip level 9 is most of its time);
// the core tier has the SIF writer's unit tests.
describe.runIf(FULL_TIER)('--sif', () => {
  let services: PipelineServices;
  let repo: FixtureRepo;
  let tmp: string;
  let build: BuilderRun;
  const workdir = () => join(tmp, 'work');

  beforeAll(async () => {
    services = await startPipelineServices();
    tmp = await makeTempDir('sif');
    // One pin more than the example's: its own locks and install stages, apart from other tests' builds of the example
    // on the same storage at the same time.
    const conda = (await readFile(join(EXAMPLE, 'conda.yaml'), 'utf8')).replace(
      '  - numpy==1.26.4',
      '  - numpy==1.26.4\n  - six==1.16.0',
    );
    repo = await createFixtureRepo(services.git, {
      owner: 'hpc',
      name: 'numpy-regression',
      from: EXAMPLE,
      files: { 'conda.yaml': conda },
    });
    build = await runBuilder(
      builderArgs(services, repo.url, 'sif-build', ['--sif', '--workdir', workdir(), '--ca-cert', MACHINE_CA_BUNDLE]),
      {},
      30 * 60_000,
    );
  }, 40 * 60_000);

  afterAll(async () => {
    await services?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  it('converts between build and push, and pushes each SIF as an ORAS artifact whose bytes are the file', async () => {
    expect(build.exitCode, build.stdout.slice(-4000)).toBe(0);
    const convert = await services.mqtt.waitFor(
      (m) => m.topic.endsWith('/image_builder') && m.json().phase === 'convert' && m.json().state === 'done',
    );
    expect(convert.json().detail.sif_files.map((file: { name: string }) => file.name)).toEqual([
      'learner-amd64.sif',
      'aggregator-amd64.sif',
    ]);
    const order = services.mqtt.messages
      .filter((m) => m.topic.endsWith('/image_builder') && m.json().state === 'started')
      .map((m) => m.json().phase);
    expect(order.slice(-4)).toEqual(['build', 'imports', 'convert', 'push']);
    const status = (await services.mqtt.waitFor((m) => m.topic.endsWith('/image_builder/status'))).json();
    expect(Object.keys(status.durations_ms)).toContain('convert');
    await services.observer.waitFor((line) => line.includes('[sif-build] convert done'));

    const success = (await services.mqtt.waitFor((m) => m.topic === MANAGER_TOPICS.success)).json();
    for (const role of ['learner', 'aggregator']) {
      const repository = `hpc/numpy-regression/${role}`;
      const reference = `${services.registry.hostPort}/${repository}:${repo.sha}-sif`;
      expect(success[`${role}_image`].sif['linux/amd64'].reference).toBe(reference);
      const manifest = await services.registry.getManifest(repository, `${repo.sha}-sif`);
      expect(manifest.body.config?.mediaType).toBe('application/vnd.sylabs.sif.config.v1+json');
      expect(manifest.body.layers).toHaveLength(1);
      const [layer] = manifest.body.layers ?? [];
      expect(layer).toMatchObject({
        mediaType: 'application/vnd.sylabs.sif.layer.v1.sif',
        annotations: { 'org.opencontainers.image.title': `${role}-amd64.sif` },
      });
      const pulled = await request(`${services.registry.url}/v2/${repository}/blobs/${layer?.digest}`, {
        maxRedirections: 3,
      });
      const bytes = Buffer.from(await pulled.body.arrayBuffer());
      const made = await readFile(join(workdir(), 'sif', `${role}-amd64.sif`));
      expect(bytes.length).toBe(made.length);
      expect(bytes.equals(made)).toBe(true);
    }
  });

  it('writes what Apptainer writes: the launch script, the definition, the metadata and the primary squashfs', async () => {
    const file = join(workdir(), 'sif', 'learner-amd64.sif');
    expect((await readFile(file)).subarray(0, 31).toString()).toBe('#!/usr/bin/env run-singularity\n');
    const list = await tool('siftool', ['list', file]);
    expect(list.exitCode, list.all).toBe(0);
    const rows = String(list.all)
      .split('\n')
      .filter((line) => /^\d+\s+\|/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(rows.map((row) => [row[0], row[1], row[4]])).toEqual([
      ['1', '1', 'Def.FILE'],
      ['2', '1', 'JSON.Generic'],
      ['3', '1', 'FS (Squashfs/*System/amd64)'],
    ]);
    const header = await tool('siftool', ['header', file]);
    expect(header.all).toMatch(/Primary Architecture:\s+amd64/);
    const metadata = JSON.parse(String((await tool('siftool', ['dump', '2', file])).stdout));
    expect(metadata.data.attributes.labels['org.opencontainers.image.title']).toBe('FLOps learner');
  });

  it("runs the learner's entry point from the runscript of the unpacked squashfs", async () => {
    const file = join(workdir(), 'sif', 'learner-amd64.sif');
    const squashfs = join(tmp, 'learner.squashfs');
    const root = join(tmp, 'learner-root');
    const dumped = await execa('sh', ['-c', 'siftool dump 3 "$1" > "$2"', 'sh', file, squashfs], {
      env: ENV,
      extendEnv: false,
    });
    expect(dumped.exitCode).toBe(0);
    const unpacked = await tool('unsquashfs', ['-no-progress', '-d', root, squashfs]);
    expect(unpacked.exitCode, unpacked.all).toBe(0);
    // /.singularity.d made from the config of the image that was pushed, not from one of its own.
    const { config } = await services.registry.getImageConfig('hpc/numpy-regression/learner', repo.sha);
    const singularityD = (path: string) => readFile(join(root, '.singularity.d', path), 'utf8');
    const labels = JSON.parse(await singularityD('labels.json'));
    expect(labels).toEqual(config.Labels);
    expect(labels['org.opencontainers.image.revision']).toBe(repo.sha);
    expect(await singularityD('runscript')).toBe(runscript(config.Entrypoint ?? [], config.Cmd ?? []));
    const env = await singularityD('env/10-docker2singularity.sh');
    expect(env).toBe(dockerEnv(config.Env ?? []));
    expect(env).toContain("export PATH='/opt/venv/bin:");
    expect(env).toContain('export FLOPS_REPO_DIR="${FLOPS_REPO_DIR:-"/app"}"');
    // The image's files with their owners: the repo is the FLOps user's, the WORKDIR holds the manager's main.py.
    expect((await stat(join(root, 'app'))).uid).toBe(10001);
    expect((await stat(join(root, config.WorkingDir ?? '/nowhere', 'main.py'))).isFile()).toBe(true);
    // As `apptainer run` does: the environment scripts, then the runscript; the learner without arguments shows usage.
    const run = await tool('chroot', [root, '/.singularity.d/actions/run']);
    expect(run.exitCode).toBe(2);
    expect(run.all).toContain('usage: main.py');
    expect(run.all).toContain('project_id mqtt_ip observer aggregator [data_tags]');
  });
});
