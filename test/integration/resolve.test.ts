// The resolve phase against the real package index (PyPI, through this machine's network): compatible sets
// resolve, conflicting ones fail naming the conflict, and a full dry run of the builder stops with exit code 16.

import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_TOPICS, progressTopic } from '../../src/report/messages.js';
import { type PipSetup, type ResolveOutcome, resolveSet } from '../../src/resolve/resolve-set.js';
import { PIP_SHIM } from '../../src/resolve/tool-env.js';
import { DEFAULT_INDEX_URL, PIP_VERSION } from '../../src/tools/pip-args.js';
import { pipIndexFromEnv } from '../../src/tools/pip-index.js';
import { ensurePipVenv } from '../../src/tools/pip-venv.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { freePort } from '../helpers/ports.js';
import { runBuilder } from '../helpers/run-builder.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { fullTierIt } from '../helpers/tier.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const FLWR_311 = ['flwr==1.42.0', 'paho-mqtt==2.2.0'];
const PIP_TIMEOUT = 180_000;
// The builder's default place for its pip, so these tests and the builder runs below share one environment.
const VENV = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flops-image-builder', 'pip-venv');
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8' };
const PYPI = { indexUrl: DEFAULT_INDEX_URL, extraIndexUrls: [], trustedHosts: [] };
const BOTH_PLATFORMS = '--supported_platforms=linux/amd64,linux/arm64';
/** A conda.yaml as MLflow exports it, with psutil==5.9.8 (no linux/aarch64 wheel before 6.0.0). */
const MLFLOW_CONDA = readFileSync(new URL('../fixtures/mlflow-export/conda.yaml', import.meta.url), 'utf8');

