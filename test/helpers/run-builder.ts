// Runs the built CLI (dist/flops-image-builder.mjs, the bundle bin/flops-image-builder runs) as a real process
// and collects what it printed.

import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** A user of this machine other than the test's own (see build-user.ts). */
export interface BuildUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** What one run of the builder did. */
export interface BuilderRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** stdout's pino JSON lines, parsed. */
  readonly logs: readonly Record<string, unknown>[];
}

const CLI = fileURLToPath(new URL('../../dist/flops-image-builder.mjs', import.meta.url));
/** The variable test/global-images.ts sets to the run's download cache (see there). */
export const RUN_DOWNLOAD_CACHE = 'FLOPS_TEST_DOWNLOAD_CACHE';
/** Pass as FLOPS_DOWNLOAD_CACHE for a build that must fetch every wheel through the index itself. */
export const OWN_DOWNLOAD_CACHE = '';

/** Starts the builder with `args` and extra environment; resolves when it exits (it must, within `timeoutMs`). */
export async function runBuilder(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 15 * 60_000,
  as?: BuildUser,
): Promise<BuilderRun> {
  return startBuilder(args, env, { timeoutMs, ...(as ? { as } : {}) }).result;
}

/** A builder still running: its pid, its output so far, and its end. */
export interface RunningBuilder {
  readonly pid: number;
  readonly stdoutLines: readonly string[];
  /** Resolves with the first stdout line matching `pred` (already printed or still to come). */
  waitForLine(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  readonly result: Promise<BuilderRun>;
}

/** Starts the builder and returns at once, so a test can act while it runs (signal it, stop a service). */
export function startBuilder(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { readonly cwd?: string; readonly timeoutMs?: number; readonly as?: BuildUser } = {},
): RunningBuilder {
  const started = performance.now();
  const user = options.as;
  // As another user: its own ids and home, and a PATH without root's folders (this machine's python3 is a shim
  // under /root, which no other user may enter).
  const [file, prefix] = user
    ? ['setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--', process.execPath]]
    : [process.execPath, []];
  const path = user ? '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' : (process.env.PATH ?? '/usr/bin:/bin');
  const home = user ? user.home : (process.env.HOME ?? '/root');
  // A run beside another checkout's on one machine may give its builds a storage of their own (as root only): the
  // other run's jobs remove the working containers they did not start, which would fail these builds mid-step.
  const storage =
    !user && process.env.CONTAINERS_STORAGE_CONF
      ? { CONTAINERS_STORAGE_CONF: process.env.CONTAINERS_STORAGE_CONF }
      : {};
  // The run's download cache, for builds as root (another user could not write to it); a test's own wins, and an
  // empty one leaves the job its own (the builder reads an empty value as unset).
  const runCache = process.env[RUN_DOWNLOAD_CACHE];
  const downloads = !user && runCache ? { FLOPS_DOWNLOAD_CACHE: runCache } : {};
  const child = execa(file, [...prefix, CLI, ...args], {
    env: { PATH: path, HOME: home, LANG: 'C.UTF-8', ...storage, ...downloads, ...env },
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 15 * 60_000,
    stdin: 'ignore',
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const stdoutLines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      stdoutLines.push(line);
      for (const waiter of waiters) waiter(line);
    }
  });
  const result = child.then((finished): BuilderRun => {
    const stdout = String(finished.stdout);
    return {
      exitCode: finished.exitCode ?? -1,
      stdout,
      stderr: String(finished.stderr),
      durationMs: Math.round(performance.now() - started),
      logs: stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  });
  return {
    pid: child.pid ?? -1,
    stdoutLines,
    waitForLine(pred, timeoutMs = 300_000) {
      let waiter: ((line: string) => void) | undefined;
      let timer: NodeJS.Timeout | undefined;
      return new Promise<string>((resolve, reject) => {
        const found = stdoutLines.find(pred);
        if (found !== undefined) return resolve(found);
        waiter = (line) => {
          if (pred(line)) resolve(line);
        };
        waiters.add(waiter);
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `no matching builder output within ${timeoutMs} ms; last lines:\n${stdoutLines.slice(-10).join('\n')}`,
              ),
            ),
          timeoutMs,
        );
        void result.then(() =>
          reject(
            new Error(
              `the builder exited without printing a matching line; last lines:\n${stdoutLines.slice(-10).join('\n')}`,
            ),
          ),
        );
      }).finally(() => {
        clearTimeout(timer);
        if (waiter) waiters.delete(waiter);
      });
    },
    kill: (signal) => void child.kill(signal),
    result,
  };
}
