// Faults injected into the real parts: registry, broker and observer down before or during a run, SIGTERM in
// the middle of a build. Each run must end as docs/operating.md's table of failures says and leave no process, container or folder.

import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_TOPICS, progressTopic } from '../../src/report/messages.js';
import { buildah, containerFrom, imageContains } from '../helpers/buildah.js';
import { stillRunning, watchProcesses, whileFrozen } from '../helpers/child-processes.js';
import { addCommit, createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { freePort } from '../helpers/ports.js';
import { type BuilderRun, startBuilder } from '../helpers/run-builder.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const CA = ['--ca-cert', MACHINE_CA_BUNDLE];
const BUILD_TIMEOUT = 15 * 60_000;
const GIT_TOKEN = 'ghp_faults-never-show-this-4711';
const REGISTRY_PASSWORD = 'registry-faults-secret-0815';
const isLog =
  (msg: string) =>
  (line: string): boolean =>
    line.startsWith('{') && (JSON.parse(line) as { msg?: string }).msg === msg;

/** How long the job took after its last phase: publishing, the observer, clean-up. */
function endingMs(run: BuilderRun): number {
  const at = (line: Record<string, unknown> | undefined): number => Date.parse(String(line?.time));
  const lastStep = run.logs.filter((line) => /^(Completed|Skipped|Failed) step$/.test(String(line.msg))).at(-1);
  return at(run.logs.find((line) => line.msg === 'Finished')) - at(lastStep);
}

/** Working containers in buildah's storage, by id. */
async function workingContainers(): Promise<string[]> {
  const listed = (JSON.parse((await buildah(['containers', '--json'])) || 'null') as { id: string }[] | null) ?? [];
  return listed.map((container) => container.id).sort();
}

describe('faults', () => {
  let services: PipelineServices;
  let repo: FixtureRepo;
  let sandbox: string;

  beforeAll(async () => {
    services = await startPipelineServices();
    repo = await createFixtureRepo(services.git, { owner: 'faults', name: 'regression', from: EXAMPLE });
    sandbox = await makeTempDir('faults');
  }, 600_000);

  afterAll(async () => {
    await services?.stop();
    if (sandbox) await removeTempDir(sandbox);
  });

  /** Starts the builder with a TMPDIR of its own (so what it leaves there can be checked) and watches its processes. */
  const start = async (
    projectId: string,
    extra: readonly string[],
    env: Record<string, string> = {},
    url = repo.url,
  ) => {
    const tmp = join(sandbox, projectId);
    await mkdir(tmp);
    const builder = startBuilder(
      builderArgs(services, url, projectId, extra),
      { TMPDIR: tmp, ...env },
      { timeoutMs: BUILD_TIMEOUT },
    );
    const processes = watchProcesses(builder.pid, [GIT_TOKEN, REGISTRY_PASSWORD]);
    const finish = async (): Promise<
      BuilderRun & { leftInTmp: string[]; leftRunning: string[]; leaks: readonly string[] }
    > => {
      const run = await builder.result;
      await processes.stop();
      return {
        ...run,
        leftInTmp: await readdir(tmp),
        leftRunning: (await stillRunning(processes.seen.values())).map((proc) => proc.args),
        leaks: processes.leaks,
      };
    };
    return { builder, finish };
  };
  const failedOf = async (projectId: string, timeoutMs = 10_000): Promise<Record<string, unknown>> =>
    (
      await services.mqtt.waitFor(
        (m) => m.topic === MANAGER_TOPICS.failed && m.json().flops_project_id === projectId,
        timeoutMs,
      )
    ).json();
  const progress = (projectId: string, phase: string, state: string) =>
    services.mqtt.waitFor(
      (m) => m.topic === progressTopic(projectId) && m.json().phase === phase && m.json().state === state,
      BUILD_TIMEOUT,
    );

  it('fails clone in seconds with REGISTRY_UNREACHABLE when the registry is down before the run', async () => {
    await services.registry.pause();
    try {
      const { finish } = await start('registry-down', CA);
      const run = await finish();
      expect(run.exitCode, run.stdout.slice(-2000)).toBe(10);
      expect(run.durationMs).toBeLessThan(10_000);
      expect(await failedOf('registry-down')).toMatchObject({
        phase: 'clone',
        code: 'REGISTRY_UNREACHABLE',
        exit_code: 10,
      });
      expect([run.leftInTmp, run.leftRunning]).toEqual([[], []]);
    } finally {
      await services.registry.restart();
    }
  });

  it("never waits long for a broker that is down: the exit code is the build's, what was not delivered is logged", async () => {
    await services.broker.stop();
    try {
      const ok = await (await start('broker-down', ['--dry-run'])).finish();
      expect(ok.exitCode, ok.stdout.slice(-2000)).toBe(0);
      // Before, every message waited out its own 10 s; now a dead broker costs one wait of 2 s
      // (the margin is for a loaded machine, not for a second wait).
      expect(endingMs(ok)).toBeLessThan(6_000);
      expect(
        ok.logs
          .filter(
            (line) => line.msg === 'MQTT message not delivered: the broker did not acknowledge it before the job ended',
          )
          .map((line) => line.topic),
      ).toContain(MANAGER_TOPICS.success);

      const bad = await createFixtureRepo(services.git, {
        owner: 'faults',
        name: 'no-model',
        from: EXAMPLE,
        files: { 'model_manager.py': null },
      });
      const failed = await (await start('broker-down-bad-repo', [], {}, bad.url)).finish();
      expect(failed.exitCode).toBe(11);
      expect(endingMs(failed)).toBeLessThan(6_000);
      expect([failed.leftInTmp, failed.leftRunning]).toEqual([[], []]);
    } finally {
      await services.broker.restart();
      await services.mqtt.subscribed();
    }
  });

  it('does not slow down when the observer is absent', async () => {
    const absent = builderArgs(services, repo.url, 'observer-absent', ['--dry-run']);
    absent[5] = `127.0.0.1:${await freePort()}`;
    const tmp = join(sandbox, 'observer-absent');
    await mkdir(tmp);
    const run = await startBuilder(absent, { TMPDIR: tmp }).result;
    expect(run.exitCode).toBe(0);
    expect(endingMs(run)).toBeLessThan(3_000);
    // No phase waited for it: each phase's events are a few milliseconds apart, as with an observer.
    const durations = run.logs
      .filter((line) => line.msg === 'Completed step' && line.phase !== 'resolve')
      .map((line) => Number(line.elapsed_ms));
    expect(Math.max(...durations)).toBeLessThan(5_000);
    await services.mqtt.waitFor(
      (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'observer-absent',
    );
  });

  it("stops at the job's deadline with TIMED_OUT in the phase it reached, killing what ran", async () => {
    const { finish } = await start('deadline', [...CA, '--deadline', '2']);
    const run = await finish();
    const failed = await failedOf('deadline');
    expect(failed).toMatchObject({ code: 'TIMED_OUT' });
    expect(run.exitCode).toBe(failed.exit_code);
    expect(String(failed.error_msg)).toContain('--deadline');
    expect(run.durationMs).toBeLessThan(2_000 + 10_000);
    expect([run.leftInTmp, run.leftRunning]).toEqual([[], []]);
  });

  it(
    'builds and pushes through a broker outage and a registry restart during push, with no secret on any command line',
    async () => {
      const sha = await addCommit(repo, { 'notes.md': 'outage run\n' });
      const workdir = join(sandbox, 'outage-work');
      const containersBefore = await workingContainers();
      const { builder, finish } = await start('outage', [...CA, '--workdir', workdir], {
        GIT_TOKEN,
        REGISTRY_USERNAME: 'flops-ci',
        REGISTRY_PASSWORD,
      });

      // The registry's outage starts the moment the first push does, whatever the broker's is doing then (before, it
      // waited for the broker's outage to end, and a push could end in that time). The job is frozen while the
      // registry stops, so that push cannot end first on a slow machine.
      const registryOutage = (async () => {
        await builder.waitForLine(isLog('Pushing image'), BUILD_TIMEOUT);
        await whileFrozen(builder.pid, () => services.registry.pause());
        await sleep(3_000);
        await services.registry.restart();
      })();
      registryOutage.catch(() => {}); // awaited below; a failure before then is not an unhandled rejection
      await progress('outage', 'build', 'started');
      await services.broker.stop();
      await sleep(2_000);
      await services.broker.restart();
      await services.mqtt.subscribed();
      await registryOutage;

      const run = await finish();
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
      expect(run.logs.some((line) => line.msg === 'Push failed for now; retrying')).toBe(true);
      const success = (
        await services.mqtt.waitFor(
          (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'outage',
          15_000,
        )
      ).json();
      expect(success).toMatchObject({ commit_sha: sha, learner_image: { digest: expect.stringMatching(/^sha256:/) } });
      expect(await services.registry.listTags('faults/regression/learner')).toContain(sha);
      expect(await services.registry.listTags('faults/regression/aggregator')).toContain(sha);

      // Secrets: on no command line while it ran, in no log, payload, observer line or .git/config.
      expect(run.leaks).toEqual([]);
      for (const secret of [GIT_TOKEN, REGISTRY_PASSWORD]) {
        expect(run.stdout + run.stderr).not.toContain(secret);
        expect(services.mqtt.messages.map((m) => m.payload).join('\n')).not.toContain(secret);
        expect(services.observer.lines.join('\n')).not.toContain(secret);
      }
      expect(await readFile(join(workdir, 'repo', '.git', 'config'), 'utf8')).not.toContain(GIT_TOKEN);
      const learner = await containerFrom(success.learner_image.reference);
      try {
        expect(await imageContains(learner.name, GIT_TOKEN)).toBe(false);
        expect(await imageContains(learner.name, REGISTRY_PASSWORD)).toBe(false);
      } finally {
        await learner.remove();
      }
      // Clean: no process of the job, no working container, only the kept --workdir.
      expect([run.leftInTmp, run.leftRunning]).toEqual([[], []]);
      expect(await workingContainers()).toEqual(containersBefore);
    },
    BUILD_TIMEOUT,
  );

  it(
    'fails push with PUSH_FAILED after bounded retries when the registry goes away before it, pushes nothing, and prunes',
    async () => {
      const sha = await addCommit(repo, { 'notes.md': 'registry gone run\n' });
      // --force builds the dependency images too (not reused from the registry). They are assembled in the
      // registry; once they are ready, the job needs the registry no more until it pushes.
      const { builder, finish } = await start('registry-gone', [...CA, '--prune-images', '--force']);
      await builder.waitForLine(isLog('The dependency images are ready'), BUILD_TIMEOUT);
      await services.registry.pause();
      let run: Awaited<ReturnType<typeof finish>>;
      try {
        run = await finish();
      } finally {
        await services.registry.restart();
      }
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(15);
      const failed = await failedOf('registry-gone');
      expect(failed).toMatchObject({ phase: 'push', code: 'PUSH_FAILED', exit_code: 15 });
      // 3 retries, 2 + 4 + 8 s apart.
      expect(run.logs.filter((line) => line.msg === 'Push failed for now; retrying')).toHaveLength(3);
      const pushMs = (failed.durations_ms as Record<string, number>).push ?? Infinity;
      expect(pushMs).toBeGreaterThanOrEqual(14_000);
      expect(pushMs).toBeLessThan(40_000);
      console.info(`registry gone before push: push failed after ${pushMs} ms`);
      expect(await services.registry.listTags('faults/regression/learner')).not.toContain(sha);
      expect(await services.registry.listTags('faults/regression/aggregator')).not.toContain(sha);
      const local = await buildah(['images', '--format', '{{.Name}}:{{.Tag}}']);
      expect(local).not.toContain(sha);
      expect([run.leftInTmp, run.leftRunning]).toEqual([[], []]);
    },
    BUILD_TIMEOUT,
  );

  it(
    'stops at SIGTERM in the middle of a build: children killed, CANCELLED published, containers and folders removed, exit 143',
    async () => {
      // Another numpy release is another lock: no dependency image holds it, so the installer really runs.
      await addCommit(repo, {
        'conda.yaml': (await readFile(join(EXAMPLE, 'conda.yaml'), 'utf8')).replace('numpy==1.26.4', 'numpy==1.26.3'),
      });
      const containersBefore = await workingContainers();
      const { builder, finish } = await start('sigterm', CA);
      await builder.waitForLine((line) => /STEP \d+\/\d+: RUN .*pip install/.test(line), BUILD_TIMEOUT);
      await sleep(2_000);
      const signalled = performance.now();
      builder.kill('SIGTERM');
      // A second signal must not skip the clean-up.
      await sleep(300);
      builder.kill('SIGTERM');
      const run = await finish();
      const stopMs = Math.round(performance.now() - signalled);

      expect(run.exitCode, run.stdout.slice(-3000)).toBe(143);
      expect(stopMs).toBeLessThan(20_000);
      expect(await failedOf('sigterm')).toMatchObject({ phase: 'build', code: 'CANCELLED', exit_code: 143 });
      expect(run.leftRunning).toEqual([]);
      expect(run.leftInTmp).toEqual([]);
      expect(await workingContainers()).toEqual(containersBefore);
      const removed = run.logs.find((line) => line.msg === 'Removed working containers the build left')?.containers;
      console.info(
        `SIGTERM to exit: ${stopMs} ms; working containers the builder removed: ${JSON.stringify(removed ?? [])}`,
      );
    },
    BUILD_TIMEOUT,
  );
});
