import { describe, expect, it } from 'vitest';
import { CommandError, EXIT_CODES, PHASE_EXIT_CODES, PipelineError, UsageError } from '../../src/errors.js';

describe('PipelineError', () => {
  it('takes its exit code from its phase', () => {
    const error = new PipelineError('INTERNAL', 'resolve', 'x');
    expect([error.phase, error.code, error.exitCode]).toEqual(['resolve', 'INTERNAL', PHASE_EXIT_CODES.resolve]);
  });

  it('keeps an explicit exit code and the cause', () => {
    const cause = new Error('root');
    const error = new PipelineError('CANCELLED', 'build', 'stopped', { exitCode: EXIT_CODES.SIGTERM, cause });
    expect([error.exitCode, error.cause, error.name, error instanceof Error]).toEqual([
      143,
      cause,
      'PipelineError',
      true,
    ]);
  });

  // The numbers themselves are checked against the README's table (test/unit/docs.test.ts).
  it('keeps the exit codes frozen', () => {
    expect([Object.isFrozen(EXIT_CODES), Object.isFrozen(PHASE_EXIT_CODES)]).toEqual([true, true]);
  });

  it('gives every phase its own exit code, none shared with the other codes', () => {
    const codes = [...Object.values(PHASE_EXIT_CODES), ...Object.values(EXIT_CODES)];
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('CommandError', () => {
  it.each<[number | undefined, string | undefined, boolean, boolean, string, string]>([
    [1, undefined, false, false, '', 'buildah bud exited with code 1'],
    [125, undefined, false, false, 'Error: no such image', 'buildah bud exited with code 125: Error: no such image'],
    [undefined, undefined, false, false, '', 'buildah bud exited with code unknown'],
    [undefined, 'SIGKILL', false, false, 'oom', 'buildah bud was killed by SIGKILL: oom'],
    [undefined, 'SIGTERM', true, false, '', 'buildah bud timed out'],
    [undefined, 'SIGTERM', false, true, 'x', 'buildah bud was cancelled: x'],
    [undefined, 'SIGTERM', true, true, '', 'buildah bud timed out'],
  ])(
    'exit %j, signal %j, timed out %s, cancelled %s, stderr %j → %j',
    (exitCode, signal, timedOut, cancelled, stderrTail, message) => {
      const error = new CommandError('buildah bud', exitCode, signal, timedOut, cancelled, stderrTail, 12);
      expect(error.message).toBe(message);
      expect([
        error.name,
        error.command,
        error.exitCode,
        error.signal,
        error.timedOut,
        error.cancelled,
        error.stderrTail,
        error.durationMs,
      ]).toEqual(['CommandError', 'buildah bud', exitCode, signal, timedOut, cancelled, stderrTail, 12]);
    },
  );

  it('keeps its cause', () => {
    const cause = new Error('spawn ENOENT');
    expect(new CommandError('git', undefined, undefined, false, false, '', 0, { cause }).cause).toBe(cause);
  });
});

describe('UsageError', () => {
  it('carries every problem and exit code 2', () => {
    const error = new UsageError(['a', 'b']);
    expect([error.problems, error.exitCode, error.name]).toEqual([['a', 'b'], 2, 'UsageError']);
  });
});
