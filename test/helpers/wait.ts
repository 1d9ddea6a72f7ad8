import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcess } from './service-process.js';

// Polls `check` until it returns true; fails early with the service's output if it exits first.
export async function waitUntilReady(
  service: ServiceProcess,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!service.isRunning()) {
      const how = await service.exited;
      throw new Error(
        `${service.name} exited (code ${how.exitCode ?? 'none'}, signal ${how.signal ?? 'none'}) before ${what}; output:\n${service.outputTail()}`,
      );
    }
    if (await check()) return;
    await sleep(50);
  }
  await service.stop();
  throw new Error(`${service.name} was not ready after ${timeoutMs} ms: ${what}; output:\n${service.outputTail()}`);
}

/**
 * Runs `tasks` side by side and waits for every one to end before it fails with the first failure: a set-up that
 * starts servers while a build runs must not return (to an afterAll that stops what it started) with one still
 * starting. Only for tasks that make no buildah container while a builder job runs: a job removes the working
 * containers that appear in its storage while it runs (src/leftovers.ts).
 */
export async function allSettledOrThrow(tasks: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(tasks)).find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