describe('resolveSet against the real index', () => {
  let tmp: string;
  let pip: PipSetup;
  let round = 0;

  beforeAll(async () => {
    tmp = await makeTempDir('resolve');
    const venv = await ensurePipVenv({
      dir: VENV,
      env: ENV,
      index: PYPI,
      certFile: undefined,
      timeoutMs: PIP_TIMEOUT,
      signal: new AbortController().signal,
    });
    pip = {
      python: venv.python,
      shim: PIP_SHIM,
      env: ENV,
      index: PYPI,
      certFile: undefined,
      signal: new AbortController().signal,
    };
  }, 300_000);

  afterAll(async () => {
    if (tmp) await removeTempDir(tmp);
  });

  const resolve = async (
    python: string,
    requirements: string[],
    packages: string[] = FLWR_311,
    setup: Partial<PipSetup> = {},
    constraints: string[] = [],
  ): Promise<ResolveOutcome> => {
    round += 1;
    const workDir = join(tmp, `set-${round}`);
    await mkdir(workDir);
    return resolveSet(
      { target: { python, architecture: 'amd64' }, requirements, constraints, packages, workDir },
      { ...pip, ...setup },
    );
  };
  const versionOf = (outcome: ResolveOutcome, name: string): string | undefined =>
    outcome.status === 'installable'
      ? outcome.packages.find((item) => item.name.toLowerCase() === name)?.version
      : undefined;

  it(
    'resolves a compatible set, with markers evaluated for the target python',
    async () => {
      const outcome = await resolve('3.11', ['numpy==1.26.4']);
      expect(outcome).toMatchObject({
        status: 'installable',
        pipVersion: PIP_VERSION,
        markerPython: '3.11',
        notChecked: [],
      });
      expect([versionOf(outcome, 'numpy'), versionOf(outcome, 'flwr'), versionOf(outcome, 'paho-mqtt')]).toEqual([
        '1.26.4',
        '1.42.0',
        '2.2.0',
      ]);
    },
    PIP_TIMEOUT,
  );

  it(
    "applies the repo's constraints and its pip option lines",
    async () => {
      const outcome = await resolve('3.11', ['--prefer-binary', 'scipy'], FLWR_311, {}, ['numpy<2']);
      expect(outcome.status).toBe('installable');
      expect(versionOf(outcome, 'numpy')).toMatch(/^1\.26\./);
    },
    PIP_TIMEOUT,
  );

  it(
    'checks for the newest patch release of the python (flwr 1.23 needs python >=3.9.2)',
    async () => {
      const outcome = await resolve('3.9', ['numpy==1.26.4'], ['flwr==1.23.0', 'paho-mqtt==2.2.0']);
      expect(outcome).toMatchObject({ status: 'installable', markerPython: '3.9' });
      expect(versionOf(outcome, 'flwr')).toBe('1.23.0');
    },
    PIP_TIMEOUT,
  );

  it(
    'fails a pin that conflicts with Flower, naming both',
    async () => {
      const outcome = await resolve('3.11', ['protobuf==3.20.3']);
      expect(outcome).toMatchObject({ status: 'conflict', requirements: ['flwr==1.42.0', 'protobuf==3.20.3'] });
      expect(outcome.status === 'conflict' && outcome.causes.join('\n')).toMatch(/flwr 1\.42\.0 depends on protobuf/);
    },
    PIP_TIMEOUT,
  );

  it(
    'fails a transitive conflict, naming the repo requirement rather than its line in the file',
    async () => {
      const outcome = await resolve('3.11', ['numpy==1.26.4', 'tensorflow==2.15.0']);
      expect(outcome).toMatchObject({ status: 'conflict', requirements: ['tensorflow==2.15.0', 'flwr==1.42.0'] });
    },
    PIP_TIMEOUT,
  );

  it(
    'fails a pin no release of which supports the python, listing versions that do',
    async () => {
      const outcome = await resolve('3.10', ['numpy==2.3.0'], ['flwr==1.30.0', 'paho-mqtt==2.2.0']);
      expect(outcome).toMatchObject({ status: 'not-found', requirement: 'numpy==2.3.0', project: 'numpy' });
      expect(outcome.status === 'not-found' && outcome.wheelVersions).toContain('2.2.6');
    },
    PIP_TIMEOUT,
  );

  it(
    'fails a package the index does not have',
    async () => {
      const outcome = await resolve('3.11', ['nmupy-does-not-exist==1.0']);
      expect(outcome).toMatchObject({ status: 'not-found', project: 'nmupy-does-not-exist', wheelVersions: [] });
    },
    PIP_TIMEOUT,
  );

  it(
    'checks the rest without a pin that has only a source release for the python, and says so',
    async () => {
      const outcome = await resolve('3.11', ['numpy==1.21.0', 'pandas==2.2.3']);
      expect(outcome).toMatchObject({
        status: 'installable',
        notChecked: [{ requirement: 'numpy==1.21.0', reason: 'source-only' }],
      });
      expect(versionOf(outcome, 'pandas')).toBe('2.2.3');
    },
    PIP_TIMEOUT,
  );

  it(
    'leaves out the requirement that pulls in a source-only dependency (hydra-core → antlr4)',
    async () => {
      const outcome = await resolve('3.11', ['hydra-core==1.3.2', 'numpy==1.26.4']);
      expect(outcome).toMatchObject({
        status: 'installable',
        notChecked: [{ requirement: 'antlr4-python3-runtime==4.9.*', reason: 'source-only', parent: 'hydra-core' }],
      });
      expect(versionOf(outcome, 'numpy')).toBe('1.26.4');
    },
    PIP_TIMEOUT,
  );

  it(
    'evaluates markers for the target python, not for the python running pip',
    async () => {
      // numpy 1.24.4 has no wheel for 3.12: picking it by the builder's own 3.11 would fail the check.
      const outcome = await resolve('3.12', [
        'numpy==1.24.4; python_version < "3.12"',
        'numpy==1.26.4; python_version >= "3.12"',
      ]);
      expect(outcome).toMatchObject({ status: 'installable', markerPython: '3.12' });
      expect(versionOf(outcome, 'numpy')).toBe('1.26.4');
    },
    PIP_TIMEOUT,
  );

  // Full tier: the largest metadata download of the file; scripts/bench-resolve.mjs times the same set.
  fullTierIt(
    'resolves a torch set from metadata alone (its time is measured by scripts/bench-resolve.mjs)',
    async () => {
      const outcome = await resolve('3.11', ['torch', 'torchvision', 'numpy']);
      expect(outcome.status).toBe('installable');
      expect(versionOf(outcome, 'torch')).toMatch(/^2\./);
      const report = JSON.parse(await readFile(join(tmp, `set-${round}`, 'report-1.json'), 'utf8')) as {
        install: unknown[];
      };
      expect(report.install.length).toBeGreaterThan(20);
    },
    PIP_TIMEOUT,
  );

  it(
    'authenticates to an index through the private netrc, with no credentials on the command line',
    async () => {
      // A PEP 503 index that wants a password and lists one wheel, stored on PyPI's file host.
      const wheel =
        'https://files.pythonhosted.org/packages/b7/ce/149a00dd41f10bc29e5921b496af8b574d8413afcd5e30dfa0ed46c2cc5e/six-1.17.0-py2.py3-none-any.whl';
      const expected = `Basic ${Buffer.from('bob:s3cret/x').toString('base64')}`;
      const server: Server = createServer((request, response) => {
        if (request.headers.authorization !== expected)
          return void response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="t"' }).end();
        if (request.url !== '/simple/six/') return void response.writeHead(404).end();
        response
          .writeHead(200, { 'Content-Type': 'text/html' })
          .end(
            `<a href="${wheel}#sha256=4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274">six-1.17.0-py2.py3-none-any.whl</a>`,
          );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
        const { index, netrc } = pipIndexFromEnv({
          PIP_INDEX_URL: `http://bob:s3cret%2Fx@${host}/simple`,
          PIP_TRUSTED_HOST: host,
        });
        expect(index.indexUrl).toBe(`http://${host}/simple`);
        const netrcFile = join(tmp, 'netrc');
        await writeFile(netrcFile, netrc, { mode: 0o600 });
        const outcome = await resolve('3.11', ['six'], [], { index, env: { ...ENV, NETRC: netrcFile } });
        expect(outcome).toMatchObject({ status: 'installable', packages: [{ name: 'six', version: '1.17.0' }] });
        expect(await resolve('3.11', ['six'], [], { index })).toMatchObject({ status: 'not-found', project: 'six' });
      } finally {
        server.close();
      }
    },
    PIP_TIMEOUT,
  );

  it(
    'reports an index it cannot reach as an index failure',
    async () => {
      const dead = { ...PYPI, indexUrl: `https://127.0.0.1:${await freePort()}/simple` };
      const outcome = await resolve('3.11', ['numpy==1.26.4'], [], { index: dead });
      expect(outcome).toMatchObject({ status: 'index-failed', tls: false });
    },
    PIP_TIMEOUT,
  );
});

describe('ensurePipVenv', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await makeTempDir('pip-venv');
  });

  afterAll(async () => {
    if (tmp) await removeTempDir(tmp);
  });

  it(
    'makes the environment with the pinned pip, keeps it, and remakes a broken one',
    async () => {
      const options = {
        dir: join(tmp, 'venv'),
        env: ENV,
        index: PYPI,
        certFile: undefined,
        timeoutMs: PIP_TIMEOUT,
        signal: new AbortController().signal,
      };
      expect(await ensurePipVenv(options)).toMatchObject({ pipVersion: PIP_VERSION, created: true });
      expect(await ensurePipVenv(options)).toMatchObject({ pipVersion: PIP_VERSION, created: false });
      // Broken as an interrupted upgrade leaves it: pip gone. (Never write to bin/python: it links to the system's python.)
      await rm(join(tmp, 'venv', 'lib'), { recursive: true, force: true });
      expect(await ensurePipVenv(options)).toMatchObject({ pipVersion: PIP_VERSION, created: true });
    },
    2 * PIP_TIMEOUT,
  );
});

