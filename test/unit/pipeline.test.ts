import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import {
  CommandError,
  type ErrorCode,
  PhaseError,
  type PhaseName,
  PipelineError,
  StopReason,
} from '../../src/errors.js';
import type { Job } from '../../src/job.js';
import { runPipeline, STOP_GRACE_MS } from '../../src/pipeline.js';
import type { Plan, PlanPhase } from '../../src/plans/plan.js';
import type { PhaseEvent } from '../../src/report/messages.js';
import type { Reporter } from '../../src/report/reporter.js';

const invocation = loadConfig(['https://h/alice/mnist', 'http://registry:5000', 'proj-1', 'broker', 'observer'], {});
if (invocation.kind !== 'run') throw new Error('test config did not load');
const config = invocation.config;

function fakeJob(signal: AbortSignal = new AbortController().signal): Job {
  const log = pino({ level: 'debug' }, { write: () => undefined });
  return { config, signal, log } as unknown as Job;
}

function recordingReporter(): Reporter & { events: PhaseEvent[] } {
  const events: PhaseEvent[] = [];
  return {
    events,
    started: () => undefined,
    phase: (event) => void events.push(event),
    success: () => undefined,
    failed: () => undefined,
    close: async () => undefined,
  };
}

type Results = Record<PhaseName, unknown>;
type Done = Partial<Results>;

interface FakeOptions {
  readonly run?: (job: Job, done: Done) => Promise<unknown>;
  readonly failureCode?: ErrorCode;
  readonly skipRest?: string;
}

type FakePhase = PlanPhase<Results, PhaseName> & { readonly name: PhaseName; run: ReturnType<typeof vi.fn> };

function fakePhase(name: PhaseName, options: FakeOptions = {}): FakePhase {
  const run = vi.fn(options.run ?? (async () => ({ from: name })));
  return {
    name,
    failureCode: options.failureCode ?? 'INTERNAL',
    run,
    describe: () => ({ summary: `${name} ok` }),
    ...(options.skipRest === undefined ? {} : { skipRest: () => options.skipRest }),
  };
}

/** A plan of just these phases, in this order (a test may run any subset of the phase names). */
function planOf(phases: readonly FakePhase[]): Plan<Results> {
  return {
    name: 'fl_actors',
    order: phases.map((phase) => phase.name),
    phases: Object.fromEntries(phases.map((phase) => [phase.name, phase])),
  } as unknown as Plan<Results>;
}

const states = (events: PhaseEvent[]): string[] => events.map((event) => `${event.phase}:${event.state}`);

