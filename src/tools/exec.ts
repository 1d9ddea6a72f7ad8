// The one place that starts subprocesses: argument arrays, explicit cwd/env, a timeout and a cancel signal.

import { execa, type ResultPromise } from 'execa';
import { CommandError } from '../errors.js';

/** How to run one command. */
export interface RunOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * A limit of the command's own, shorter than its phase's; without one, `signal` carries the limit (the pipeline
   * aborts a phase's signal when the phase's time is up).
   */
  readonly timeoutMs?: number;
  readonly signal: AbortSignal;
  /** Called with every line the command writes, stdout and stderr alike (for progress logs). */
  readonly onLine?: (line: string) => void;
  readonly input?: string;
}

/** What a finished command printed. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

const STDERR_TAIL_LINES = 15;

/** Runs `file args…` without a shell; throws CommandError carrying the tail of stderr on any failure. */
export async function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  // Our own timer rather than execa's `timeout`, which signals the command alone: what it started would keep
  // its output pipes open, and the command would never be seen to end.
  const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const stop = timeout === undefined ? options.signal : AbortSignal.any([options.signal, timeout]);
  const subprocess = execa(file, [...args], {
    cwd: options.cwd,
    // The environment is exactly what the caller passes: nothing of ours (tokens, passwords) leaks in by default.
    env: options.env,
    extendEnv: false,
    cancelSignal: stop,
    // SIGTERM first so buildah can clean up; SIGKILL if it does not stop within 10 s.
    forceKillAfterDelay: 10_000,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    reject: false,
    stripFinalNewline: true,
    lines: false,
    // Its own process group, so a cancel reaches what it started too (buildah's RUN steps, pip):
    // killed alone, buildah leaves them running with init as their parent.
    detached: true,
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    if (subprocess.pid === undefined) return;
    try {
      process.kill(-subprocess.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const onAbort = (): void => killGroup('SIGTERM');
  stop.addEventListener('abort', onAbort, { once: true });
  // Whatever of the group outlives a failed command goes with it (and lets go of the pipes).
  subprocess.once('exit', (code) => {
    if (code !== 0) killGroup('SIGKILL');
  });
  // Awaited with the command, so every line has been handed over before `run` settles (callers keep them).
  const [result] = await Promise.all([
    subprocess.finally(() => stop.removeEventListener('abort', onAbort)),
    options.onLine && forwardLines(subprocess, options.onLine),
  ]);
  const timedOut = result.isCanceled && timeout?.aborted === true && !options.signal.aborted;
  const durationMs = Math.round(performance.now() - started);
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  if (result.failed) {
    throw new CommandError(
      [file, ...args].join(' '),
      result.exitCode,
      result.signal,
      timedOut,
      result.isCanceled && !timedOut,
      tail(stderr || stdout, STDERR_TAIL_LINES),
      durationMs,
      { cause: result.cause },
    );
  }
  return { stdout, stderr, durationMs };
}

/** Keeps the last `count` non-empty lines of a text. */
export function tail(text: string, count: number): string {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .slice(-count)
    .join('\n');
}

/** A running command whose output reads as lines of text. */
type TextLines = Pick<ResultPromise<{ encoding: 'utf8' }>, 'iterable'>;

/** Hands every non-blank line of stdout and of stderr to `onLine`, as the command writes it. */
async function forwardLines(subprocess: TextLines, onLine: (line: string) => void): Promise<void> {
  // One iteration per stream, so a partial line on one is never glued to a line of the other. Iterating reads
  // alongside execa's own buffering: `result.stdout` and `result.stderr` still hold everything.
  const forward = async (from: 'stdout' | 'stderr'): Promise<void> => {
    for await (const line of subprocess.iterable({ from })) if (line.trim()) onLine(line);
  };
  await Promise.all([forward('stdout'), forward('stderr')]);
}
