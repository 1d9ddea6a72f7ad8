// Runs the built CLI (dist/cli.js) as a real process and collects what it printed.

import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

/** What one run of the builder did. */
export interface BuilderRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** stdout's pino JSON lines, parsed. */
  readonly logs: readonly Record<string, unknown>[];
}

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Starts the builder with `args` and extra environment; resolves when it exits (it must, within `timeoutMs`). */
export async function runBuilder(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 15 * 60_000): Promise<BuilderRun> {
  const started = performance.now();
  const result = await execa(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8', ...env },
    extendEnv: false,
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
  });
  const stdout = String(result.stdout);
  return {
    exitCode: result.exitCode ?? -1,
    stdout,
    stderr: String(result.stderr),
    durationMs: Math.round(performance.now() - started),
    logs: stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