describe('runPipeline', () => {
  it('runs every phase in order, publishing started and done, and passes results on', async () => {
    const reporter = recordingReporter();
    const phases = [fakePhase('clone'), fakePhase('validate'), fakePhase('patch')];
    const outcome = await runPipeline(planOf(phases), fakeJob(), reporter);

    expect(states(reporter.events)).toEqual([
      'clone:started',
      'clone:done',
      'validate:started',
      'validate:done',
      'patch:started',
      'patch:done',
    ]);
    expect(reporter.events.every((event) => event.flops_project_id === 'proj-1' && event.elapsed_ms >= 0)).toBe(true);
    expect(reporter.events[1]?.detail).toEqual({ summary: 'clone ok' });
    expect(outcome.status).toBe('success');
    expect(outcome.done).toEqual({
      clone: { from: 'clone' },
      validate: { from: 'validate' },
      patch: { from: 'patch' },
    });
    expect(Object.keys(outcome.durations)).toEqual(['clone', 'validate', 'patch']);
    expect(outcome.status === 'success' ? outcome.skipReason : 'not a success').toBeNull();
    // Each phase sees the results of the phases before it.
    expect(phases[2]?.run.mock.calls[0]?.[1]).toMatchObject({
      clone: { from: 'clone' },
      validate: { from: 'validate' },
    });
  });

  it('skips every phase after a skipRest, publishing skipped with the reason', async () => {
    const reporter = recordingReporter();
    const phases = [fakePhase('clone', { skipRest: 'images exist' }), fakePhase('validate'), fakePhase('patch')];
    const outcome = await runPipeline(planOf(phases), fakeJob(), reporter);

    expect(states(reporter.events)).toEqual(['clone:started', 'clone:done', 'validate:skipped', 'patch:skipped']);
    expect(reporter.events.slice(2).map((event) => [event.detail, event.elapsed_ms])).toEqual([
      ['images exist', 0],
      ['images exist', 0],
    ]);
    expect([phases[1]?.run.mock.calls.length, phases[2]?.run.mock.calls.length]).toEqual([0, 0]);
    expect(outcome).toMatchObject({
      status: 'success',
      skipReason: 'images exist',
      done: { clone: { from: 'clone' } },
    });
    expect(Object.keys(outcome.durations)).toEqual(['clone']);
  });

  it('skips a phase whose skip gives a reason, and runs the ones after it', async () => {
    const reporter = recordingReporter();
    const skipped = { ...fakePhase('resolve'), skip: () => '--skip-resolve' };
    const phases = [fakePhase('patch'), skipped, fakePhase('inject')];
    const outcome = await runPipeline(planOf(phases), fakeJob(), reporter);

    expect(states(reporter.events)).toEqual([
      'patch:started',
      'patch:done',
      'resolve:skipped',
      'inject:started',
      'inject:done',
    ]);
    expect(reporter.events[2]?.detail).toBe('--skip-resolve');
    expect(skipped.run).not.toHaveBeenCalled();
    expect(outcome).toMatchObject({ status: 'success', skipReason: null });
    expect(Object.keys(outcome.done)).toEqual(['patch', 'inject']);
  });

  it('stops at a failed phase and returns its PipelineError', async () => {
    const reporter = recordingReporter();
    const thrown = new PipelineError('REF_NOT_FOUND', 'validate', 'no such branch');
    const phases = [
      fakePhase('clone'),
      fakePhase('validate', { run: async () => Promise.reject(thrown) }),
      fakePhase('patch'),
    ];
    const outcome = await runPipeline(planOf(phases), fakeJob(), reporter);

    expect(states(reporter.events)).toEqual(['clone:started', 'clone:done', 'validate:started', 'validate:failed']);
    expect(reporter.events[3]?.detail).toEqual({ code: 'REF_NOT_FOUND', error_msg: 'no such branch' });
    expect(phases[2]?.run).not.toHaveBeenCalled();
    if (outcome.status !== 'failed') throw new Error('expected a failure');
    expect(outcome.error).toBe(thrown);
    expect([outcome.error.code, outcome.error.phase, outcome.error.exitCode]).toEqual([
      'REF_NOT_FOUND',
      'validate',
      11,
    ]);
    expect(Object.keys(outcome.durations)).toEqual(['clone', 'validate']);
    expect(Object.keys(outcome.done)).toEqual(['clone']);
  });

  it.each<[PhaseName, ErrorCode, unknown, ErrorCode, number]>([
    ['validate', 'MODEL_MANAGER_INVALID', new Error('boom'), 'MODEL_MANAGER_INVALID', 11],
    ['build', 'BUILD_FAILED', new CommandError('buildah bud', 1, undefined, false, false, 'x', 5), 'BUILD_FAILED', 14],
    [
      'build',
      'BUILD_FAILED',
      new CommandError('buildah bud', undefined, 'SIGTERM', true, false, '', 5),
      'TIMED_OUT',
      14,
    ],
    ['push', 'PUSH_FAILED', 'a thrown string', 'PUSH_FAILED', 15],
    ['resolve', 'RESOLVE_FAILED', new PhaseError('DEPENDENCY_CONFLICT', 'pins clash'), 'DEPENDENCY_CONFLICT', 16],
  ])(
    'turns what %s (failureCode %s) throws, %j, into code %s, exit %i',
    async (name, failureCode, thrown, code, exitCode) => {
      const reporter = recordingReporter();
      const outcome = await runPipeline(
        planOf([fakePhase(name, { failureCode, run: async () => Promise.reject(thrown) })]),
        fakeJob(),
        reporter,
      );
      if (outcome.status !== 'failed') throw new Error('expected a failure');
      expect([outcome.error.code, outcome.error.phase, outcome.error.exitCode, outcome.error.cause]).toEqual([
        code,
        name,
        exitCode,
        thrown,
      ]);
      expect(reporter.events.at(-1)).toMatchObject({ phase: name, state: 'failed', detail: { code } });
    },
  );

  it.each([
    [StopReason.signal('SIGTERM'), 143],
    [StopReason.signal('SIGINT'), 130],
    // Nothing in the builder aborts without a StopReason; anything else is taken as a plain stop.
    [new Error('stopped'), 143],
    [undefined, 143],
  ])('cancels before a phase runs once the signal is aborted (%j → exit %i)', async (reason, exitCode) => {
    const controller = new AbortController();
    controller.abort(reason);
    const reporter = recordingReporter();
    const phases = [fakePhase('clone'), fakePhase('validate')];
    const outcome = await runPipeline(planOf(phases), fakeJob(controller.signal), reporter);

    expect(phases[0]?.run).not.toHaveBeenCalled();
    expect(states(reporter.events)).toEqual(['clone:started', 'clone:failed']);
    if (outcome.status !== 'failed') throw new Error('expected a failure');
    expect([outcome.error.code, outcome.error.phase, outcome.error.exitCode]).toEqual(['CANCELLED', 'clone', exitCode]);
  });

  it('reports a phase that fails because the job was aborted during it as CANCELLED', async () => {
    const controller = new AbortController();
    const reporter = recordingReporter();
    const phases = [
      fakePhase('clone'),
      fakePhase('build', {
        failureCode: 'BUILD_FAILED',
        run: async () => {
          controller.abort(StopReason.signal('SIGINT'));
          throw new CommandError('buildah bud', undefined, 'SIGTERM', false, true, '', 3);
        },
      }),
      fakePhase('push'),
    ];
    const outcome = await runPipeline(planOf(phases), fakeJob(controller.signal), reporter);
    expect(states(reporter.events)).toEqual(['clone:started', 'clone:done', 'build:started', 'build:failed']);
    if (outcome.status !== 'failed') throw new Error('expected a failure');
    expect([outcome.error.code, outcome.error.phase, outcome.error.exitCode]).toEqual(['CANCELLED', 'build', 130]);
    expect(phases[2]?.run).not.toHaveBeenCalled();
  });

  it('logs Start, Completed and Failed step through a child logger per phase', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const job = { config, signal: new AbortController().signal, log } as unknown as Job;
    await runPipeline(
      planOf([fakePhase('clone'), fakePhase('validate', { run: async () => Promise.reject(new Error('x')) })]),
      job,
      recordingReporter(),
    );
    const logged = lines.map((line) => JSON.parse(line) as { phase: string; msg: string; code?: string });
    expect(logged.map((entry) => `${entry.phase}:${entry.msg}`)).toEqual([
      'clone:Start step',
      'clone:Completed step',
      'validate:Start step',
      'validate:Failed step',
    ]);
    expect(logged.at(-1)?.code).toBe('INTERNAL');
  });
});

