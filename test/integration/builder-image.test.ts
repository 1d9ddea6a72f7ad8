// The builder as it is deployed: its image, built from the project's Dockerfile, runs the whole job the way
// `docker run --privileged --network host IMAGE <args>` would, buildah inside it building and pushing the images.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_TOPICS, managerTopics } from '../../src/report/messages.js';
import { buildah, imageConfig, runPrivileged } from '../helpers/buildah.js';
import { buildBuilderImage } from '../helpers/builder-image.js';
import { createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { freePort } from '../helpers/ports.js';
import { listTags } from '../helpers/registry-api.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';
import { fullTierIt } from '../helpers/tier.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const PACKAGE = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const ENTRYPOINT = ['/opt/flops-image-builder/bin/flops-image-builder'];
// Inside the container the builder's own buildah starts from empty storage: it pulls the base image and pip installs.
const RUN_TIMEOUT_MS = 15 * 60_000;
const CA_INSIDE = '/etc/flops-test/ca-bundle.pem';

describe('the builder image', () => {
  let services: PipelineServices;
  let repo: FixtureRepo;
  let image: string;
  let container: string;

  beforeAll(async () => {
    services = await startPipelineServices();
    repo = await createFixtureRepo(services.git, { owner: 'deployed', name: 'regression', from: EXAMPLE });
    image = await buildBuilderImage();
    container = await buildah(['from', '--pull=never', '--quiet', image]);
  }, RUN_TIMEOUT_MS);

  afterAll(async () => {
    // The container holds the inner buildah's storage too; removing it removes everything the job left.
    if (container) await buildah(['rm', container]).catch(() => '');
    await services?.stop();
  });

  it('has the CLI as its exec-form entrypoint and no command, so `docker run IMAGE <args>` passes the arguments to it', async () => {
    const config = await imageConfig(image);
    expect(config.Entrypoint).toEqual(ENTRYPOINT);
    expect(config.Cmd ?? []).toEqual([]);
    const version = await runPrivileged(container, [...ENTRYPOINT, '--version'], [], 60_000);
    expect([version.exitCode, version.stdout.trim()]).toEqual([0, PACKAGE.version]);
  });

  // Full tier, with the next test that reuses its dependency images: a cold job inside the image, from an empty
  // storage (the base pulled, every wheel installed).
  fullTierIt(
    'builds and pushes both images from inside a privileged container, reporting over MQTT',
    async () => {
      const args = builderArgs(services, repo.url, 'in-image', ['--ca-cert', CA_INSIDE]);
      const run = await runPrivileged(
        container,
        [...ENTRYPOINT, ...args],
        [`${MACHINE_CA_BUNDLE}:${CA_INSIDE}:ro`],
        RUN_TIMEOUT_MS,
      );
      expect(run.exitCode, run.all.slice(-4000)).toBe(0);

      const success = (
        await services.mqtt.waitFor(
          (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'in-image',
        )
      ).json();
      const learner = `${services.registry.hostPort}/deployed/regression/learner:${repo.sha}`;
      expect(success).toMatchObject({
        skipped: false,
        learner_image: { reference: learner, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
        aggregator_image: { digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      });
      expect(await listTags(services.registry, 'deployed/regression/learner')).toContain(repo.sha);
      expect(await listTags(services.registry, 'deployed/regression/aggregator')).toContain(repo.sha);
      // The observer heard it too: the container shares the host's loopback.
      await services.observer.waitFor((line) => line.startsWith('[in-image] SUCCESS, built and pushed'), 10_000);
    },
    RUN_TIMEOUT_MS,
  );

  fullTierIt(
    "answers the manager's command lines for both plans, run as `python3 main.py …` in its working directory",
    async () => {
      const { WorkingDir } = await imageConfig(image);
      const head = [
        'python3',
        'main.py',
        services.registry.url,
        'in-image-manager',
        `127.0.0.1:${services.broker.port}`,
        `127.0.0.1:${services.observer.port}`,
        '--supported_platforms=linux/amd64',
      ];
      const inWorkdir = { workingDir: WorkingDir ?? '/' };
      // The commit's images exist without a flavor (the test above): with one, they are made again, on the
      // dependency images that test pushed, so nothing is installed.
      const actors = await runPrivileged(
        container,
        [...head, '--base-image', services.baseImage, '--ca-cert', CA_INSIDE, 'fl_actors', repo.url, 'sklearn'],
        [`${MACHINE_CA_BUNDLE}:${CA_INSIDE}:ro`],
        RUN_TIMEOUT_MS,
        inWorkdir,
      );
      expect(actors.exitCode, actors.all.slice(-3000)).toBe(0);
      const success = (
        await services.mqtt.waitFor(
          (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'in-image-manager',
        )
      ).json();
      expect(success).toMatchObject({ skipped: false, ml_model_flavor: 'sklearn' });
      expect(actors.all).toContain('Reusing the dependency image from the registry');
      // trained_model, against a tracking server that is not there: its own topic, its own exit code.
      const modelTopics = managerTopics('trained_model');
      const tracking = `http://127.0.0.1:${await freePort()}`;
      const model = await runPrivileged(
        container,
        [...head, 'trained_model', 'customer-1', tracking, 'a1b2c3d4'],
        [],
        120_000,
        inWorkdir,
      );
      expect(model.exitCode, model.all.slice(-3000)).toBe(17);
      const failed = (
        await services.mqtt.waitFor(
          (m) => m.topic === modelTopics.failed && m.json().flops_project_id === 'in-image-manager',
        )
      ).json();
      expect(failed).toMatchObject({ code: 'TRACKING_SERVER_UNREACHABLE', exit_code: 17 });
    },
    RUN_TIMEOUT_MS,
  );

  it('has the non-root user `builder` ready for rootless builds: subordinate ids, newuidmap, its storage folder', async () => {
    const config = await imageConfig(image);
    // Root stays the default user: the privileged path and the root-owned storage volume.
    expect(config.User ?? '').toBe('');
    const script = [
      'id -u builder',
      'id -g builder',
      'grep "^builder:" /etc/subuid /etc/subgid',
      'stat -c "%U %a" /usr/bin/newuidmap /usr/bin/newgidmap',
      'stat -c "%U" /home/builder/.local/share/containers',
      'command -v qemu-aarch64-static',
    ].join(' && ');
    const run = await runPrivileged(container, ['sh', '-c', script], [], 60_000);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      '1000',
      '1000',
      '/etc/subuid:builder:100000:65536',
      '/etc/subgid:builder:100000:65536',
      'root 4755',
      'root 4755',
      'builder',
      '/usr/bin/qemu-aarch64-static',
    ]);
  });
});
