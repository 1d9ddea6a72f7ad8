import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../../src/errors.js';
import { run } from '../../../src/tools/exec.js';

const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/** Whether a process runs (a zombie waiting for its parent counts as ended). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Starts a shell that starts a grandchild; resolves with the grandchild's pid and the run's outcome. */
function withGrandchild(
  signal: AbortSignal,
  timeoutMs: number,
): { grandchild: Promise<number>; outcome: Promise<unknown> } {
  let found: (pid: number) => void = () => undefined;
  const grandchild = new Promise<number>((resolve) => (found = resolve));
  const outcome = run('sh', ['-c', 'sleep 60 & echo "$!"; wait'], {
    cwd: '/',
    env: ENV,
    timeoutMs,
    signal,
    onLine: (line) => found(Number(line)),
  }).catch((error: unknown) => error);
  return { grandchild, outcome };
}

describe('run', () => {
  it('kills what the command started too when it is cancelled', async () => {
    const controller = new AbortController();
    const { grandchild, outcome } = withGrandchild(controller.signal, 60_000);
    const pid = await grandchild;
    expect(await isRunning(pid)).toBe(true);
    controller.abort(new Error('received SIGTERM'));
    const error = await outcome;
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).cancelled).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await isRunning(pid)).toBe(false);
  });

  it('kills what the command started too when it times out', async () => {
    const { grandchild, outcome } = withGrandchild(new AbortController().signal, 500);
    const pid = await grandchild;
    const error = await outcome;
    expect((error as CommandError).timedOut).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await isRunning(pid)).toBe(false);
  });

  it('passes arguments as they are, never through a shell', async () => {
    const { stdout } = await run('printf', ['%s|', '$(touch /tmp/flops-pwned)', '`id`', 'a;b'], {
      cwd: '/',
      env: ENV,
      timeoutMs: 5_000,
      signal: new AbortController().signal,
    });
    expect(stdout).toBe('$(touch /tmp/flops-pwned)|`id`|a;b|');
  });

  it('hands every non-blank line of stdout and stderr to onLine, and still returns the whole output', async () => {
    const lines: string[] = [];
    const result = await run('sh', ['-c', 'printf "a\\n\\nb\\n"; printf "c\\n" >&2; printf "last"'], {
      cwd: '/',
      env: ENV,
      timeoutMs: 5_000,
      signal: new AbortController().signal,
      onLine: (line) => lines.push(line),
    });
    expect(lines.sort()).toEqual(['a', 'b', 'c', 'last']);
    expect(result.stdout).toBe('a\n\nb\nlast');
    expect(result.stderr).toBe('c');
  });

  it('has handed over every line by the time a failed command throws', async () => {
    const lines: string[] = [];
    const error = await run('sh', ['-c', 'seq 1 5000; echo broken >&2; exit 3'], {
      cwd: '/',
      env: ENV,
      timeoutMs: 5_000,
      signal: new AbortController().signal,
      onLine: (line) => lines.push(line),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).exitCode).toBe(3);
    expect((error as CommandError).stderrTail).toBe('broken');
    expect(lines).toHaveLength(5001);
    expect(lines).toContain('broken');
  });
});
