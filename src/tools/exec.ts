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
  const subprocess: ResultPromise = execa(file, [...args], {
    cwd: options.cwd,
    // The environment is exactly what the caller passes: nothing of ours (tokens, passwords) leaks in by default.
    env: options.env,
    extendEnv: false,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    // SIGTERM first so buildah can clean up; SIGKILL if it does not stop within 10 s.
    forceKillAfterDelay: 10_000,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    reject: false,
    stripFinalNewline: true,
    lines: false,
  });
  if (options.onLine) forwardLines(subprocess, options.onLine);
  const result = await subprocess;
  const durationMs = Math.round(performance.now() - started);
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  if (result.failed) {
    throw new CommandError(
      [file, ...args].join(' '),
      result.exitCode,
      result.signal,
      result.timedOut,
      result.isCanceled,
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
