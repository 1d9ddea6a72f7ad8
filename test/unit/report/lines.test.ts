import { describe, expect, it } from 'vitest';
import { failedLine, phaseLine, startedLine, successLine } from '../../../src/report/lines.js';
import type {
  FailedPayload,
  FlActorsSuccessPayload,
  PhaseEvent,
  StartedPayload,
  TrainedModelSuccessPayload,
} from '../../../src/report/messages.js';

function event(change: Partial<PhaseEvent>): PhaseEvent {
  return { flops_project_id: 'p1', phase: 'build', state: 'started', elapsed_ms: 0, detail: '', ...change };
}

describe('phaseLine', () => {
  it.each<[Partial<PhaseEvent>, string]>([
    [{ state: 'started' }, '[p1] build started'],
    [{ state: 'started', detail: 'from cache' }, '[p1] build started: from cache'],
    [
      { state: 'done', elapsed_ms: 42_149, detail: { summary: 'images built for amd64' } },
      '[p1] build done in 42.1 s: images built for amd64',
    ],
    [{ state: 'done', elapsed_ms: 50, detail: {} }, '[p1] build done in 0.1 s'],
    [{ state: 'done', elapsed_ms: 1000, detail: { summary: 42 } }, '[p1] build done in 1.0 s'],
    [{ phase: 'push', state: 'skipped', detail: 'images exist' }, '[p1] push skipped: images exist'],
    [{ phase: 'push', state: 'skipped', detail: '' }, '[p1] push skipped'],
    [
      { state: 'failed', elapsed_ms: 1500, detail: 'buildah exited with code 1' },
      '[p1] build FAILED after 1.5 s: buildah exited with code 1',
    ],
  ])('%j → %j', (change, line) => {
    expect(phaseLine(event(change))).toBe(line);
  });

  it('says why a phase failed when the detail is the pipeline failure object', () => {
    const line = phaseLine(
      event({
        state: 'failed',
        elapsed_ms: 2000,
        detail: { code: 'BUILD_FAILED', error_msg: 'buildah exited with code 1' },
      }),
    );
    expect(line).toBe('[p1] build FAILED after 2.0 s: buildah exited with code 1');
  });
});

const SUCCESS: FlActorsSuccessPayload = {
  flops_project_id: 'p1',
  commit_sha: 'abc',
  ml_model_flavor: 'sklearn',
  platforms: ['linux/amd64'],
  skipped: false,
  skip_reason: null,
  learner_image: { reference: 'r/a/b/learner:abc', digest: 'sha256:1' },
  aggregator_image: { reference: 'r/a/b/aggregator:abc', digest: 'sha256:2' },
  python_version: '3.11',
  flwr_version: '1.42.0',
  architecture: 'amd64',
  builder_version: '0.1.0',
  durations_ms: {},
  total_ms: 61_000,
  locks: [],
  dependency_changes: [],
  name_adjusted: null,
};

describe('successLine', () => {
  it.each<[Partial<FlActorsSuccessPayload>, string]>([
    [{}, '[p1] SUCCESS, built and pushed in 61.0 s: r/a/b/learner:abc and r/a/b/aggregator:abc'],
    [
      { skipped: true, skip_reason: 'images exist' },
      '[p1] SUCCESS, nothing to build (images exist): r/a/b/learner:abc and r/a/b/aggregator:abc',
    ],
    [
      { skipped: true, skip_reason: null },
      '[p1] SUCCESS, nothing to build (images exist): r/a/b/learner:abc and r/a/b/aggregator:abc',
    ],
  ])('%j → %j', (change, line) => {
    expect(successLine({ ...SUCCESS, ...change })).toBe(line);
  });

  it('names the serving image of a trained model', () => {
    const payload: TrainedModelSuccessPayload = {
      flops_project_id: 'p1',
      run_id: 'r1',
      skipped: false,
      skip_reason: null,
      trained_model_image: { reference: 'r/admin/trained_model:r1', digest: 'sha256:3' },
      ml_model_flavor: 'sklearn',
      platforms: ['linux/amd64'],
      python_version: '3.10',
      builder_version: '0.1.0',
      durations_ms: {},
      total_ms: 2_000,
      locks: [],
      dependency_changes: [],
    };
    expect(successLine(payload)).toBe('[p1] SUCCESS, built and pushed in 2.0 s: r/admin/trained_model:r1');
  });
});

describe('startedLine', () => {
  const started: StartedPayload = {
    flops_project_id: 'p1',
    plan: 'fl_actors',
    repo_url: 'https://h/a/b',
    ml_model_flavor: 'keras',
    platforms: ['linux/amd64', 'linux/arm64'],
    registry: 'r:5073',
    builder_version: '0.1.0',
    phases: ['clone'],
  };
  it.each<[Partial<StartedPayload>, string]>([
    [
      {},
      '[p1] image builder 0.1.0 started: learner and aggregator images of https://h/a/b, keras model, for linux/amd64 and linux/arm64',
    ],
    [
      { plan: 'trained_model', repo_url: undefined, run_id: 'r1', ml_model_flavor: null, platforms: ['linux/amd64'] },
      '[p1] image builder 0.1.0 started: the serving image of MLflow run r1, for linux/amd64',
    ],
  ])('%j → %j', (change, line) => {
    expect(startedLine({ ...started, ...change })).toBe(line);
  });
});

describe('failedLine', () => {
  const failed: FailedPayload = {
    flops_project_id: 'p1',
    phase: 'clone',
    code: 'REF_NOT_FOUND',
    exit_code: 10,
    error_msg: 'clone failed: no branch "x"',
    durations_ms: {},
    total_ms: 5,
  };
  it.each<[Partial<FailedPayload>, string]>([
    [{}, '[p1] FAILED in phase clone (exit code 10): clone failed: no branch "x"'],
    [{ phase: null, exit_code: 1, error_msg: 'no work folder' }, '[p1] FAILED (exit code 1): no work folder'],
  ])('%j → %j', (change, line) => {
    expect(failedLine({ ...failed, ...change })).toBe(line);
  });
});