describe('the builder with a conflicting pin', () => {
  let services: PipelineServices;

  beforeAll(async () => {
    services = await startPipelineServices();
  }, 600_000);

  afterAll(async () => {
    await services?.stop();
  });

  const condaWith = (pin: string): string =>
    `dependencies:\n- python=3.11.7\n- pip:\n  - numpy==1.26.4\n  - ${pin}\nname: env\n`;
  const forProject = (projectId: string) =>
    services.mqtt.messages.filter((m) => m.topic === progressTopic(projectId)).map((m) => m.json());
  const failedPayload = async (projectId: string) =>
    (
      await services.mqtt.waitFor((m) => m.topic === MANAGER_TOPICS.failed && m.json().flops_project_id === projectId)
    ).json();

  it(
    'stops in resolve with exit code 16 and DEPENDENCY_CONFLICT, before rendering or building anything',
    async () => {
      // A pin no Flower release for python 3.11 accepts, and one major version below what they need (click>=8):
      // neither an older Flower nor a raise within the major version helps.
      const repo = await createFixtureRepo(services.git, {
        owner: 'conflict',
        name: 'click-pin',
        from: EXAMPLE,
        files: { 'conda.yaml': condaWith('click==7.1.2') },
      });
      const run = await runBuilder(builderArgs(services, repo.url, 'resolve-conflict', ['--dry-run']), {}, 5 * 60_000);
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(16);

      const failed = (
        await services.mqtt.waitFor(
          (m) => m.topic === MANAGER_TOPICS.failed && m.json().flops_project_id === 'resolve-conflict',
        )
      ).json();
      expect(failed).toMatchObject({ phase: 'resolve', code: 'DEPENDENCY_CONFLICT', exit_code: 16 });
      expect(String(failed.error_msg)).toMatch(
        /^resolve failed: click==7\.1\.2 and flwr==1\.42\.0 cannot be installed together .*Relax or remove the pin click==7\.1\.2 in conda\.yaml/,
      );
      const events = forProject('resolve-conflict').map((event) => `${event.phase}:${event.state}`);
      expect(events).toEqual([
        'clone:started',
        'clone:done',
        'validate:started',
        'validate:done',
        'patch:started',
        'patch:done',
        'resolve:started',
        'resolve:failed',
      ]);
      expect(run.durationMs).toBeLessThan(120_000);
    },
    6 * 60_000,
  );

  it(
    "raises a pin Flower needs higher within its major version, as upstream's MLflow-written pyyaml 6.0.1, and says so",
    async () => {
      const repo = await createFixtureRepo(services.git, {
        owner: 'raise',
        name: 'pyyaml-pin',
        from: EXAMPLE,
        files: { 'conda.yaml': condaWith('pyyaml==6.0.1') },
      });
      const run = await runBuilder(builderArgs(services, repo.url, 'resolve-raise', ['--dry-run']), {}, 5 * 60_000);
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
      await services.mqtt.waitFor(
        (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'resolve-raise',
      );
      const done = forProject('resolve-raise').find((event) => event.phase === 'resolve' && event.state === 'done');
      expect(done?.detail.versions.flwr).toBe('1.42.0');
      expect(done?.detail.notes.join('\n')).toContain('raised pyyaml==6.0.1 to pyyaml>=6.0.2,<7');
    },
    6 * 60_000,
  );

  it(
    'refuses a hand-written pin without an arm64 wheel in seconds, naming package, version, line, platform, python and the first release with one',
    async () => {
      const repo = await createFixtureRepo(services.git, {
        owner: 'wheels',
        name: 'psutil-pin',
        from: EXAMPLE,
        files: { 'conda.yaml': null, 'requirements.txt': 'numpy==1.26.4\npsutil==5.9.8\n' },
      });
      const run = await runBuilder(
        // Not a dry run: the refusal itself must keep anything from being built.
        builderArgs(services, repo.url, 'wheel-refused', [BOTH_PLATFORMS]),
        {},
        5 * 60_000,
      );
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(16);
      const failed = await failedPayload('wheel-refused');
      expect(failed).toMatchObject({ phase: 'resolve', code: 'NO_WHEEL_FOR_PLATFORM', exit_code: 16 });
      const message = String(failed.error_msg);
      expect(message).toMatch(
        /^resolve failed: psutil 5\.9\.8 \(pinned in requirements\.txt:2\) has no wheel for linux\/arm64 and python 3\.11; the first release of psutil after it that has one is 6\.0\.0\./,
      );
      // Only the missing wheel: no conflict is blamed, and pyyaml (which the wrong message named) is not.
      expect(message).not.toMatch(/conflict|pyyaml/i);
      expect(run.logs.filter((line) => typeof line.buildah === 'string')).toEqual([]);
      const phases = forProject('wheel-refused').map((event) => `${event.phase}:${event.state}`);
      expect(phases.at(-1)).toBe('resolve:failed');
      expect(phases.some((phase) => /^(inject|build|push):/.test(phase))).toBe(false);
      expect(run.durationMs).toBeLessThan(120_000);
    },
    6 * 60_000,
  );

  it(
    'names both a pin without an arm64 wheel and a conflict of the set, each as what it is',
    async () => {
      const repo = await createFixtureRepo(services.git, {
        owner: 'wheels',
        name: 'psutil-and-click',
        from: EXAMPLE,
        files: { 'conda.yaml': null, 'requirements.txt': 'numpy==1.26.4\npsutil==5.9.8\nclick==7.1.2\n' },
      });
      const run = await runBuilder(
        builderArgs(services, repo.url, 'wheel-and-conflict', ['--dry-run', '--supported_platforms=linux/arm64']),
        {},
        5 * 60_000,
      );
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(16);
      const failed = await failedPayload('wheel-and-conflict');
      expect(failed).toMatchObject({ phase: 'resolve', code: 'NO_WHEEL_FOR_PLATFORM' });
      const message = String(failed.error_msg);
      expect(message).toContain('psutil 5.9.8 (pinned in requirements.txt:2) has no wheel for linux/arm64');
      expect(message).toMatch(
        /Besides, with psutil==6\.0\.0, the requirements conflict on linux\/arm64: .*click==7\.1\.2/,
      );
      expect(message).not.toMatch(/psutil==5\.9\.8 and|Relax or remove the pin psutil/);
    },
    6 * 60_000,
  );

  it(
    'moves an MLflow-exported pin without an arm64 wheel for arm64 only, and says so',
    async () => {
      const repo = await createFixtureRepo(services.git, {
        owner: 'wheels',
        name: 'mlflow-export',
        from: EXAMPLE,
        files: { 'conda.yaml': MLFLOW_CONDA },
      });
      const run = await runBuilder(
        builderArgs(services, repo.url, 'wheel-moved', ['--dry-run', BOTH_PLATFORMS]),
        {},
        5 * 60_000,
      );
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
      const success = (
        await services.mqtt.waitFor(
          (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'wheel-moved',
        )
      ).json();
      const done = forProject('wheel-moved').find((event) => event.phase === 'resolve' && event.state === 'done');
      const [amd64, arm64] = done?.detail.locks ?? [];
      expect(amd64).toMatchObject({ platform: 'linux/amd64' });
      expect(amd64.moved).toBeUndefined();
      expect(arm64).toMatchObject({ platform: 'linux/arm64' });
      expect(arm64.moved).toEqual([
        expect.stringMatching(
          /^linux\/arm64: psutil==5\.9\.8 \(conda\.yaml:\d+\) moved to 6\.0\.0 for this platform only/,
        ),
      ]);
      expect(done?.detail.differing_versions).toContain('linux/arm64: psutil 5.9.8 → 6.0.0');
      expect(
        success.locks.map((lock: { platform: string; moved: string[] }) => [lock.platform, lock.moved.length]),
      ).toEqual([
        ['linux/amd64', 0],
        ['linux/arm64', 1],
      ]);
      expect(success.dependency_changes.join('\n')).toContain('linux/arm64: psutil==5.9.8');
      expect(success.dependency_changes.join('\n')).not.toContain('linux/amd64: psutil');
    },
    6 * 60_000,
  );

  it(
    'resolves the example in a dry run and reports what would be installed',
    async () => {
      const repo = await createFixtureRepo(services.git, { owner: 'ok', name: 'resolves', from: EXAMPLE });
      const run = await runBuilder(builderArgs(services, repo.url, 'resolve-ok', ['--dry-run']), {}, 5 * 60_000);
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
      await services.mqtt.waitFor(
        (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'resolve-ok',
      );
      const done = forProject('resolve-ok').find((event) => event.phase === 'resolve' && event.state === 'done');
      expect(done?.detail).toMatchObject({
        verified: true,
        versions: { flwr: '1.42.0', numpy: '1.26.4' },
        python_version: '3.11',
        tool: expect.stringMatching(/^uv \d/),
      });
    },
    6 * 60_000,
  );

  it(
    'skips resolve with --skip-resolve',
    async () => {
      const repo = await createFixtureRepo(services.git, {
        owner: 'conflict',
        name: 'skipped',
        from: EXAMPLE,
        files: { 'conda.yaml': condaWith('requests==2.31.0') },
      });
      const run = await runBuilder(
        builderArgs(services, repo.url, 'resolve-skipped', ['--dry-run', '--skip-resolve']),
        {},
        5 * 60_000,
      );
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
      await services.mqtt.waitFor(
        (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'resolve-skipped',
      );
      expect(forProject('resolve-skipped').find((event) => event.phase === 'resolve')).toMatchObject({
        state: 'skipped',
      });
    },
    6 * 60_000,
  );
});
