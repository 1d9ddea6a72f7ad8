// The one place that starts subprocesses: argument arrays, explicit cwd/env, a timeout and a cancel signal.

import { execa, type ResultPromise } from 'execa';
import { CommandError } from '../errors.js';

/** How to run one command. */
export interface RunOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
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
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const stop = AbortSignal.any([options.signal, timeout]);
  const subprocess: ResultPromise = execa(file, [...args], {
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
  if (options.onLine) forwardLines(subprocess, options.onLine);
  const result = await subprocess.finally(() => stop.removeEventListener('abort', onAbort));
  const timedOut = result.isCanceled && timeout.aborted && !options.signal.aborted;
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

function forwardLines(subprocess: ResultPromise, onLine: (line: string) => void): void {
  for (const stream of [subprocess.stdout, subprocess.stderr]) {
    let buffered = '';
    stream?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(line);
    });
    stream?.on('end', () => {
      if (buffered.trim()) onLine(buffered);
    });
  }
}
