import { execa } from 'execa';

const STOP_GRACE_MS = 5_000;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_TAIL_CHARS = 4_000;

// A long-running test service (broker, registry, git daemon) started by spawnService.
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number | undefined;
  // Resolves once the process has exited, with how it ended.
  readonly exited: Promise<{ exitCode: number | undefined; signal: string | undefined }>;
  // True until the process has exited.
  isRunning(): boolean;
  // Last few kilobytes of its stdout and stderr, for error messages.
  outputTail(): string;
  // SIGTERM, SIGKILL after a grace period, and wait for the exit; safe to call twice.
  stop(): Promise<void>;
}

// Minimal environment for services, so the developer's own settings cannot leak into tests.
export function serviceEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', ...extra };
}

// Spawns `file args` as a service that dies with the test process however it ends.
// execa's `cleanup` kills it on a normal exit or a signal; `setpriv --pdeathsig`
// also kills it when the test worker is SIGKILLed or crashes, which no exit hook sees.
export function spawnService(
  name: string,
  file: string,
  args: readonly string[],
  opts: { cwd: string; env?: Record<string, string> },
): ServiceProcess {
  const child = execa('setpriv', ['--pdeathsig', 'SIGKILL', '--', file, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? serviceEnv(),
    extendEnv: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    cleanup: true,
    forceKillAfterDelay: STOP_GRACE_MS,
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let running = true;
  const exited = child.then((result) => {
    running = false;
    return { exitCode: result.exitCode, signal: result.signal };
  });
  return {
    name,
    pid: child.pid,
    exited,
    isRunning: () => running,
    outputTail: () => tail,
    async stop() {
      if (!running) return;
      child.kill('SIGTERM');
      await withTimeout(exited, STOP_TIMEOUT_MS, `${name} (pid ${child.pid}) did not exit after SIGTERM and SIGKILL`);
    },
  };
}

// Rejects with `message` when `promise` has not settled within `ms`.
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (waited ${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
