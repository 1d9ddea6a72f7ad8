import { describe, expect, it } from 'vitest';
import { lockDigest, readLock } from '../../../src/deps/lock.js';
import { PipelineError } from '../../../src/errors.js';
import { deriveImageNames } from '../../../src/images/image-names.js';
import { LABELS } from '../../../src/images/labels.js';
import { failedPayload, startedPayload } from '../../../src/outcome/common.js';
import { flActorsSuccess } from '../../../src/outcome/fl-actors.js';
import type { FlActorsResults as PhaseResults } from '../../../src/plans/fl-actors.js';
import type { Finished } from '../../../src/plans/plan.js';
import { run } from '../../helpers/load-config.js';

type Done = Partial<PhaseResults>;

const config = run([
  'https://git:repo-pass-1@github.com/Alice/My%20Repo',
  'registry:5000',
  'proj-1',
  'broker',
  'observer',
]);
const SHA = 'abc123';
const images = deriveImageNames(config.repo, config.registry.hostPort, SHA);

const clone: PhaseResults['clone'] = {
  kind: 'git',
  repoDir: '/w/repo',
  commitSha: SHA,
  commitDate: undefined,
  images,
  existing: undefined,
};
const patch: PhaseResults['patch'] = {
  python: '3.11',
  baseImage: 'base:3.11',
  flwrVersion: '1.42.0',
  purpose: 'fl',
  runtimePins: ['flwr==1.42.0', 'paho-mqtt==2.2.0'],
  aggregatorPins: ['mlflow<3'],
  installer: 'pip',
  requirements: [],
  pipOptions: [],
  constraints: [],
  condaEnvironment: undefined,
  patches: [],
  sources: {},
  snapshot: undefined,
};
const push: PhaseResults['push'] = {
  learner: { reference: images.learner, digest: 'sha256:pushed-l' },
  aggregator: { reference: images.aggregator, digest: 'sha256:pushed-a' },
};

const success = (done: Done, skipReason: string | null): Finished<PhaseResults> => ({
  done,
  durations: { clone: 5 },
  skipReason,
});

describe('startedPayload', () => {
  it('names the project, the repo without credentials, the registry, the version and the phases', () => {
    expect(startedPayload(config, '0.1.0')).toEqual({
      flops_project_id: 'proj-1',
      plan: 'fl_actors',
      repo_url: 'https://github.com/Alice/My%20Repo',
      ml_model_flavor: null,
      platforms: ['linux/amd64'],
      registry: 'registry:5000',
      builder_version: '0.1.0',
      phases: ['clone', 'validate', 'patch', 'resolve', 'inject', 'build', 'imports', 'convert', 'push'],
    });
  });
});

describe('flActorsSuccess', () => {
  it('reports freshly pushed images', () => {
    const payload = flActorsSuccess(config, success({ clone, patch, push }, null), '0.1.0', 900);
    expect(payload).toEqual({
      flops_project_id: 'proj-1',
      commit_sha: SHA,
      skipped: false,
      skip_reason: null,
      learner_image: { reference: 'registry:5000/alice/my-repo/learner:abc123', digest: 'sha256:pushed-l' },
      aggregator_image: { reference: 'registry:5000/alice/my-repo/aggregator:abc123', digest: 'sha256:pushed-a' },
      ml_model_flavor: null,
      platforms: ['linux/amd64'],
      python_version: '3.11',
      flwr_version: '1.42.0',
      architecture: 'amd64',
      builder_version: '0.1.0',
      durations_ms: { clone: 5 },
      total_ms: 900,
      name_adjusted: { from: 'Alice/My Repo', to: 'alice/my-repo' },
      locks: [],
      dependency_changes: [],
    });
  });

  it("names every platform's lock and the pins moved for one platform only", () => {
    const lock = (platform: string, text: string, moved: string[]) => ({
      platform,
      base: readLock(text),
      extras: readLock(''),
      unlocked: [],
      moved,
      inputsHash: 'h',
      reused: false,
      differs: [],
    });
    const moved = ['linux/arm64: psutil==5.9.8 (conda.yaml:9) moved to 6.0.0 for this platform only'];
    const resolve = {
      verified: true,
      python: '3.11',
      locks: [lock('linux/amd64', 'psutil==5.9.8\n', []), lock('linux/arm64', 'psutil==6.0.0\n', moved)],
      checkedPackages: [],
      notChecked: [],
      notes: moved,
      tool: 'uv',
    };
    const payload = flActorsSuccess(config, success({ clone, patch, resolve, push }, null), '0.1.0', 900);
    expect(payload.locks).toEqual([
      { platform: 'linux/amd64', digest: lockDigest(readLock('psutil==5.9.8\n')), reused: false, moved: [] },
      { platform: 'linux/arm64', digest: lockDigest(readLock('psutil==6.0.0\n')), reused: false, moved },
    ]);
    expect(payload.dependency_changes).toEqual(moved);
  });

  it('reports the images found in the registry when the rest was skipped', () => {
    const existing = {
      learner: {
        digest: 'sha256:old-l',
        labels: { [LABELS.pythonVersion]: '3.10', [LABELS.flwrVersion]: '1.42.0' },
        architecture: 'arm64',
        platforms: ['linux/arm64'],
      },
      aggregator: { digest: 'sha256:old-a', labels: {}, architecture: 'arm64', platforms: ['linux/arm64'] },
    };
    const payload = flActorsSuccess(config, success({ clone: { ...clone, existing } }, 'images exist'), '0.1.0', 40);
    expect(payload).toMatchObject({
      skipped: true,
      skip_reason: 'images exist',
      learner_image: { reference: images.learner, digest: 'sha256:old-l' },
      aggregator_image: { reference: images.aggregator, digest: 'sha256:old-a' },
      python_version: '3.10',
      flwr_version: '1.42.0',
      architecture: 'arm64',
    });
  });

  it('reports a dry run with the image names and no digests', () => {
    const payload = flActorsSuccess(config, success({ clone, patch }, 'dry run'), '0.1.0', 40);
    expect(payload).toMatchObject({
      skipped: true,
      skip_reason: 'dry run',
      learner_image: { reference: images.learner, digest: '' },
      aggregator_image: { reference: images.aggregator, digest: '' },
      python_version: '3.11',
      architecture: 'amd64',
    });
  });

  it('refuses a success without a clone', () => {
    expect(() => flActorsSuccess(config, success({}, null), '0.1.0', 1)).toThrow();
  });
});

describe('failedPayload', () => {
  it.each([
    [
      new PipelineError('BUILD_FAILED', 'build', 'buildah exited with code 1'),
      'build',
      'BUILD_FAILED',
      14,
      'build failed: buildah exited with code 1',
    ],
    [
      new PipelineError('CANCELLED', 'push', 'cancelled', { exitCode: 143 }),
      'push',
      'CANCELLED',
      143,
      'push failed: cancelled',
    ],
    [undefined, null, 'INTERNAL', 1, 'the builder could not prepare its work folders'],
  ])('%s → phase %j, code %s, exit %i', (error, phase, code, exitCode, message) => {
    expect(
      failedPayload(config.projectId, error, 'the builder could not prepare its work folders', { clone: 3 }, 77),
    ).toEqual({
      flops_project_id: 'proj-1',
      phase,
      code,
      exit_code: exitCode,
      error_msg: message,
      durations_ms: { clone: 3 },
      total_ms: 77,
    });
  });
});