describe('runPipeline: time limits and stop reasons', () => {
  const configWith = (phaseTimeoutsMs: Partial<Record<PhaseName, number>>): Job['config'] =>
    ({ ...config, phaseTimeoutsMs: { ...config.phaseTimeoutsMs, ...phaseTimeoutsMs } }) as Job['config'];

  it(
    'stops a phase past its own limit with TIMED_OUT, naming the phase and the option, and aborts the signal it saw',
    async () => {
      let seen: AbortSignal | undefined;
      const job = { ...fakeJob(), config: configWith({ build: 30 }) } as Job;
      const phases = [
        fakePhase('build', {
          failureCode: 'BUILD_FAILED',
          run: async (phaseJob) => {
            seen = phaseJob.signal;
            // Like run(): the child is killed when the signal aborts.
            await new Promise((_, reject) =>
              phaseJob.signal.addEventListener('abort', () => reject(new Error('killed'))),
            );
          },
        }),
      ];
      const started = performance.now();
      const outcome = await runPipeline(planOf(phases), job, recordingReporter());
      expect(performance.now() - started).toBeLessThan(1_000);
      if (outcome.status !== 'failed') throw new Error('expected a failure');
      expect([outcome.error.code, outcome.error.phase, outcome.error.exitCode]).toEqual(['TIMED_OUT', 'build', 14]);
      expect(outcome.error.message).toContain('--phase-timeout build=');
      expect(seen?.aborted).toBe(true);
      expect(job.signal.aborted).toBe(false);
    },
    STOP_GRACE_MS + 5_000,
  );

  it.each([
    [StopReason.signal('SIGTERM'), 'CANCELLED', 143],
    [StopReason.signal('SIGINT'), 'CANCELLED', 130],
    [StopReason.deadline(60), 'TIMED_OUT', 11],
  ])('maps a job stopped with %s to %s, exit %i', async (reason, code, exitCode) => {
    const controller = new AbortController();
    const phases = [
      fakePhase('validate', {
        run: async () => {
          controller.abort(reason);
          throw new CommandError('python3', undefined, 'SIGTERM', false, true, '', 3);
        },
      }),
    ];
    const outcome = await runPipeline(planOf(phases), fakeJob(controller.signal), recordingReporter());
    if (outcome.status !== 'failed') throw new Error('expected a failure');
    expect([outcome.error.code, outcome.error.phase, outcome.error.exitCode]).toEqual([code, 'validate', exitCode]);
  });
});
